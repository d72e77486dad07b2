//! Notifications in the database: each user's list, the unread count shown in the header,
//! who a notice goes to and how, the kinds and each user's preferences, and the digest.

use std::collections::BTreeMap;

use time::{Date, OffsetDateTime};

use super::model::{Delivery, Kind, KindInfo};
use crate::kernel::db::{Arg, Db, Sql, StoreError, Tx};

/// Whom a notice goes to.
pub enum To<'a> {
    /// The active users of an organisation with one of these roles.
    Org(i64, &'a [&'a str]),
    /// One user, if active.
    User(i64),
}

/// A recipient: their id and address, how this kind reaches them (their preference, else
/// the kind's default) and the kind's label.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Recipient {
    pub id: i64,
    pub email: String,
    pub delivery: Delivery,
    pub label_id: String,
}

/// The recipients of a notice of `kind` (none if the kind is not in `notification_kinds`).
pub async fn recipients(
    tx: &mut Tx,
    to: &To<'_>,
    kind: Kind,
) -> Result<Vec<Recipient>, StoreError> {
    let mut sql = Sql::new(
        "SELECT u.id, u.email, COALESCE(p.delivery, k.delivery) AS delivery, k.label_id \
         FROM users u JOIN notification_kinds k ON k.code = ",
    );
    sql.push_bind(kind)
        .push(
            " LEFT JOIN notification_preferences p ON p.user_id = u.id AND p.kind = k.code \
             WHERE u.active = ",
        )
        .push_bind(true);
    match to {
        To::Org(org, roles) => {
            sql.push(" AND u.org_id = ")
                .push_bind(*org)
                .push(" AND u.role IN ");
            sql.push_list(roles.iter().copied());
        }
        To::User(id) => {
            sql.push(" AND u.id = ").push_bind(*id);
        }
    }
    sql.push(" ORDER BY u.id");
    tx.fetch_all(sql).await
}

