//! How much the public chat gives one visitor and one address: messages per visitor token,
//! messages and new conversations per client address, and reads (history, live updates) per
//! address. A visitor over a limit gets 429 with a sentence to read, and nothing is created.
//!
//! An open live-update stream holds a connection (a file descriptor) for minutes, so a rate of
//! opens alone would let one address hold thousands: streams are also counted while open, per
//! address, and released when they end.
//!
//! The token's own limit is checked first and a message it refuses does not count against the
//! address: one flooding tab cannot lock out an office that shares its address.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use actix_web::HttpRequest;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

pub use crate::config::VisitorLimits;

pub const TOO_FAST: &str =
    "You are sending messages faster than we can read them. Please wait a minute and try again.";
pub const TOO_MANY_CHATS: &str =
    "Too many new chats have started from your network. Please try again in a minute.";
pub const TOO_MANY_READS: &str = "Too many requests from your network. Please wait a moment.";

type Keyed = DefaultKeyedRateLimiter<String>;

fn keyed(per_minute: u32) -> Keyed {
    RateLimiter::keyed(Quota::per_minute(
        NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN),
    ))
}

/// The limiters of one instance, shared by its workers. Each instance counts on its own: behind
/// a load balancer the effective limit is the sum over instances.
pub struct VisitorGuard {
    per_visitor: Keyed,
    per_address: Keyed,
    new_per_address: Keyed,
    reads_per_address: Keyed,
    streams: Arc<OpenStreams>,
    streams_per_address: u32,
    trust_proxy: bool,
    checks: AtomicU32,
}

/// The visitor streams open now, per address and in all.
#[derive(Default)]
struct OpenStreams {
    counts: Mutex<StreamCounts>,
}

#[derive(Default)]
struct StreamCounts {
    per_address: HashMap<String, u32>,
    all: usize,
}

/// Why a visitor's stream was not opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamRefused {
    /// This address holds as many as it may.
    Address,
    /// The instance holds as many visitor streams as it may.
    Full,
}

impl OpenStreams {
    fn counts(&self) -> std::sync::MutexGuard<'_, StreamCounts> {
        // A count is a plain number: a panic elsewhere cannot leave it half-written.
        self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One open visitor stream, counted against its address until it is dropped.
pub struct StreamSlot {
    streams: Arc<OpenStreams>,
    address: String,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut counts = self.streams.counts();
        counts.all = counts.all.saturating_sub(1);
        if let Some(count) = counts.per_address.get_mut(&self.address) {
            *count -= 1;
            if *count == 0 {
                counts.per_address.remove(&self.address);
            }
        }
    }
}

/// Checks between two sweeps of keys that have not been seen for a while.
const SWEEP_EVERY: u32 = 4096;

impl VisitorGuard {
    pub fn new(limits: VisitorLimits, trust_proxy: bool) -> VisitorGuard {
        VisitorGuard {
            per_visitor: keyed(limits.messages_per_visitor),
            per_address: keyed(limits.messages_per_address),
            new_per_address: keyed(limits.conversations_per_address),
            reads_per_address: keyed(limits.reads_per_address),
            streams: Arc::default(),
            streams_per_address: limits.streams_per_address,
            trust_proxy,
            checks: AtomicU32::new(0),
        }
    }

    /// The address this request is counted against.
    pub fn address(&self, req: &HttpRequest) -> String {
        crate::routes::auth::gate::address_of(req, self.trust_proxy)
    }

