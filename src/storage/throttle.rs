//! Failed sign-in attempts, kept in the database so every server process sees them.

use time::OffsetDateTime;

use super::{Db, Sql, StoreError};

pub async fn failures_since(db: &Db, key: &str, since: OffsetDateTime) -> Result<i64, StoreError> {
    let (n,): (i64,) = db
        .fetch_one(
            Sql::new("SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at > $2")
                .arg(key)
                .arg(since),
        )
        .await?;
    Ok(n)
}

pub async fn record_failure(db: &Db, key: &str, at: OffsetDateTime) -> Result<(), StoreError> {
    db.execute(
        Sql::new("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
            .arg(key)
            .arg(at),
    )
    .await?;
    Ok(())
}

pub async fn clear(db: &Db, key: &str) -> Result<(), StoreError> {
    db.execute(Sql::new("DELETE FROM login_failures WHERE key = $1").arg(key))
        .await?;
    Ok(())
}

/// Forgets attempts older than `before`.
pub async fn purge(db: &Db, before: OffsetDateTime) -> Result<u64, StoreError> {
    db.execute(Sql::new("DELETE FROM login_failures WHERE at < $1").arg(before))
        .await
}