/// Adds a notification; with a `reference`, only once per user, record, kind and reference.
/// `true` when it was added.
pub async fn notify(
    tx: &mut Tx,
    user_id: i64,
    n: &super::service::Notice<'_>,
    delivery: Delivery,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let mut sql = Sql::insert(
        "notifications",
        vec![
            ("user_id", user_id.into()),
            ("entity", n.entity.into()),
            ("entity_id", n.entity_id.into()),
            ("kind", n.kind.into()),
            ("ref", n.reference.into()),
            ("link", n.link.into()),
            ("text", n.text.into()),
            ("delivery", delivery.into()),
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
    /// Its kind's code (`report_returned`, `action_due`: see the preferences for the list).
    pub kind: String,
    #[serde(skip)]
    pub label_id: String,
    #[serde(skip)]
    pub label_en: String,
    /// The record it is about: its kind (`report`, `partnership`, `visit_action`,
    /// `application`, `user`, `report_type`) and id.
    pub entity: String,
    pub entity_id: i64,
    /// The page it is about, where the work is done (`/reports/12`, `/partnerships/5`).
    pub link: String,
    pub text: String,
    /// How it reached the user: `app`, `email` or `digest`.
    pub delivery: Delivery,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub read_at: Option<OffsetDateTime>,
}

impl Notification {
    /// Its kind's label.
    pub fn label(&self, en: bool) -> &str {
        if en { &self.label_en } else { &self.label_id }
    }
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
                "SELECT n.id, n.kind, k.label_id, k.label_en, n.entity, n.entity_id, n.link, \
                 n.text, n.delivery, n.created_at, n.read_at FROM notifications n \
                 JOIN notification_kinds k ON k.code = n.kind \
                 WHERE n.user_id = $1 ORDER BY n.id DESC LIMIT $2 OFFSET $3",
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

// ---- Kinds and preferences -----------------------------------------------------------

/// Every kind, in order.
pub async fn kinds(db: &Db) -> Result<Vec<KindInfo>, StoreError> {
    db.fetch_all(Sql::new(
        "SELECT code, label_id, label_en, delivery, roles FROM notification_kinds \
         ORDER BY position, code",
    ))
    .await
}

/// A user's choices, by kind, and the version of their preferences (1 before any change).
pub async fn preferences(
    db: &Db,
    user_id: i64,
) -> Result<(BTreeMap<String, Delivery>, i64), StoreError> {
    let rows: Vec<(String, Delivery)> = db
        .fetch_all(
            Sql::new("SELECT kind, delivery FROM notification_preferences WHERE user_id = $1")
                .arg(user_id),
        )
        .await?;
    let version: Option<(i64,)> = db
        .fetch_optional(
            Sql::new("SELECT version FROM notification_settings WHERE user_id = $1").arg(user_id),
        )
        .await?;
    Ok((rows.into_iter().collect(), version.map_or(1, |(v,)| v)))
}

/// Replaces a user's choices if their preferences are still at `version`; `false` when they
/// changed meanwhile.
pub async fn save_preferences(
    tx: &mut Tx,
    user_id: i64,
    version: i64,
    chosen: &BTreeMap<String, Delivery>,
) -> Result<bool, StoreError> {
    let bumped = tx
        .execute(
            Sql::new(
                "INSERT INTO notification_settings (user_id, version) VALUES ($1, $2 + 1) \
                 ON CONFLICT (user_id) DO UPDATE SET version = notification_settings.version + 1 \
                 WHERE notification_settings.version = $2",
            )
            .arg(user_id)
            .arg(version),
        )
        .await?;
    if bumped != 1 {
        return Ok(false);
    }
    tx.execute(Sql::new("DELETE FROM notification_preferences WHERE user_id = $1").arg(user_id))
        .await?;
    if !chosen.is_empty() {
        let mut sql =
            Sql::new("INSERT INTO notification_preferences (user_id, kind, delivery) VALUES ");
        sql.push_rows(
            chosen
                .iter()
                .map(|(kind, d)| [Arg::from(user_id), Arg::from(kind.as_str()), Arg::from(*d)]),
        );
        tx.execute(sql).await?;
    }
    Ok(true)
}

// ---- The daily digest ----------------------------------------------------------------

/// Up to `limit` users after `after` (by id) with notifications waiting for a digest and no
/// digest on `day` yet.
pub async fn digest_due(
    db: &Db,
    day: Date,
    after: i64,
    limit: i64,
) -> Result<Vec<i64>, StoreError> {
    let rows: Vec<(i64,)> = db
        .fetch_all(
            Sql::new(
                "SELECT DISTINCT n.user_id FROM notifications n \
                 LEFT JOIN notification_settings s ON s.user_id = n.user_id \
                 WHERE n.delivery = 'digest' AND n.digested_at IS NULL AND n.user_id > $1 \
                 AND (s.digest_on IS NULL OR s.digest_on < $2) \
                 ORDER BY n.user_id LIMIT $3",
            )
            .arg(after)
            .arg(day)
            .arg(limit),
        )
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Takes `day`'s digest for those of `users` who have not had it yet (the rest got it from
/// another run meanwhile); answers who.
pub async fn claim_digest(tx: &mut Tx, users: &[i64], day: Date) -> Result<Vec<i64>, StoreError> {
    if users.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql =
        Sql::new("INSERT INTO notification_settings (user_id, version, digest_on) VALUES ");
    sql.push_rows(
        users
            .iter()
            .map(|u| [Arg::from(*u), Arg::from(1i64), Arg::from(day)]),
    );
    sql.push(
        " ON CONFLICT (user_id) DO UPDATE SET digest_on = excluded.digest_on \
         WHERE notification_settings.digest_on IS NULL \
         OR notification_settings.digest_on < excluded.digest_on RETURNING user_id",
    );
    let rows: Vec<(i64,)> = tx.fetch_all(sql).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// A notification taken into a digest.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Digested {
    pub id: i64,
    pub user_id: i64,
    pub kind: String,
    pub text: String,
    pub link: String,
    pub created_at: OffsetDateTime,
}

/// Marks every notification of `users` waiting for a digest as digested, and answers them.
pub async fn take_digest(
    tx: &mut Tx,
    users: &[i64],
    now: OffsetDateTime,
) -> Result<Vec<Digested>, StoreError> {
    let mut sql = Sql::new("UPDATE notifications SET digested_at = ");
    sql.push_bind(now)
        .push(" WHERE delivery = 'digest' AND digested_at IS NULL AND user_id IN ");
    sql.push_list(users.iter().copied());
    sql.push(" RETURNING id, user_id, kind, text, link, created_at");
    tx.fetch_all(sql).await
}

/// The addresses of those of `users` who are active.
pub async fn active_addresses(
    tx: &mut Tx,
    users: &[i64],
) -> Result<Vec<(i64, String)>, StoreError> {
    let mut sql = Sql::new("SELECT id, email FROM users WHERE active = ");
    sql.push_bind(true).push(" AND id IN ");
    sql.push_list(users.iter().copied());
    tx.fetch_all(sql).await
}