    /// Forgets keys whose allowance is full again, now and then, so memory stays bounded by the
    /// visitors of the last minutes.
    fn sweep_now_and_then(&self) {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            for limiter in [
                &self.per_visitor,
                &self.per_address,
                &self.new_per_address,
                &self.reads_per_address,
            ] {
                limiter.retain_recent();
                limiter.shrink_to_fit();
            }
        }
    }

    /// A message (or "talk to a person") from this visitor token, if it has one yet. Checked
    /// first: what it refuses does not count against the address.
    pub fn visitor_message(&self, token: Option<&str>) -> Result<(), &'static str> {
        self.sweep_now_and_then();
        match token {
            Some(token) => self
                .per_visitor
                .check_key(&crate::session::token_hash(token))
                .map_err(|_| TOO_FAST),
            None => Ok(()),
        }
    }

    /// A message from this address, once the visitor's own limit let it through.
    pub fn address_message(&self, address: &str) -> Result<(), &'static str> {
        self.per_address
            .check_key(&address.to_owned())
            .map_err(|_| TOO_FAST)
    }

    /// Both checks, in their order.
    pub fn message(&self, token: Option<&str>, address: &str) -> Result<(), &'static str> {
        self.visitor_message(token)
            .and_then(|()| self.address_message(address))
    }

    /// A new conversation (and a new visitor token) from this address.
    pub fn new_conversation(&self, address: &str) -> Result<(), &'static str> {
        self.new_per_address
            .check_key(&address.to_owned())
            .map_err(|_| TOO_MANY_CHATS)
    }

    /// A read by this request's address, or the 429 page.
    pub fn read_or_refuse(&self, req: &HttpRequest) -> Result<(), crate::error::AppError> {
        self.read(&self.address(req))
            .map_err(crate::error::AppError::TooManyRequests)
    }

    /// A read: the history, or a live-update stream opened.
    pub fn read(&self, address: &str) -> Result<(), &'static str> {
        self.sweep_now_and_then();
        self.reads_per_address
            .check_key(&address.to_owned())
            .map_err(|_| TOO_MANY_READS)
    }
}

impl VisitorGuard {
    /// A stream for this address, held until the slot is dropped, unless the address already
    /// holds as many as it may or the instance holds `most` visitor streams.
    pub fn hold_stream(&self, address: &str, most: usize) -> Result<StreamSlot, StreamRefused> {
        let mut counts = self.streams.counts();
        if counts.all >= most {
            return Err(StreamRefused::Full);
        }
        let count = counts.per_address.entry(address.to_owned()).or_insert(0);
        if *count >= self.streams_per_address {
            return Err(StreamRefused::Address);
        }
        *count += 1;
        counts.all += 1;
        Ok(StreamSlot {
            streams: Arc::clone(&self.streams),
            address: address.to_owned(),
        })
    }

    /// How many visitor streams are open on this instance.
    pub fn open_streams(&self) -> usize {
        self.streams.counts().all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> VisitorGuard {
        VisitorGuard::new(
            VisitorLimits {
                messages_per_visitor: 3,
                messages_per_address: 5,
                conversations_per_address: 2,
                reads_per_address: 4,
                streams_per_address: 2,
            },
            false,
        )
    }

    #[test]
    fn a_flooding_token_does_not_use_up_its_address() {
        let guard = small();
        let refused = (0..50)
            .filter(|_| guard.message(Some("flood"), "10.0.0.1").is_err())
            .count();
        assert_eq!(refused, 47, "three pass, the rest are refused");
        // The same address still has room for another visitor: 3 of its 5 are used.
        assert_eq!(guard.message(Some("colleague"), "10.0.0.1"), Ok(()));
        assert_eq!(guard.message(Some("colleague"), "10.0.0.1"), Ok(()));
        assert_eq!(guard.message(Some("colleague"), "10.0.0.1"), Err(TOO_FAST));
        assert_eq!(guard.message(Some("other"), "10.0.0.2"), Ok(()));
    }

    #[test]
    fn new_conversations_and_reads_are_counted_per_address() {
        let guard = small();
        assert_eq!(guard.new_conversation("10.0.0.1"), Ok(()));
        assert_eq!(guard.new_conversation("10.0.0.1"), Ok(()));
        assert_eq!(guard.new_conversation("10.0.0.1"), Err(TOO_MANY_CHATS));
        assert_eq!(guard.new_conversation("10.0.0.2"), Ok(()));
        assert_eq!(
            (0..10).filter(|_| guard.read("10.0.0.3").is_ok()).count(),
            4
        );
    }

    #[test]
    fn open_streams_are_counted_until_they_end() {
        let guard = small();
        let first = guard.hold_stream("10.0.0.1", 4).expect("first");
        let second = guard.hold_stream("10.0.0.1", 4).expect("second");
        let refused = guard.hold_stream("10.0.0.1", 4).err();
        assert_eq!(refused, Some(StreamRefused::Address));
        let other = guard.hold_stream("10.0.0.2", 4);
        assert!(other.is_ok(), "another address has its own");
        drop(first);
        let third = guard.hold_stream("10.0.0.1", 4).expect("a slot came free");
        assert_eq!(guard.open_streams(), 3);
        let full = guard.hold_stream("10.0.0.3", 3).err();
        assert_eq!(full, Some(StreamRefused::Full));
        drop((second, third, other));
        assert_eq!(
            guard.open_streams(),
            0,
            "nothing is kept for a quiet address"
        );
    }
}
