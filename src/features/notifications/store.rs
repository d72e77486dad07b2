//! Notifications in the database: each user's list, the unread count shown in the header,
//! and who in an organisation a notice goes to.

use time::OffsetDateTime;

use crate::kernel::db::{Db, Sql, StoreError, Tx};

/// The active users of an organisation with one of `roles` (whom a report step concerns).
pub async fn recipients(
    tx: &mut Tx,
    org_id: i64,
    roles: &[&str],
) -> Result<Vec<(i64, String)>, StoreError> {
    let mut sql = Sql::new("SELECT id, email FROM users WHERE active = ");
    sql.push_bind(true)
        .push(" AND org_id = ")
        .push_bind(org_id)
        .push(" AND role IN ");
    sql.push_list(roles.iter().copied());
    sql.push(" ORDER BY id");
    tx.fetch_all(sql).await
}

/// Adds a notification; with a `reference`, only once per user, kind and reference.
/// `true` when it was added.
pub async fn notify(
    tx: &mut Tx,
    user_id: i64,
    n: &super::service::Notice<'_>,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let mut sql = Sql::insert(
        "notifications",
        vec![
            ("user_id", user_id.into()),
            ("kind", n.kind.into()),
            ("report_id", n.report_id.into()),
            ("link", n.link.into()),
            ("ref", n.reference.into()),
            ("text", n.text.into()),
            ("created_at", now.into()),
        ],
    );
    sql.push(" ON CONFLICT DO NOTHING");
    Ok(tx.execute(sql).await? == 1)
}

/// A notification as its user sees it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Notification {
    pub id: i64,
    pub kind: String,
    pub report_id: Option<i64>,
    /// The page it is about (`/reports/12`, `/partnerships/5`).
    pub link: String,
    pub text: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub read_at: Option<OffsetDateTime>,
}

pub async fn notifications(
    db: &Db,
    user_id: i64,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Notification>, i64), StoreError> {
    let (total,): (i64,) = db
        .fetch_one(Sql::new("SELECT COUNT(*) FROM notifications WHERE user_id = $1").arg(user_id))
        .await?;
    let rows = db
        .fetch_all(
            Sql::new(
                "SELECT id, kind, report_id, link, text, created_at, read_at FROM notifications \
                 WHERE user_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3",
            )
            .arg(user_id)
            .arg(limit)
            .arg(offset),
        )
        .await?;
    Ok((rows, total))
}

pub async fn unread(db: &Db, user_id: i64) -> Result<i64, StoreError> {
    let (n,): (i64,) = db
        .fetch_one(
            Sql::new("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
                .arg(user_id),
        )
        .await?;
    Ok(n)
}

/// Marks all of a user's notifications read.
pub async fn mark_read(db: &Db, user_id: i64, now: OffsetDateTime) -> Result<u64, StoreError> {
    db.execute(
        Sql::new("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
            .arg(now)
            .arg(user_id),
    )
    .await
}
