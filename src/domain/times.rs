//! Response and resolution times, kept as histograms: a time in seconds falls in a bucket (exact
//! below a minute, then steps of 5%), so a median or a 90th percentile read from the counters is
//! the bucket of the true one (bucketing keeps order), shown as the bucket's lower bound.

use std::collections::BTreeMap;

use super::text_enum;

text_enum!(
    /// What a time counter measures: from entering Waiting to the first agent message of that
    /// wait, or from the start of the conversation to its latest close.
    TimeMetric { FirstResponse => "first_response", Resolution => "resolution" }
);

const EXACT_BELOW: i64 = 60;
const STEP: f64 = 1.05;

/// The bucket of a time of `seconds` (negative times count as 0).
pub fn bucket_of(seconds: i64) -> i32 {
    let seconds = seconds.max(0);
    if seconds < EXACT_BELOW {
        return seconds as i32;
    }
    let steps = ((seconds as f64 / EXACT_BELOW as f64).ln() / STEP.ln()).floor() as i32;
    // Floating point may land a bound one step low or high: settle it against the bounds.
    let mut bucket = EXACT_BELOW as i32 + steps.max(0);
    while bucket > EXACT_BELOW as i32 && lower_bound(bucket) > seconds {
        bucket -= 1;
    }
    while lower_bound(bucket + 1) <= seconds {
        bucket += 1;
    }
    bucket
}

/// The smallest time (seconds) in `bucket`.
pub fn lower_bound(bucket: i32) -> i64 {
    if i64::from(bucket) < EXACT_BELOW {
        return i64::from(bucket.max(0));
    }
    let steps = bucket - EXACT_BELOW as i32;
    (EXACT_BELOW as f64 * STEP.powi(steps)).ceil() as i64
}

/// The `q` quantile (nearest rank: the ceil(q·n)-th smallest) of a histogram, as the lower bound
/// of its bucket; `None` when it is empty.
pub fn quantile(histogram: &BTreeMap<i32, i64>, q: f64) -> Option<i64> {
    let n: i64 = histogram.values().sum();
    if n <= 0 {
        return None;
    }
    let rank = ((q * n as f64).ceil() as i64).max(1);
    let mut seen = 0;
    for (bucket, count) in histogram {
        seen += count;
        if seen >= rank {
            return Some(lower_bound(*bucket));
        }
    }
    None
}

/// A time for people: "45 s", "12 min", "3.5 h", "2.1 days".
pub fn duration_label(seconds: Option<i64>) -> String {
    let Some(seconds) = seconds else {
        return "–".to_owned();
    };
    match seconds {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s if s < 48 * 3600 => format!("{:.1} h", s as f64 / 3600.0),
        s => format!("{:.1} days", s as f64 / 86400.0),
    }
}

/// One histogram per metric for a group of counters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Times {
    pub first_response: BTreeMap<i32, i64>,
    pub resolution: BTreeMap<i32, i64>,
}

impl Times {
    pub fn add(&mut self, metric: TimeMetric, bucket: i32, n: i64) {
        let histogram = match metric {
            TimeMetric::FirstResponse => &mut self.first_response,
            TimeMetric::Resolution => &mut self.resolution,
        };
        *histogram.entry(bucket).or_default() += n;
    }

    pub fn responses(&self) -> i64 {
        self.first_response.values().sum()
    }

    pub fn resolutions(&self) -> i64 {
        self.resolution.values().sum()
    }

    pub fn merge(&mut self, other: &Times) {
        for (bucket, n) in &other.first_response {
            *self.first_response.entry(*bucket).or_default() += n;
        }
        for (bucket, n) in &other.resolution {
            *self.resolution.entry(*bucket).or_default() += n;
        }
    }

    /// The first response time's `q` quantile, in seconds.
    pub fn response(&self, q: f64) -> Option<i64> {
        quantile(&self.first_response, q)
    }

    /// The resolution time's `q` quantile, in seconds.
    pub fn resolved(&self, q: f64) -> Option<i64> {
        quantile(&self.resolution, q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_keep_order_and_stay_within_five_per_cent() {
        let mut last = 0;
        for seconds in (0..200_000).step_by(7).chain([2_592_000, 31_536_000]) {
            let bucket = bucket_of(seconds);
            assert!(bucket >= last, "{seconds}");
            last = bucket;
            let low = lower_bound(bucket);
            assert!(
                low <= seconds && lower_bound(bucket + 1) > seconds,
                "{seconds}"
            );
            assert!(
                (seconds - low) as f64 <= 0.05 * seconds as f64 + 1.0,
                "{seconds}"
            );
        }
        assert_eq!(bucket_of(-5), 0);
        assert_eq!(lower_bound(bucket_of(42)), 42, "exact below a minute");
    }

    #[test]
    fn quantiles_are_nearest_rank() {
        let mut histogram = BTreeMap::new();
        for seconds in [10, 20, 30, 40, 50] {
            *histogram.entry(bucket_of(seconds)).or_insert(0) += 1;
        }
        assert_eq!(quantile(&histogram, 0.5), Some(30));
        assert_eq!(quantile(&histogram, 0.9), Some(50));
        assert_eq!(quantile(&BTreeMap::new(), 0.5), None);
        assert_eq!(duration_label(Some(90)), "1 min");
        assert_eq!(duration_label(Some(5400)), "1.5 h");
        assert_eq!(duration_label(None), "–");
    }
}
