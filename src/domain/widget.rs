//! The chat widget's look and where it may appear: the team's colour, greeting and launcher text,
//! and the websites (origins) allowed to show it. An empty list of websites means any website.

use super::text::free_of_control_characters;

pub const DEFAULT_COLOUR: &str = "#2557d6";
pub const DEFAULT_GREETING: &str = "Hi! Ask us anything: our assistant answers from our help \
                                    articles, and a person can join when you need one.";
pub const DEFAULT_LAUNCHER_TEXT: &str = "Chat with us";
pub const MAX_GREETING_CHARS: usize = 200;
pub const MAX_LAUNCHER_CHARS: usize = 40;
pub const MAX_ORIGINS: usize = 50;

/// A colour as `#rrggbb`, stored in lowercase.
pub fn parse_colour(raw: &str) -> Result<String, &'static str> {
    let colour = raw.trim();
    let hex = colour.strip_prefix('#').unwrap_or_default();
    if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(colour.to_ascii_lowercase())
    } else {
        Err("The widget colour is a hex colour such as #2557d6.")
    }
}

/// The greeting at the top of the open panel: 1 to 200 characters, line breaks allowed.
pub fn parse_greeting(raw: &str) -> Result<String, &'static str> {
    let greeting = raw.trim();
    if greeting.is_empty() {
        return Err("Write the widget's greeting (up to 200 characters).");
    }
    if greeting.chars().count() > MAX_GREETING_CHARS {
        return Err("The greeting can be at most 200 characters.");
    }
    if !free_of_control_characters(greeting, true) {
        return Err("The greeting cannot contain control characters.");
    }
    // Browsers send line breaks as CR LF; one kind is enough.
    Ok(greeting.replace("\r\n", "\n"))
}

/// The launcher button's text (its accessible name): one line of 1 to 40 characters.
pub fn parse_launcher_text(raw: &str) -> Result<String, &'static str> {
    let text = raw.trim();
    if text.is_empty() {
        return Err("Write the launcher button's text (up to 40 characters).");
    }
    if text.chars().count() > MAX_LAUNCHER_CHARS {
        return Err("The launcher text can be at most 40 characters.");
    }
    if !free_of_control_characters(text, false) {
        return Err("The launcher text is one line without control characters.");
    }
    Ok(text.to_owned())
}

/// A website's origin as browsers send it in the `Origin` header: `http` or `https`, a host and
/// an optional port, nothing else; lowercase, without a trailing slash or a default port.
pub fn parse_origin(raw: &str) -> Option<String> {
    let url = url::Url::parse(raw.trim()).ok()?;
    let bare = matches!(url.scheme(), "http" | "https")
        && url.host_str().is_some_and(|host| !host.is_empty())
        && url.username().is_empty()
        && url.password().is_none()
        && url.path() == "/"
        && url.query().is_none()
        && url.fragment().is_none();
    // `Url` reads "https://shop.example.com/" and "https://shop.example.com" alike; a path of
    // "/" given as more than one slash or "/." is a path all the same.
    let trimmed = raw.trim().trim_end_matches('/');
    let has_path = trimmed
        .split_once("://")
        .is_some_and(|(_, rest)| rest.contains('/'));
    (bare && !has_path).then(|| url.origin().ascii_serialization())
}

/// The list of websites as typed, one per line (blank lines ignored, duplicates dropped), or a
/// sentence naming the first line that is not a website's origin.
pub fn parse_origins(raw: &str) -> Result<Vec<String>, String> {
    let mut origins: Vec<String> = Vec::new();
    for (index, line) in raw.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Some(origin) = parse_origin(line) else {
            let shown: String = line.chars().take(80).collect();
            return Err(format!(
                "Line {} of the websites, \u{201c}{shown}\u{201d}, is not a website's address: \
                 write http:// or https://, the host and an optional port, without a path, such \
                 as https://shop.example.com.",
                index + 1
            ));
        };
        if !origins.contains(&origin) {
            origins.push(origin);
        }
    }
    if origins.len() > MAX_ORIGINS {
        return Err(format!(
            "List at most {MAX_ORIGINS} websites that may show the chat."
        ));
    }
    Ok(origins)
}

