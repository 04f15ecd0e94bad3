//! How the bot reads text: words split on anything not a letter or digit, lowercased, common
//! words dropped and the rest reduced to their English stem ("refunds", "refunded" and
//! "refunding" are one word). The same analyzer indexes the articles (tantivy) and reads the
//! customer's question, so both sides always agree.

use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer,
    TokenStream,
};

/// The tokenizer's name in the index.
pub const ANALYZER: &str = "hearken_en";

/// Words that carry no meaning of their own in a question or an article: the Lucene English
/// list plus the pronouns, question words and pleasantries customers write.
pub const STOPWORDS: &[&str] = &[
    "a",
    "an",
    "and",
    "are",
    "as",
    "at",
    "be",
    "but",
    "by",
    "for",
    "if",
    "in",
    "into",
    "is",
    "it",
    "no",
    "not",
    "of",
    "on",
    "or",
    "such",
    "that",
    "the",
    "their",
    "then",
    "there",
    "these",
    "they",
    "this",
    "to",
    "was",
    "will",
    "with",
    "i",
    "im",
    "i'm",
    "me",
    "my",
    "mine",
    "you",
    "your",
    "u",
    "we",
    "our",
    "us",
    "he",
    "she",
    "his",
    "her",
    "them",
    "its",
    "it's",
    "do",
    "does",
    "did",
    "done",
    "doing",
    "can",
    "could",
    "would",
    "should",
    "shall",
    "may",
    "might",
    "must",
    "how",
    "what",
    "whats",
    "when",
    "where",
    "wheres",
    "why",
    "which",
    "who",
    "whom",
    "want",
    "wanted",
    "need",
    "needs",
    "please",
    "pls",
    "hi",
    "hello",
    "hey",
    "thanks",
    "thank",
    "thx",
    "am",
    "been",
    "being",
    "have",
    "has",
    "had",
    "having",
    "so",
    "too",
    "very",
    "just",
    "also",
    "any",
    "all",
    "some",
    "about",
    "from",
    "up",
    "down",
    "out",
    "over",
    "again",
    "than",
    "here",
    "now",
    "yet",
    "still",
    "ok",
    "okay",
    "get",
    "got",
    "getting",
    "there",
    "s",
    "t",
    "d",
    "ll",
    "re",
    "ve",
    "m",
    "dont",
    "don",
    "doesnt",
    "didnt",
    "cant",
    "isnt",
    "wont",
    "ive",
    "id",
    "one",
    "ones",
    "know",
    "tell",
    "let",
    "like",
    "really",
    "much",
    "many",
    "way",
    "something",
    "anything",
    "thing",
    "things",
    "someone",
    "instead",
    "else",
    "only",
    "yes",
    "would",
    "since",
];

/// Everyday words that say little about what a question is about: common verbs, time words,
/// hedges. They are searched, but count little towards the bot's confidence, so "I ordered 10
/// minutes ago" is not a question about minutes.
pub const COMMON_WORDS: &[&str] = &[
    "ago",
    "yesterday",
    "today",
    "tonight",
    "morning",
    "evening",
    "afternoon",
    "minute",
    "minutes",
    "hour",
    "hours",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "time",
    "soon",
    "already",
    "anymore",
    "ever",
    "always",
    "usually",
    "right",
    "possible",
    "possibly",
    "maybe",
    "perhaps",
    "probably",
    "think",
    "thought",
    "guess",
    "seems",
    "seem",
    "make",
    "makes",
    "made",
    "take",
    "takes",
    "took",
    "come",
    "comes",
    "came",
    "go",
    "goes",
    "went",
    "gone",
    "put",
    "say",
    "says",
    "said",
    "see",
    "saw",
    "look",
    "looks",
    "happen",
    "happens",
    "happened",
    "try",
    "tried",
    "give",
    "gave",
    "keep",
    "everything",
    "nothing",
    "someone",
    "somebody",
    "anyone",
    "people",
    "guys",
    "lot",
    "bit",
    "new",
    "old",
    "good",
    "great",
    "best",
    "bad",
    "little",
    "big",
    "same",
    "other",
    "another",
    "first",
    "last",
    "next",
    "work",
    "works",
    "worked",
    "working",
    "use",
    "used",
    "using",
    "able",
    "sure",
    "exactly",
    "actually",
    "basically",
    "literally",
    "even",
    "ok",
    "well",
    "around",
    "still",
    "before",
    "after",
];

/// The analyzer registered for the index: tantivy's simple tokenizer, lowercased, without
/// stopwords, with the English (Porter 2) stemmer.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(StopWordFilter::remove(
            STOPWORDS.iter().map(|w| (*w).to_owned()),
        ))
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The words of `text` as written: lowercased, split on anything not a letter or digit.
pub fn surface_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

pub fn is_stopword(word: &str) -> bool {
    STOPWORDS.contains(&word)
}

pub fn is_common(word: &str) -> bool {
    COMMON_WORDS.contains(&word)
}

/// The stems of `text`, in order, as the index holds them.
pub fn stems(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// Edit distance counting a swap of two neighbouring letters as one typo ("recieve"), as
/// customers make them (optimal string alignment), giving up (returning `limit + 1`) once it
/// exceeds `limit`.
pub fn edit_distance(a: &str, b: &str, limit: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let mut before: Vec<usize> = (0..=b.len()).collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        let mut row_min = current[0];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let mut best = (previous[j] + cost)
                .min(previous[j + 1] + 1)
                .min(current[j] + 1);
            if i > 0 && j > 0 && *ca == b[j - 1] && a[i - 1] == *cb {
                best = best.min(before[j - 1] + 1);
            }
            current[j + 1] = best;
            row_min = row_min.min(best);
        }
        if row_min > limit {
            return limit + 1;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_become_their_stems_without_the_common_ones() {
        let mut analyzer = analyzer();
        assert_eq!(
            stems(&mut analyzer, "Where are my Refunds? I was refunded twice"),
            vec!["refund", "refund", "twice"]
        );
        assert_eq!(stems(&mut analyzer, "Shipping costs"), vec!["ship", "cost"]);
    }

    #[test]
    fn edit_distance_counts_typos_and_gives_up_early() {
        assert_eq!(edit_distance("pasword", "password", 2), 1);
        assert_eq!(edit_distance("acount", "account", 2), 1);
        assert_eq!(edit_distance("recieve", "receive", 2), 1);
        assert_eq!(edit_distance("adress", "address", 2), 1);
        assert_eq!(edit_distance("refund", "warranty", 2), 3);
    }
}
