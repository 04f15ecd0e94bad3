//! Validated sign-in and team-member input.

use std::fmt;

use super::text::free_of_control_characters;

/// An email address, trimmed and lower-cased: addresses are unique case-insensitively.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, &'static str> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err("Enter an email address.");
        }
        if email.len() > 254 {
            return Err("That email address is too long.");
        }
        if !free_of_control_characters(&email, false) {
            return Err("Email addresses cannot contain control characters.");
        }
        let valid = match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.is_empty()
                    && !domain.contains('@')
                    && !email.chars().any(char::is_whitespace)
            }
            None => false,
        };
        if !valid {
            return Err("Enter an email address like name@example.com.");
        }
        Ok(Email(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person's display name, as shown in notes ("Maya joined the conversation").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(raw: &str) -> Result<PersonName, &'static str> {
        let name = raw.trim();
        if name.is_empty() {
            return Err("Enter a name.");
        }
        if name.chars().count() > 100 {
            return Err("Names can be at most 100 characters.");
        }
        if !free_of_control_characters(name, false) {
            return Err("Names cannot contain control characters.");
        }
        Ok(PersonName(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password that meets the minimum rules. Never logged, never displayed.
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 10;
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: &str) -> Result<Password, &'static str> {
        let count = raw.chars().count();
        if count < Self::MIN_CHARS {
            return Err("Passwords need at least 10 characters.");
        }
        if count > Self::MAX_CHARS {
            return Err("Passwords can be at most 200 characters.");
        }
        Ok(Password(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// Why a member's change of their own password was refused; the text is what they read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PasswordChangeRefusal {
    #[error("Your current password is not right.")]
    WrongCurrentPassword,
    #[error("The new password and its repetition differ.")]
    RepetitionDiffers,
    #[error("{0}")]
    WeakNewPassword(&'static str),
    #[error("Too many wrong passwords. Wait a few minutes, then try again.")]
    TooManyAttempts,
    #[error("Your password was changed meanwhile, perhaps in another session. Try again.")]
    ChangedMeanwhile,
}

impl Password {
    /// A new password typed twice, as a form asks for it.
    pub fn parse_repeated(raw: &str, again: &str) -> Result<Password, PasswordChangeRefusal> {
        if raw != again {
            return Err(PasswordChangeRefusal::RepetitionDiffers);
        }
        Password::parse(raw).map_err(PasswordChangeRefusal::WeakNewPassword)
    }
}

/// Hashes a password with Argon2id and a random salt (PHC string format).
pub fn hash_password(password: &Password) -> anyhow::Result<String> {
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("could not hash password: {e}"))
}

/// Checks a candidate password against a stored hash. A malformed hash never matches.
pub fn verify_password(stored_hash: &str, candidate: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    match PasswordHash::new(stored_hash) {
        Ok(parsed) => argon2::Argon2::default()
            .verify_password(candidate.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Spends the same time as a real check when no account matches, so response times do not
/// reveal which addresses have accounts.
pub fn verify_against_dummy(candidate: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let hash = DUMMY.get_or_init(|| {
        hash_password(&Password("dummy password for timing".into())).unwrap_or_default()
    });
    let _ = verify_password(hash, candidate);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Maya@Example.COM ").unwrap().as_str(),
            "maya@example.com"
        );
        assert!(Email::parse("maya").is_err());
        assert!(Email::parse("a@b@c").is_err());
        assert!(Email::parse("").is_err());
    }

    #[test]
    fn a_new_password_is_typed_twice() {
        use PasswordChangeRefusal::*;
        let table: [(&str, &str, Result<(), PasswordChangeRefusal>); 4] = [
            ("long enough pass", "long enough pass", Ok(())),
            (
                "long enough pass",
                "long enough pasS",
                Err(RepetitionDiffers),
            ),
            (
                "short",
                "short",
                Err(WeakNewPassword("Passwords need at least 10 characters.")),
            ),
            ("short", "", Err(RepetitionDiffers)),
        ];
        for (raw, again, expected) in table {
            assert_eq!(
                Password::parse_repeated(raw, again).map(|_| ()),
                expected,
                "{raw:?} / {again:?}"
            );
        }
    }

    #[test]
    fn passwords_have_a_minimum_length() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse("long enough pass").is_ok());
    }
}
