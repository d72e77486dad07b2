//! Mail use cases: features queue messages inside their own transactions; a worker sends
//! them through SMTP; ministry admins read the outbox.

use time::Duration;

use super::model::{self, Mail, OutboxEntry};
use super::smtp::Smtp;
use super::store;
use crate::kernel::access::{self, Actor};
use crate::kernel::db::{Db, StoreError, Tx};
use crate::kernel::error::AppError;
use crate::kernel::time::now;
use crate::kernel::web::paging::{Paged, Window};

/// Sent and failed messages are kept this long on the outbox page.
pub const KEEP: Duration = Duration::days(90);

/// Queues `mail` in the caller's transaction. The request never waits on SMTP: the worker
/// sends it after the transaction commits.
pub async fn queue(tx: &mut Tx, mail: &Mail) -> Result<i64, StoreError> {
    store::enqueue(tx, mail, now()).await
}

/// Forgets every message to any of these addresses (a person's erasure: what was sent to
/// them is their data). Values that are not e-mail addresses are ignored.
pub async fn forget(tx: &mut Tx, addresses: &[String]) -> Result<u64, StoreError> {
    let addresses: Vec<&str> = addresses
        .iter()
        .map(|a| a.trim())
        .filter(|a| a.contains('@'))
        .collect();
    store::forget(tx, &addresses).await
}

/// One page of the outbox, newest first, for ministry admins.
pub async fn outbox(
    db: &Db,
    actor: &Actor,
    page: i64,
) -> Result<(Paged<OutboxEntry>, i64), AppError> {
    access::admin(actor)?;
    let w = Window::new(page, 50);
    let (items, total) = store::outbox(db, w).await?;
    let waiting = store::waiting(db).await?;
    Ok((Paged::new(items, total, w), waiting))
}

/// Forgets messages sent or given up more than [`KEEP`] ago.
pub async fn purge(db: &Db) -> Result<u64, AppError> {
    Ok(store::purge(db, now() - KEEP).await?)
}

/// Sends the messages that are due, a batch at a time, until none are left; returns how
/// many were sent. Failures are retried with backoff, then given up.
pub async fn deliver_due(db: &Db, smtp: &Smtp) -> Result<usize, AppError> {
    let mut sent = 0;
    loop {
        let batch = store::claim(db, now(), 20).await?;
        if batch.is_empty() {
            return Ok(sent);
        }
        for m in batch {
            match smtp.send(&m.to_addr, &m.subject, &m.body).await {
                Ok(()) => {
                    store::sent(db, m.id, now()).await?;
                    sent += 1;
                }
                Err(error) => {
                    tracing::warn!(mail = m.id, attempts = m.attempts, %error, "sending mail failed");
                    let at = now();
                    let retry =
                        (m.attempts < model::MAX_ATTEMPTS).then(|| model::retry_at(m.attempts, at));
                    store::failed(db, m.id, &error, retry, at).await?;
                }
            }
        }
    }
}
