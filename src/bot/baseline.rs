//! The word-overlap bot this one replaced, kept only as the baseline `hearken bot-eval
//! --baseline` measures against: every article scored by the words it shares with the
//! question (title words three times), a hand-written stopword list and an "s" stripper.

use std::collections::HashSet;

/// An article as the bot searches it.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub id: i64,
    pub title: String,
    pub body: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// Answer citing these article ids (best first).
    Answer { body: String, cited: Vec<i64> },
    /// Nothing in the knowledge base fits.
    NoAnswer,
}

/// Words too common to tell articles apart.
const STOPWORDS: &[&str] = &[
    "the", "and", "for", "you", "your", "can", "how", "what", "when", "where", "why", "with",
    "this", "that", "have", "has", "does", "did", "not", "are", "was", "but", "from", "they",
    "there", "please", "thanks", "thank", "hello", "want", "need", "would", "could", "should",
    "will", "about", "into", "just", "still", "yet", "any", "all", "our", "out", "get", "got",
];

fn words(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 3 && !STOPWORDS.contains(&w.as_str()))
        // "refunds" and "refund" are the same question.
        .map(|w| w.strip_suffix('s').map(str::to_owned).unwrap_or(w))
        .collect()
}

/// The articles scoring at least 3 (title words count three times), best first.
pub fn rank<'a>(question: &str, articles: &'a [Candidate]) -> Vec<(usize, &'a Candidate)> {
    let asked = words(question);
    if asked.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(usize, &Candidate)> = articles
        .iter()
        .map(|article| {
            let title = words(&article.title);
            let body = words(&article.body);
            let score = asked
                .iter()
                .map(|w| 3 * usize::from(title.contains(w)) + usize::from(body.contains(w)))
                .sum();
            (score, article)
        })
        .filter(|(score, _)| *score >= 3)
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.id.cmp(&b.1.id)));
    scored
}

/// Answers with the best one or two articles.
pub fn reply(question: &str, articles: &[Candidate]) -> Reply {
    let scored = rank(question, articles);
    let Some((best_score, best)) = scored.first().copied() else {
        return Reply::NoAnswer;
    };
    let mut cited = vec![best.id];
    // A close second is worth offering too.
    if let Some((score, second)) = scored.get(1) {
        if *score * 3 >= best_score * 2 {
            cited.push(second.id);
        }
    }
    Reply::Answer {
        body: format!(
            "This article should help: \"{}\". If it doesn't answer your question, tell me more \
             or ask for a person.",
            best.title
        ),
        cited,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kb() -> Vec<Candidate> {
        vec![
            Candidate {
                id: 1,
                title: "Reset your password".into(),
                body: "Forgot your password? Use the reset link.".into(),
            },
            Candidate {
                id: 2,
                title: "When will I get my refund?".into(),
                body: "Refunds take five working days.".into(),
            },
        ]
    }

    #[test]
    fn finds_the_matching_article() {
        match reply("I forgot my password", &kb()) {
            Reply::Answer { cited, .. } => assert_eq!(cited, vec![1]),
            other => panic!("{other:?}"),
        }
        match reply("Where is my refund??", &kb()) {
            Reply::Answer { cited, .. } => assert_eq!(cited[0], 2),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn admits_when_nothing_fits() {
        assert_eq!(
            reply("Do you sell bicycles in Peru", &kb()),
            Reply::NoAnswer
        );
        assert_eq!(reply("?!", &kb()), Reply::NoAnswer);
    }
}