/// Whether a request sent from `origin` (its `Origin` header) may use the widget, given the
/// stored list (normalised origins, one per line). An empty list allows any website.
pub fn origin_allowed(stored: &str, origin: &str) -> bool {
    if stored.trim().is_empty() {
        return true;
    }
    let Some(origin) = parse_origin(origin) else {
        return false;
    };
    stored.lines().any(|allowed| allowed == origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_checked_and_normalised() {
        #[rustfmt::skip]
        let table: &[(&str, Option<&str>)] = &[
            ("https://shop.example.com",        Some("https://shop.example.com")),
            ("https://Shop.Example.COM/",       Some("https://shop.example.com")),
            ("  http://localhost:8080  ",       Some("http://localhost:8080")),
            ("https://shop.example.com:443",    Some("https://shop.example.com")),
            ("http://192.168.1.5:3000/",        Some("http://192.168.1.5:3000")),
            ("HTTPS://shop.example.com",        Some("https://shop.example.com")),
            ("shop.example.com",                None),
            ("ftp://shop.example.com",          None),
            ("https://shop.example.com/help",   None),
            ("https://shop.example.com//",      None),
            ("https://shop.example.com/?a=1",   None),
            ("https://shop.example.com#top",    None),
            ("https://ana@shop.example.com",    None),
            ("https://",                        None),
            ("null",                            None),
            ("",                                None),
        ];
        for (raw, expected) in table {
            assert_eq!(parse_origin(raw).as_deref(), *expected, "{raw:?}");
        }
    }

    #[test]
    fn a_bad_line_is_named() {
        assert_eq!(
            parse_origins("https://a.example\n\nhttps://A.example/\nhttp://b.example:81"),
            Ok(vec![
                "https://a.example".to_owned(),
                "http://b.example:81".to_owned()
            ])
        );
        let refusal = parse_origins("https://a.example\nshop.example.com/cart").unwrap_err();
        assert!(refusal.starts_with("Line 2 of the websites"), "{refusal}");
        assert!(refusal.contains("shop.example.com/cart"), "{refusal}");
        assert_eq!(parse_origins(" \n "), Ok(vec![]));
    }

    #[test]
    fn an_empty_list_allows_any_website() {
        #[rustfmt::skip]
        let table: &[(&str, &str, bool)] = &[
            ("",                                    "https://any.example",  true),
            ("https://a.example",                   "https://a.example",    true),
            ("https://a.example\nhttp://b.example", "http://b.example",     true),
            ("https://a.example",                   "http://a.example",     false),
            ("https://a.example",                   "https://a.example.evil.test", false),
            ("https://a.example",                   "null",                 false),
        ];
        for (stored, origin, allowed) in table {
            assert_eq!(
                origin_allowed(stored, origin),
                *allowed,
                "{stored:?} {origin:?}"
            );
        }
    }

    #[test]
    fn look_settings_are_checked() {
        assert_eq!(parse_colour(" #A1B2C3 "), Ok("#a1b2c3".to_owned()));
        for bad in ["red", "#12345", "#1234567", "123456", "#12345g", ""] {
            assert!(parse_colour(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse_greeting(" Hi\r\nthere "), Ok("Hi\nthere".to_owned()));
        assert!(parse_greeting(&"g".repeat(201)).is_err());
        assert!(parse_greeting(&"g".repeat(200)).is_ok());
        assert!(parse_greeting("  ").is_err());
        assert_eq!(parse_launcher_text(" Help "), Ok("Help".to_owned()));
        assert!(parse_launcher_text(&"l".repeat(41)).is_err());
        assert!(parse_launcher_text("Two\nlines").is_err());
        assert!(parse_launcher_text("").is_err());
    }
}
