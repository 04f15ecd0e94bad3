//! A knowledge-base article as an editor submits it.

use super::text::free_of_control_characters;

/// Validated article fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArticleInput {
    pub title: String,
    pub slug: String,
    pub body: String,
    /// The "Also asked as" phrasings, tidied to one comma-separated line.
    pub also_asked: String,
    pub published: bool,
}

/// Makes a URL-friendly slug: lower-case letters, digits and single dashes.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.trim().to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').chars().take(80).collect()
}

/// The "Also asked as" phrasings as the editor typed them (separated by commas or lines), as
/// one line: "money back, reimbursement".
pub fn tidy_phrasings(text: &str) -> String {
    text.split([',', '\n'])
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks an article; an empty slug is made from the title.
pub fn parse_article(
    title: &str,
    slug: &str,
    body: &str,
    also_asked: &str,
    published: bool,
) -> Result<ArticleInput, Vec<&'static str>> {
    let mut errors = Vec::new();
    let title = title.trim();
    if title.is_empty() {
        errors.push("Give the article a title.");
    } else if title.chars().count() > 200 {
        errors.push("Titles can be at most 200 characters.");
    } else if !free_of_control_characters(title, false) {
        errors.push("Titles cannot contain control characters.");
    }
    let slug = if slug.trim().is_empty() {
        slugify(title)
    } else {
        slug.trim().to_owned()
    };
    let well_formed = !slug.is_empty()
        && slug.len() <= 80
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && slug != "new";
    if !well_formed && !title.is_empty() {
        errors.push("The address may use lower-case letters, digits and dashes (at most 80).");
    }
    let body = body.trim();
    if body.is_empty() {
        errors.push("Write the article's text.");
    } else if body.chars().count() > 20_000 {
        errors.push("Articles can be at most 20,000 characters.");
    } else if !free_of_control_characters(body, true) {
        errors.push("Articles cannot contain control characters.");
    }
    let also_asked = tidy_phrasings(also_asked);
    if also_asked.chars().count() > 2_000 {
        errors.push("\"Also asked as\" can be at most 2,000 characters.");
    } else if !free_of_control_characters(&also_asked, false) {
        errors.push("\"Also asked as\" cannot contain control characters.");
    }
    if errors.is_empty() {
        Ok(ArticleInput {
            title: title.to_owned(),
            slug,
            body: body.to_owned(),
            also_asked,
            published,
        })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_made_from_titles() {
        assert_eq!(
            slugify("  When will I get my refund? "),
            "when-will-i-get-my-refund"
        );
        assert_eq!(
            parse_article("Reset", "", "Text", "", true).unwrap().slug,
            "reset"
        );
        assert!(parse_article("Reset", "Bad Slug", "Text", "", true).is_err());
        assert!(parse_article("", "", "", "", false).unwrap_err().len() == 2);
    }

    #[test]
    fn phrasings_become_one_line() {
        assert_eq!(
            tidy_phrasings(" money back,\r\nreimbursement ,, \n  where is   my refund\n"),
            "money back, reimbursement, where is my refund"
        );
        let long = "refund, ".repeat(300);
        assert!(parse_article("Refunds", "", "Text", &long, true).is_err());
    }
}
