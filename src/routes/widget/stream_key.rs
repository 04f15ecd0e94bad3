//! The widget's key to its live-update stream. An `EventSource` cannot send a body or headers,
//! so whatever opens the stream ends up in the address, and addresses end up in proxy logs. The
//! visitor's token (which can write as the visitor) therefore never goes there: the stream is
//! opened with a key that only lets its holder hear that one conversation's events, and only
//! for an hour or two. The key is "conversation.expiry.signature", signed with this server's
//! secret, so checking it needs no database.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type Signer = Hmac<Sha256>;

/// Keys stay the same within an hour, so the widget keeps its stream across refreshes, and
/// last at least one more hour.
const HOUR: i64 = 3600;

pub struct StreamKeys {
    secret: Vec<u8>,
}

impl StreamKeys {
    /// Keys signed with `secret` (derived from the cookie key, so every instance agrees).
    pub fn new(secret: &[u8]) -> StreamKeys {
        StreamKeys {
            secret: secret.to_vec(),
        }
    }

    fn signer(&self, conversation_id: i64, expires: i64) -> Signer {
        let mut mac = Signer::new_from_slice(&self.secret).expect("HMAC takes any key length");
        mac.update(format!("widget-stream:{conversation_id}.{expires}").as_bytes());
        mac
    }

    /// The key to `conversation_id`'s events, at `now` (seconds since 1970).
    pub fn issue(&self, conversation_id: i64, now: i64) -> String {
        let expires = (now.div_euclid(HOUR) + 2) * HOUR;
        format!(
            "{conversation_id}.{expires}.{}",
            hex::encode(
                self.signer(conversation_id, expires)
                    .finalize()
                    .into_bytes()
            )
        )
    }

    /// The conversation a key opens, if it is genuine and has not expired at `now`.
    pub fn check(&self, key: &str, now: i64) -> Option<i64> {
        let mut parts = key.trim().splitn(3, '.');
        let conversation_id: i64 = parts.next()?.parse().ok()?;
        let expires: i64 = parts.next()?.parse().ok()?;
        let given = hex::decode(parts.next()?).ok()?;
        if now >= expires {
            return None;
        }
        // Compared in constant time.
        self.signer(conversation_id, expires)
            .verify_slice(&given)
            .ok()?;
        Some(conversation_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_opens_its_conversation_until_it_expires() {
        let keys = StreamKeys::new(b"secret");
        let now = 1_800_000_000;
        let key = keys.issue(42, now);
        assert_eq!(keys.check(&key, now), Some(42));
        assert_eq!(keys.check(&key, now + HOUR), Some(42), "at least an hour");
        assert_eq!(keys.check(&key, now + 2 * HOUR), None, "at most two");
        assert_eq!(keys.issue(42, now + 60), key, "the same within the hour");
    }

    #[test]
    fn a_changed_or_foreign_key_opens_nothing() {
        let keys = StreamKeys::new(b"secret");
        let now = 1_800_000_000;
        let key = keys.issue(42, now);
        let other = key.replacen("42.", "43.", 1);
        assert_eq!(keys.check(&other, now), None, "another conversation");
        assert_eq!(StreamKeys::new(b"other").check(&key, now), None);
        for broken in ["", "42", "42.x.y", "x.1.ab", "42.99999999999.zz"] {
            assert_eq!(keys.check(broken, now), None, "{broken:?}");
        }
    }
}
