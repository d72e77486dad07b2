//! The mail queue in the database.

use time::OffsetDateTime;

use super::model::{Claimed, LEASE, Mail, OutboxEntry};
use crate::kernel::db::{Db, Dialect, Sql, StoreError, Tx};
use crate::kernel::web::paging::Window;

/// Queues a message in the caller's transaction: it is sent only if that commits.
pub async fn enqueue(tx: &mut Tx, m: &Mail, now: OffsetDateTime) -> Result<i64, StoreError> {
    let mut sql = Sql::insert(
        "mail_jobs",
        vec![
            ("to_addr", m.to.as_str().into()),
            ("subject", m.subject.as_str().into()),
            ("body", m.body.as_str().into()),
            ("secret", m.secret.into()),
            ("created_at", now.into()),
            ("run_at", now.into()),
        ],
    );
    sql.push(" RETURNING id");
    let (id,): (i64,) = tx.fetch_one(sql).await?;
    Ok(id)
}

/// Claims up to `limit` messages that are due, counting the try and leasing them for
/// [`LEASE`]. Safe with several server processes: on PostgreSQL rows another worker holds
/// are skipped (`FOR UPDATE SKIP LOCKED`); SQLite runs one write at a time.
pub async fn claim(db: &Db, now: OffsetDateTime, limit: i64) -> Result<Vec<Claimed>, StoreError> {
    let lock = match db.dialect() {
        Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
        Dialect::Sqlite => "",
    };
    let mut tx = db.begin().await?;
    let claimed = tx
        .fetch_all(
            Sql::new(format!(
                "UPDATE mail_jobs SET locked_until = $1, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM mail_jobs \
                WHERE sent_at IS NULL AND failed_at IS NULL AND run_at <= $2 \
                AND (locked_until IS NULL OR locked_until <= $2) \
                ORDER BY run_at LIMIT $3{lock}) \
             RETURNING id, to_addr, subject, body, attempts"
            ))
            .arg(now + LEASE)
            .arg(now)
            .arg(limit),
        )
        .await?;
    tx.commit().await?;
    Ok(claimed)
}

/// Marks a message sent; a secret body is emptied.
pub async fn sent(db: &Db, id: i64, now: OffsetDateTime) -> Result<(), StoreError> {
    db.execute(
        Sql::new(
            "UPDATE mail_jobs SET sent_at = $1, locked_until = NULL, last_error = NULL, \
             body = CASE WHEN secret THEN '' ELSE body END WHERE id = $2",
        )
        .arg(now)
        .arg(id),
    )
    .await?;
    Ok(())
}

/// Records a failed try: the message is tried again at `retry_at`, or given up when `None`.
pub async fn failed(
    db: &Db,
    id: i64,
    error: &str,
    retry_at: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let error: String = error.chars().take(500).collect();
    let sql = match retry_at {
        Some(at) => Sql::new(
            "UPDATE mail_jobs SET run_at = $1, locked_until = NULL, last_error = $2 WHERE id = $3",
        )
        .arg(at),
        None => Sql::new(
            "UPDATE mail_jobs SET failed_at = $1, locked_until = NULL, last_error = $2 WHERE id = $3",
        )
        .arg(now),
    };
    db.execute(sql.arg(error).arg(id)).await?;
    Ok(())
}

/// The newest messages first, one page.
pub async fn outbox(db: &Db, w: Window) -> Result<(Vec<OutboxEntry>, i64), StoreError> {
    let items = db
        .fetch_all(
            Sql::new(
                "SELECT id, to_addr, subject, body, secret, created_at, attempts, last_error, \
                 sent_at, failed_at FROM mail_jobs ORDER BY id DESC LIMIT $1 OFFSET $2",
            )
            .arg(w.size)
            .arg(w.offset()),
        )
        .await?;
    let (total,): (i64,) = db
        .fetch_one(Sql::new("SELECT COUNT(*) FROM mail_jobs"))
        .await?;
    Ok((items, total))
}

/// Messages not yet sent nor given up.
pub async fn waiting(db: &Db) -> Result<i64, StoreError> {
    let (n,): (i64,) = db
        .fetch_one(Sql::new(
            "SELECT COUNT(*) FROM mail_jobs WHERE sent_at IS NULL AND failed_at IS NULL",
        ))
        .await?;
    Ok(n)
}

/// Forgets messages sent or given up before `before`.
pub async fn purge(db: &Db, before: OffsetDateTime) -> Result<u64, StoreError> {
    db.execute(
        Sql::new(
            "DELETE FROM mail_jobs WHERE (sent_at IS NOT NULL AND sent_at < $1) \
             OR (failed_at IS NOT NULL AND failed_at < $1)",
        )
        .arg(before),
    )
    .await
}

/// Deletes the messages to these addresses.
pub async fn forget(tx: &mut Tx, addresses: &[&str]) -> Result<u64, StoreError> {
    if addresses.is_empty() {
        return Ok(0);
    }
    let mut sql = Sql::new("DELETE FROM mail_jobs WHERE to_addr IN ");
    sql.push_list(addresses.iter().copied());
    tx.execute(sql).await
}
