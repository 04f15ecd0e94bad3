//! What someone typed into the Conversations search, as the words a full-text index looks up.
//! Each word is matched as the start of a word in a message ("refund" finds "refunds" and
//! "refunded"); all words must be in the same message. Only letters and digits make a word, so
//! nothing typed can change the meaning of the index's query language.

/// At most this many words are looked up (the rest of a pasted paragraph is ignored).
const MOST_WORDS: usize = 8;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchWords(Vec<String>);

impl SearchWords {
    /// The words of `text`, lower case; `None` when it has no letter or digit.
    pub fn of(text: &str) -> Option<SearchWords> {
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .take(MOST_WORDS)
            .map(str::to_lowercase)
            .collect();
        (!words.is_empty()).then_some(SearchWords(words))
    }

    /// PostgreSQL's `to_tsquery('simple', ...)`: every word, as a prefix.
    pub fn tsquery(&self) -> String {
        self.joined(|word| format!("{word}:*"), " & ")
    }

    /// SQLite FTS5's `MATCH`: every word, quoted, as a prefix.
    pub fn fts5(&self) -> String {
        self.joined(|word| format!("\"{word}\"*"), " AND ")
    }

    fn joined(&self, each: impl Fn(&str) -> String, and: &str) -> String {
        self.0
            .iter()
            .map(|word| each(word))
            .collect::<Vec<_>>()
            .join(and)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_letters_and_digits_make_words() {
        let words = SearchWords::of("Refund for order #1234 — ÉTÉ's \"x\" & y:*|!").unwrap();
        assert_eq!(
            words.tsquery(),
            "refund:* & for:* & order:* & 1234:* & été:* & s:* & x:* & y:*"
        );
        assert_eq!(
            SearchWords::of("check that").unwrap().fts5(),
            "\"check\"* AND \"that\"*"
        );
        assert_eq!(SearchWords::of(" %_' -- "), None);
        let many = "a b c d e f g h i j k";
        assert_eq!(SearchWords::of(many).unwrap().0.len(), 8);
    }
}
