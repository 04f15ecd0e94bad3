//! Where to send someone after signing in: a path on this site, never anywhere else.

use std::fmt;

/// A path (with its query) on this site, as it appears in a request line. Browsers strip tabs and
/// newlines from a `Location` and read `\` as `/`, so anything that could turn into `//host`
/// after such cleaning is refused rather than repaired.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalPath(String);

impl LocalPath {
    /// Accepts `/` alone, or `/` followed by a character other than `/` or `\`, with only visible
    /// ASCII and no `\` anywhere (real paths arrive percent-encoded).
    pub fn parse(raw: &str) -> Option<LocalPath> {
        let rest = raw.strip_prefix('/')?;
        let plain = raw.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
        (plain && !rest.starts_with('/')).then(|| LocalPath(raw.to_owned()))
    }

    /// The home page, where a missing or refused destination leads.
    pub fn home() -> LocalPath {
        LocalPath("/".to_owned())
    }

    /// `raw` if it is a local path, otherwise the home page.
    pub fn parse_or_home(raw: Option<&str>) -> LocalPath {
        raw.and_then(LocalPath::parse)
            .unwrap_or_else(LocalPath::home)
    }

    pub fn is_home(&self) -> bool {
        self.0 == "/"
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LocalPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::LocalPath;

    #[test]
    fn only_plain_paths_on_this_site_are_accepted() {
        #[rustfmt::skip]
        let table: &[(&str, bool)] = &[
            // raw value                 accepted
            ("/",                        true),
            ("/team",                    true),
            ("/ok/path?x=1",             true),
            ("/conversations?q=a%20b",   true),
            ("/%2F/evil.example",        true), // an encoded slash stays a path segment
            ("",                         false),
            ("team",                     false),
            ("//evil.example",           false),
            ("/\\evil.example",          false),
            ("/ok\\..\\x",               false),
            ("/\t/evil.example",         false),
            ("/\r\n/evil.example",       false),
            ("\t//evil.example",         false),
            ("/ /evil.example",          false),
            ("/x\u{7f}",                 false),
            ("/caf\u{e9}",               false),
            ("https://evil.example",     false),
            ("javascript:alert(1)",      false),
        ];
        for (raw, accepted) in table {
            assert_eq!(LocalPath::parse(raw).is_some(), *accepted, "{raw:?}");
        }
        assert_eq!(LocalPath::parse_or_home(Some("//x")), LocalPath::home());
        assert_eq!(LocalPath::parse_or_home(None).as_str(), "/");
    }
}
