//! Background work every instance runs: noting waits past the team's target, and closing
//! conversations left inactive. Each change is checked against the conversation's version, so
//! several instances running the same jobs do not act twice on one conversation.

pub mod auto_close;
pub mod wait_time;

use std::time::Duration;

use crate::db::Pool;

/// Starts the periodic jobs on the current runtime.
pub fn start(pool: Pool) {
    tokio::spawn(async move {
        let mut every_minute = tokio::time::interval(Duration::from_secs(60));
        loop {
            every_minute.tick().await;
            let pool = pool.clone();
            let result = tokio::task::spawn_blocking(move || {
                let mut conn = pool.get()?;
                let now = crate::models::now();
                let noted = wait_time::note_long_waits(&mut conn, now)?;
                let closed = auto_close::close_inactive(&mut conn, now)?;
                anyhow::Ok((noted, closed))
            })
            .await;
            match result {
                Ok(Ok((0, 0))) => {}
                Ok(Ok((noted, closed))) => tracing::info!(noted, closed, "background jobs acted"),
                Ok(Err(error)) => tracing::warn!(%error, "closing inactive conversations failed"),
                Err(error) => tracing::warn!(%error, "the auto-close job stopped unexpectedly"),
            }
        }
    });
}
