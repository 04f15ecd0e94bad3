//! Checks shared by the text people type: PostgreSQL cannot store a NUL character, and no control
//! character belongs in a name, a title or a message, so they are refused before any query.

/// Whether `text` is free of control characters; `multiline` text may have line breaks and tabs.
pub fn free_of_control_characters(text: &str, multiline: bool) -> bool {
    text.chars()
        .all(|c| !c.is_control() || (multiline && matches!(c, '\n' | '\r' | '\t')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found() {
        // (text, multi-line, accepted)
        let table = [
            ("Maya Stein", false, true),
            ("a\0", false, false),
            ("a\0", true, false),
            ("line\nline\ttab\r\n", true, true),
            ("line\nline", false, false),
            ("bell\u{7}", true, false),
            ("東京 ça", false, true),
        ];
        for (text, multiline, accepted) in table {
            assert_eq!(
                free_of_control_characters(text, multiline),
                accepted,
                "{text:?}"
            );
        }
    }
}
