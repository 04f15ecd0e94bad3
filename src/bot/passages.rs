//! An article as the bot quotes it: its paragraphs (passages), and a passage trimmed to the few
//! sentences that answer the question.

/// At most this many sentences of a passage are quoted.
pub const QUOTED_SENTENCES: usize = 3;

/// The article's paragraphs (separated by a blank line), without a first line that only
/// repeats the title.
pub fn split(title: &str, body: &str) -> Vec<String> {
    let body = body.replace("\r\n", "\n");
    body.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .filter(|p| !p.eq_ignore_ascii_case(title.trim()))
        .collect()
}

/// The sentences of a passage. A full stop ends a sentence only before a space and a capital
/// letter or digit, so "4.95 euros" or "e.g. this" stay whole.
pub fn sentences(passage: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = passage.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '?' | '!') {
            continue;
        }
        let next = chars.get(k + 1).map(|&(_, c)| c);
        let after = chars.get(k + 2).map(|&(_, c)| c);
        let ends = match (next, after) {
            (None, _) => true,
            (Some(' '), Some(a)) => a.is_uppercase() || a.is_ascii_digit() || a == '"',
            _ => false,
        };
        if ends {
            let sentence = passage[start..=i].trim();
            if !sentence.is_empty() {
                out.push(sentence);
            }
            start = i + 1;
        }
    }
    let rest = passage[start..].trim();
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

/// The run of at most [`QUOTED_SENTENCES`] sentences of `passage` that `relevance` rates
/// highest (the earliest of equals), joined again.
pub fn trim(passage: &str, relevance: impl Fn(&str) -> f32) -> String {
    let sentences = sentences(passage);
    if sentences.len() <= QUOTED_SENTENCES {
        return sentences.join(" ");
    }
    let scores: Vec<f32> = sentences.iter().map(|s| relevance(s)).collect();
    let mut best = (0, f32::MIN);
    for start in 0..=sentences.len() - QUOTED_SENTENCES {
        let score: f32 = scores[start..start + QUOTED_SENTENCES].iter().sum();
        if score > best.1 + 1e-6 {
            best = (start, score);
        }
    }
    sentences[best.0..best.0 + QUOTED_SENTENCES].join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_are_passages_without_the_title() {
        let body =
            "Refunds\n\nWe check returns within 3 days.\nThen we pay.\n\n\nCards take 5 days.";
        assert_eq!(
            split("Refunds", body),
            vec![
                "We check returns within 3 days. Then we pay.",
                "Cards take 5 days."
            ]
        );
    }

    #[test]
    fn sentences_end_at_a_full_stop_before_a_capital() {
        assert_eq!(
            sentences("It costs 4.95 euros. Free over 50 euros! Really? yes"),
            vec!["It costs 4.95 euros.", "Free over 50 euros!", "Really? yes"]
        );
    }

    #[test]
    fn the_most_relevant_sentences_are_kept() {
        let passage = "One. Two. Refund three. Refund four. Five.";
        let quoted = trim(passage, |s| if s.contains("Refund") { 1.0 } else { 0.0 });
        assert_eq!(quoted, "Two. Refund three. Refund four.");
        assert_eq!(trim("Short. Passage.", |_| 0.0), "Short. Passage.");
    }
}
