//! What the bot says to a question: the passage that answers it, quoted in the article's own
//! words, with the article cited; or, below the confidence threshold, nothing (it declines
//! rather than guess).

use super::search::{KnowledgeIndex, Match, Question};

/// The confidence below which the bot declines, unless the team sets another on the Settings
/// page (the default of `team_settings.bot_min_confidence` is the same). Tuned on two thirds
/// of the demo's evaluation set (the lowest threshold that declines 90% of its uncovered
/// questions).
pub const DEFAULT_MIN_CONFIDENCE: f32 = 0.5;
/// The strength (BM25 in units of the largest IDF) × coverage × support that counts as full
/// confidence.
const SURE_AT: f32 = 2.1;
/// How much a question must ask before its coverage counts in full: a question of one or two
/// common shop words ("who makes your frames") is weak evidence however well they match.
/// Support is asked / (asked + this), asked in units of the rarest word's weight: a question
/// of one word found in a single article gets about half.
const SUPPORT_PRIOR: f32 = 1.0;
/// A question that says one of the article's own phrasings in full (its title or an "Also
/// asked as" line) asks what the article is about: its strength counts this many times.
const PHRASING_FACTOR: f32 = 3.0;
/// A second article is quoted too when it answers another part of the question and scores at
/// least this share of the first.
const SECOND_SHARE: f32 = 0.6;

/// A passage the bot quotes.
#[derive(Clone, Debug, PartialEq)]
pub struct Quoted {
    pub article_id: i64,
    pub title: String,
    pub slug: String,
    pub text: String,
}

/// What the bot found for a question.
#[derive(Clone, Debug)]
pub struct Found {
    pub question: Question,
    /// Matching articles, best first.
    pub matches: Vec<Match>,
    /// The best article's confidence (0 with none), see [`confidence`].
    pub confidence: f32,
    /// Whether the bot answers (confident enough) or declines.
    pub answers: bool,
}

impl Found {
    /// The articles' addresses, best first, for the evaluation.
    pub fn slugs<'a>(&self, index: &'a KnowledgeIndex) -> Vec<&'a str> {
        self.matches
            .iter()
            .map(|m| index.article(m.article).slug.as_str())
            .collect()
    }
}

/// How sure the bot is that `found` answers the question, from 0 to 1: the share of the
/// question's content words the article has (weighted by rarity, see `search`) times how
/// strongly its best passage matches (BM25), so that neither a few common words matched well
/// nor many words scattered thinly through a long article are enough; times the question's
/// support (how much it asks, so a short question of common words is weak evidence); three
/// times as much when the question says one of the article's own phrasings in full.
pub fn confidence(found: &Match) -> f32 {
    let support = found.asked_weight / (found.asked_weight + SUPPORT_PRIOR);
    let phrasing = if found.says_a_phrasing {
        PHRASING_FACTOR
    } else {
        1.0
    };
    (found.coverage * support * phrasing * found.strength / SURE_AT).min(1.0)
}

/// Searches `index` for `text` and decides whether the best article answers it.
pub fn find(index: &KnowledgeIndex, text: &str, min_confidence: f32) -> tantivy::Result<Found> {
    let question = index.question(text);
    let matches = index.search(&question)?;
    let confidence = matches.first().map_or(0.0, confidence);
    Ok(Found {
        answers: !matches.is_empty() && confidence >= min_confidence,
        question,
        matches,
        confidence,
    })
}

/// The passages to quote: the best article's, and a second article's when it answers another
/// part of the question. Empty when the bot declines.
pub fn quotes(index: &KnowledgeIndex, found: &Found) -> Vec<Quoted> {
    if !found.answers {
        return Vec::new();
    }
    let mut chosen: Vec<&Match> = found.matches.iter().take(1).collect();
    if let (Some(best), Some(second)) = (found.matches.first(), found.matches.get(1)) {
        if second.adds_to(best) && second.score >= SECOND_SHARE * best.score {
            chosen.push(second);
        }
    }
    chosen
        .into_iter()
        .map(|m| {
            let article = index.article(m.article);
            Quoted {
                article_id: article.id,
                title: article.title.clone(),
                slug: article.slug.clone(),
                text: index.quote(m.passage, &found.question),
            }
        })
        .collect()
}

/// The bot's message for these quotes: each passage as the article says it, the links follow
/// as citations.
pub fn compose(quotes: &[Quoted]) -> String {
    match quotes {
        [only] => only.text.clone(),
        many => many
            .iter()
            .map(|q| format!("{}: {}", q.title, q.text))
            .collect::<Vec<_>>()
            .join("\n\n"),
    }
}
