//! What sign-in attempts may use: a few at a time, so guessing can never take every database
//! connection or every CPU core; and who is asking, by client address.

use std::net::IpAddr;
use std::time::Duration;

use actix_web::HttpRequest;
use tokio::sync::{Semaphore, SemaphorePermit};

/// Admits sign-in attempts a few at a time. Shared by the workers of one instance.
pub struct SignInGate {
    attempts: Semaphore,
    trust_proxy: bool,
}

/// How long an attempt waits for its turn before it is told to come back.
const MAX_WAIT: Duration = Duration::from_secs(10);

impl SignInGate {
    /// Half the pool (at least one connection) for sign-in attempts: the other half stays free
    /// for everyone already signed in and for the health check, whatever the sign-in traffic.
    pub fn new(pool_size: u32, trust_proxy: bool) -> SignInGate {
        let permits = usize::try_from(pool_size / 2).unwrap_or(1).max(1);
        SignInGate {
            attempts: Semaphore::new(permits),
            trust_proxy,
        }
    }

    /// Waits for this attempt's turn; `None` when the queue is too long to wait.
    pub async fn admit(&self) -> Option<SemaphorePermit<'_>> {
        tokio::time::timeout(MAX_WAIT, self.attempts.acquire())
            .await
            .ok()
            .and_then(Result::ok)
    }

    /// The address failures are counted against.
    pub fn client_address(&self, req: &HttpRequest) -> String {
        address_of(req, self.trust_proxy)
    }
}

/// Who is asking, by address: see `client_address`. Shared with the visitor chat's limits.
pub fn address_of(req: &HttpRequest, trust_proxy: bool) -> String {
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .last()
        .and_then(|value| value.to_str().ok());
    client_address(
        req.peer_addr().map(|peer| peer.ip()),
        forwarded,
        trust_proxy,
    )
}

/// The client's address: the peer, or, behind a trusted proxy, the last address in
/// X-Forwarded-For (the one the proxy itself appended; earlier ones are the client's to forge).
/// IPv6 clients are counted by their /64, which one household or server usually holds whole.
fn client_address(peer: Option<IpAddr>, forwarded: Option<&str>, trust_proxy: bool) -> String {
    let from_proxy = forwarded
        .filter(|_| trust_proxy)
        .and_then(|list| list.rsplit(',').next())
        .and_then(|last| last.trim().parse::<IpAddr>().ok());
    match from_proxy.or(peer) {
        Some(IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let segments = v6.segments();
            format!(
                "{:x}:{:x}:{:x}:{:x}::/64",
                segments[0], segments[1], segments[2], segments[3]
            )
        }
        Some(IpAddr::V6(v6)) => v6.to_canonical().to_string(),
        Some(ip) => ip.to_string(),
        None => "unknown".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::client_address;

    #[test]
    fn the_client_is_the_peer_unless_a_trusted_proxy_says_otherwise() {
        let peer = "10.0.0.2".parse().ok();
        #[rustfmt::skip]
        let table: &[(Option<&str>, bool, &str)] = &[
            // X-Forwarded-For                  trusted  counted as
            (None,                              false,   "10.0.0.2"),
            (Some("203.0.113.9"),               false,   "10.0.0.2"),
            (Some("203.0.113.9"),               true,    "203.0.113.9"),
            (Some("1.2.3.4, 203.0.113.9"),      true,    "203.0.113.9"),
            (Some("not an address"),            true,    "10.0.0.2"),
            (Some("2001:db8:1:2:3:4:5:6"),      true,    "2001:db8:1:2::/64"),
            (Some("::ffff:198.51.100.7"),       true,    "198.51.100.7"),
        ];
        for (forwarded, trusted, expected) in table {
            assert_eq!(
                client_address(peer, *forwarded, *trusted),
                *expected,
                "{forwarded:?} trusted={trusted}"
            );
        }
        assert_eq!(client_address(None, None, false), "unknown");
    }
}
