//! Imports in the database: the checked rows, progress, the report.

use time::OffsetDateTime;

use super::model::{ImportRecord, ImportStatus};
use crate::kernel::db::{Db, Sql, StoreError};

const SELECT: &str = "SELECT id, file_name, status, created_at, total, done, created, updated, \
    unchanged, failed, invited, created_by FROM imports";

pub async fn insert(
    db: &Db,
    kind: &str,
    file_name: &str,
    created_by: i64,
    total: i64,
    rows_json: &str,
    now: OffsetDateTime,
) -> Result<i64, StoreError> {
    let mut sql = Sql::insert(
        "imports",
        vec![
            ("kind", kind.into()),
            ("file_name", file_name.into()),
            ("created_by", created_by.into()),
            ("created_at", now.into()),
            ("status", ImportStatus::Preview.into()),
            ("total", total.into()),
            ("rows", rows_json.into()),
        ],
    );
    sql.push(" RETURNING id");
    let mut tx = db.begin().await?;
    let (id,): (i64,) = tx.fetch_one(sql).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn get(db: &Db, id: i64) -> Result<Option<ImportRecord>, StoreError> {
    db.fetch_optional(Sql::new(format!("{SELECT} WHERE id = $1")).arg(id))
        .await
}

/// The rows kept from the preview, and the report.
pub async fn rows_and_report(db: &Db, id: i64) -> Result<(String, String), StoreError> {
    db.fetch_one(Sql::new("SELECT rows, report FROM imports WHERE id = $1").arg(id))
        .await
}

/// Starts an import that is still a preview; false when it was started already.
pub async fn start(db: &Db, id: i64) -> Result<bool, StoreError> {
    let n = db
        .execute(
            Sql::new("UPDATE imports SET status = 'running' WHERE id = $1 AND status = 'preview'")
                .arg(id),
        )
        .await?;
    Ok(n == 1)
}

/// Counters after each row.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub done: i64,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub failed: i64,
    pub invited: i64,
}

pub async fn progress(db: &Db, id: i64, c: Counts) -> Result<(), StoreError> {
    let mut sql = Sql::update(
        "imports",
        vec![
            ("done", c.done.into()),
            ("created", c.created.into()),
            ("updated", c.updated.into()),
            ("unchanged", c.unchanged.into()),
            ("failed", c.failed.into()),
            ("invited", c.invited.into()),
        ],
    );
    sql.push(" WHERE id = ").push_bind(id);
    db.execute(sql).await?;
    Ok(())
}

pub async fn finish(
    db: &Db,
    id: i64,
    status: ImportStatus,
    report_json: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let mut sql = Sql::update(
        "imports",
        vec![
            ("status", status.into()),
            ("report", report_json.into()),
            ("rows", "[]".into()),
            ("finished_at", now.into()),
        ],
    );
    sql.push(" WHERE id = ").push_bind(id);
    db.execute(sql).await?;
    Ok(())
}

/// The latest imports of a user.
pub async fn recent(db: &Db, user_id: i64, limit: i64) -> Result<Vec<ImportRecord>, StoreError> {
    db.fetch_all(
        Sql::new(format!(
            "{SELECT} WHERE created_by = $1 AND status <> 'preview' ORDER BY id DESC LIMIT $2"
        ))
        .arg(user_id)
        .arg(limit),
    )
    .await
}
