//! A customer's question as the bot reads it: each word corrected against the articles' own
//! vocabulary when misspelt, stemmed like the index, everyday words marked, and the help
//! center's words added for the everyday paraphrases it contains.

use std::collections::{HashMap, HashSet};

use tantivy::tokenizer::TextAnalyzer;

use super::synonyms::{is_paraphrased, paraphrases};
use super::words::{self, edit_distance, is_stopword, surface_words};

/// The help center's words added for a paraphrase weigh this much of the customer's own.
const PARAPHRASE_WEIGHT: f32 = 0.8;
/// Everyday words weigh this much of a content word, in the search and in the confidence.
pub(super) const COMMON_WEIGHT: f32 = 0.25;
/// One content word of the question: its stem and the stems that count as saying the same.
#[derive(Clone, Debug)]
pub(super) struct Asked {
    pub(super) stem: String,
    pub(super) alternatives: Vec<String>,
    /// An everyday word ([`words::COMMON_WORDS`]): it counts little towards confidence.
    pub(super) common: bool,
}

/// A question as the bot searches it.
#[derive(Clone, Debug, Default)]
pub struct Question {
    /// Stems to search for, with their weights.
    pub(super) terms: Vec<(String, f32)>,
    /// The customer's content words (numbers left out).
    pub(super) asked: Vec<Asked>,
}

impl Question {
    /// The stems searched for, with their weights, for quoting the right sentences.
    pub fn weight_of(&self, stem: &str) -> f32 {
        self.terms
            .iter()
            .find(|(s, _)| s == stem)
            .map_or(0.0, |(_, w)| *w)
    }

    pub fn is_empty(&self) -> bool {
        self.asked.is_empty()
    }

    pub fn asked_count(&self) -> usize {
        self.asked.len()
    }

    /// The stems the customer said, and those of the help center's words for their
    /// paraphrases.
    pub(super) fn said(&self) -> HashSet<&str> {
        self.asked
            .iter()
            .flat_map(|a| std::iter::once(&a.stem).chain(&a.alternatives))
            .map(String::as_str)
            .collect()
    }
}

/// The words the articles use: as written (with how often), for correcting typos; and as stems
/// (with in how many articles), for how rare a word is.
#[derive(Default)]
pub struct Vocabulary {
    pub(super) words: HashMap<String, u32>,
    pub(super) stems: HashMap<String, u32>,
}

impl Vocabulary {
    /// The word as the articles would spell it: itself if they use it (or its stem), else the
    /// closest of their words within one typo (two for words of 8 letters or more), else two of
    /// their words run together ("giftcard"), else itself.
    fn correct(&self, word: &str, analyzer: &mut TextAnalyzer) -> Vec<String> {
        let length = word.chars().count();
        let known = |w: &str| self.words.contains_key(w);
        if length < 6
            || known(word)
            || is_stopword(word)
            || is_paraphrased(word)
            || word.chars().any(|c| c.is_ascii_digit())
            || words::stems(analyzer, word)
                .iter()
                .all(|s| self.stems.contains_key(s))
        {
            return vec![word.to_owned()];
        }
        let limit = if length >= 9 { 2 } else { 1 };
        let first = word.chars().next();
        let best = self
            .words
            .iter()
            .filter(|(v, _)| {
                v.len().abs_diff(word.len()) <= limit * 2
                    && v.chars().next() == first
                    && v.chars().count() >= 4
            })
            .map(|(v, n)| (edit_distance(word, v, limit), *n, v))
            .filter(|(d, _, _)| *d <= limit)
            .min_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(b.2)));
        if let Some((_, _, v)) = best {
            return vec![v.clone()];
        }
        for split in 3..length.saturating_sub(2) {
            let (a, b) = word.split_at(word.char_indices().nth(split).map_or(0, |(i, _)| i));
            if known(a) && known(b) && !is_stopword(a) && !is_stopword(b) {
                return vec![a.to_owned(), b.to_owned()];
            }
        }
        vec![word.to_owned()]
    }

    /// Reads a question: corrected, stemmed, with the help center's words for its paraphrases.
    pub fn read(&self, text: &str, analyzer: &TextAnalyzer) -> Question {
        let mut analyzer = analyzer.clone();
        let words: Vec<String> = surface_words(text)
            .iter()
            .flat_map(|w| self.correct(w, &mut analyzer))
            .collect();
        let found = paraphrases(&words);
        let mut question = Question::default();
        let mut seen = HashSet::new();
        for (position, word) in words.iter().enumerate() {
            let Some(stem) = words::stems(&mut analyzer, word).into_iter().next() else {
                continue;
            };
            let mut alternatives = Vec::new();
            for paraphrase in found.iter().filter(|p| p.covers.contains(&position)) {
                for meant in &paraphrase.meant {
                    alternatives.extend(words::stems(&mut analyzer, meant));
                }
            }
            let common = words::is_common(word);
            if !question.terms.iter().any(|(s, _)| *s == stem) {
                question
                    .terms
                    .push((stem.clone(), if common { COMMON_WEIGHT } else { 1.0 }));
            }
            if !stem.chars().all(|c| c.is_ascii_digit()) && seen.insert(stem.clone()) {
                question.asked.push(Asked {
                    stem,
                    alternatives,
                    common,
                });
            }
        }
        for paraphrase in &found {
            for meant in &paraphrase.meant {
                for stem in words::stems(&mut analyzer, meant) {
                    if !question.terms.iter().any(|(s, _)| *s == stem) {
                        question.terms.push((stem, PARAPHRASE_WEIGHT));
                    }
                }
            }
        }
        question
    }
}
