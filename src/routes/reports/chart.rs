//! The resolved/unresolved chart: stacked bars per bucket with the resolved share as a line,
//! drawn on the server as SVG (no JavaScript needed).

use plotters::prelude::*;

use crate::domain::report::{Period, Split};

const RESOLVED: RGBColor = RGBColor(45, 138, 78);
const UNRESOLVED: RGBColor = RGBColor(214, 150, 40);
const SHARE: RGBColor = RGBColor(37, 87, 214);

/// An SVG chart of `buckets`, sized by its viewBox so it scales with the page.
pub fn outcomes_chart(buckets: &[(Period, Split)]) -> Result<String, String> {
    let mut svg = String::new();
    let n = buckets.len().max(1);
    let highest = buckets
        .iter()
        .map(|(_, s)| s.closed())
        .max()
        .unwrap_or(0)
        .max(4);
    // Headroom above the tallest bar keeps the legend clear of the data.
    let top = highest + highest * 2 / 5 + 1;
    {
        let root = SVGBackend::with_string(&mut svg, (960, 340)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(42)
            .y_label_area_size(52)
            .right_y_label_area_size(52)
            .build_cartesian_2d(0..n, 0..top)
            .map_err(|e| e.to_string())?
            .set_secondary_coord(0.0..n as f64, 0.0..100.0);
        let step = (n / 10).max(1);
        let labels: Vec<String> = buckets
            .iter()
            .map(|(p, _)| p.from.format("%b %-d").to_string())
            .collect();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .y_desc("Closed conversations")
            .x_desc("Closed in (team's time zone)")
            .x_labels(n.min(12))
            .x_label_formatter(&|i| {
                if i % step == 0 {
                    labels.get(*i).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .label_style(("sans-serif", 13))
            .axis_desc_style(("sans-serif", 13))
            .draw()
            .map_err(|e| e.to_string())?;
        chart
            .configure_secondary_axes()
            .y_desc("Resolved share (%)")
            .y_label_formatter(&|v| format!("{v:.0}%"))
            .label_style(("sans-serif", 13))
            .axis_desc_style(("sans-serif", 13))
            .draw()
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(buckets.iter().enumerate().map(|(i, (_, s))| {
                let mut bar = Rectangle::new([(i, 0), (i + 1, s.resolved)], RESOLVED.filled());
                bar.set_margin(0, 0, 3, 3);
                bar
            }))
            .map_err(|e| e.to_string())?
            .label("Resolved")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], RESOLVED.filled()));
        chart
            .draw_series(buckets.iter().enumerate().map(|(i, (_, s))| {
                let mut bar =
                    Rectangle::new([(i, s.resolved), (i + 1, s.closed())], UNRESOLVED.filled());
                bar.set_margin(0, 0, 3, 3);
                bar
            }))
            .map_err(|e| e.to_string())?
            .label("Unresolved")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], UNRESOLVED.filled()));
        // The line only joins buckets that closed something: an empty day has no share.
        let points: Vec<(f64, f64)> = buckets
            .iter()
            .enumerate()
            .filter_map(|(i, (_, s))| s.share().map(|share| (i as f64 + 0.5, share)))
            .collect();
        chart
            .draw_secondary_series(LineSeries::new(
                points.iter().copied(),
                SHARE.stroke_width(2),
            ))
            .map_err(|e| e.to_string())?
            .label("Resolved share")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 12, y)], SHARE.stroke_width(2)));
        chart
            .draw_secondary_series(points.iter().map(|&p| Circle::new(p, 3, SHARE.filled())))
            .map_err(|e| e.to_string())?;
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.2))
            .label_font(("sans-serif", 13))
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    // Scale with the page instead of a fixed size; the data table below carries the numbers.
    Ok(svg.replacen(
        "<svg width=\"960\" height=\"340\"",
        "<svg class=\"chart\" role=\"img\" aria-labelledby=\"chart-title\" preserveAspectRatio=\"xMidYMid meet\"",
        1,
    ))
}
