//! A signal that an SQLite write transaction committed, for the live-update hub to read what
//! changed at once instead of on its next round. (On PostgreSQL, NOTIFY does this.)

use std::sync::{Condvar, Mutex};
use std::time::Duration;

static COMMITS: Mutex<u64> = Mutex::new(0);
static COMMITTED: Condvar = Condvar::new();

/// Called after each SQLite write transaction commits.
pub fn committed() {
    if let Ok(mut count) = COMMITS.lock() {
        *count = count.wrapping_add(1);
        COMMITTED.notify_all();
    }
}

/// The number of commits so far in this process.
pub fn count() -> u64 {
    COMMITS.lock().map(|count| *count).unwrap_or_default()
}

/// Waits until the count differs from `seen`, or `timeout` passes; returns the count.
pub fn wait_after(seen: u64, timeout: Duration) -> u64 {
    let Ok(guard) = COMMITS.lock() else {
        std::thread::sleep(timeout);
        return seen;
    };
    match COMMITTED.wait_timeout_while(guard, timeout, |count| *count == seen) {
        Ok((count, _)) => *count,
        Err(_) => seen,
    }
}
