//! Background work every instance runs: closing conversations left inactive. Each change is
//! version-checked, so several instances running the same job never act twice on one
//! conversation.

pub mod auto_close;

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
                auto_close::close_inactive(&mut conn, crate::models::now())
            })
            .await;
            match result {
                Ok(Ok(0)) => {}
                Ok(Ok(closed)) => tracing::info!(closed, "closed inactive conversations"),
                Ok(Err(error)) => tracing::warn!(%error, "closing inactive conversations failed"),
                Err(error) => tracing::warn!(%error, "the auto-close job stopped unexpectedly"),
            }
        }
    });
}
