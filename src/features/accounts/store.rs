//! Accounts in the database, and the sign-in attempt counters.

use time::{Duration, OffsetDateTime};

use super::model::{Member, User};
use crate::kernel::access::Role;
use crate::kernel::db::{Columns, Db, Sql, StoreError, Tx};

const SELECT: &str = "SELECT u.id, u.email, u.name, u.role, u.org_id, o.name AS org_name, \
    o.area_code AS org_area, u.active, u.password_hash \
    FROM users u LEFT JOIN orgs o ON o.id = u.org_id";

pub async fn by_email(db: &Db, email: &str) -> Result<Option<User>, StoreError> {
    db.fetch_optional(
        Sql::new(format!("{SELECT} WHERE u.email = $1")).arg(email.trim().to_lowercase()),
    )
    .await
}

pub async fn get(db: &Db, id: i64) -> Result<Option<User>, StoreError> {
    db.fetch_optional(Sql::new(format!("{SELECT} WHERE u.id = $1")).arg(id))
        .await
}

/// A new account; the password is already hashed.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub org_id: Option<i64>,
    pub password_hash: String,
}

fn columns(u: &NewUser, now: OffsetDateTime) -> Columns {
    vec![
        ("email", u.email.trim().to_lowercase().into()),
        ("name", u.name.as_str().into()),
        ("password_hash", u.password_hash.as_str().into()),
        ("role", u.role.into()),
        ("org_id", u.org_id.into()),
        ("active", true.into()),
        ("created_at", now.into()),
    ]
}

pub async fn insert(tx: &mut Tx, u: &NewUser, now: OffsetDateTime) -> Result<i64, StoreError> {
    let mut sql = Sql::insert("users", columns(u, now));
    sql.push(" RETURNING id");
    let (id,): (i64,) = tx.fetch_one(sql).await?;
    Ok(id)
}

/// Inserts many accounts at once (synthetic data).
pub async fn insert_many(
    tx: &mut Tx,
    users: &[NewUser],
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    const BATCH_ROWS: usize = 500;
    for chunk in users.chunks(BATCH_ROWS) {
        let mut sql = Sql::new(
            "INSERT INTO users (email, name, password_hash, role, org_id, active, created_at) VALUES ",
        );
        for (i, u) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push("(");
            for (j, (_, v)) in columns(u, now).into_iter().enumerate() {
                if j > 0 {
                    sql.push(", ");
                }
                sql.push_bind(v);
            }
            sql.push(")");
        }
        tx.execute(sql).await?;
    }
    Ok(())
}

/// The users of an organisation (names and roles only).
pub async fn members(db: &Db, org_id: i64) -> Result<Vec<Member>, StoreError> {
    db.fetch_all(
        Sql::new("SELECT id, name, role FROM users WHERE org_id = $1 ORDER BY name, id")
            .arg(org_id),
    )
    .await
}

/// The e-mail addresses of every account (to skip existing ones in bulk loads).
pub async fn emails(tx: &mut Tx) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = tx.fetch_all(Sql::new("SELECT email FROM users")).await?;
    Ok(rows.into_iter().map(|(e,)| e).collect())
}

/// Counts one sign-in attempt on `key` in the current window and returns the count so far,
/// this one included. One atomic upsert: parallel attempts each get their own number, so
/// no more than the limit are ever let through to the password check.
pub async fn count_attempt(
    tx: &mut Tx,
    key: &str,
    now: OffsetDateTime,
    window: Duration,
) -> Result<i64, StoreError> {
    let (n,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO login_attempts (key, window_start, count) VALUES ($1, $2, 1) \
                 ON CONFLICT (key) DO UPDATE SET \
                 count = CASE WHEN login_attempts.window_start <= $3 THEN 1 \
                         ELSE login_attempts.count + 1 END, \
                 window_start = CASE WHEN login_attempts.window_start <= $3 THEN $2 \
                         ELSE login_attempts.window_start END \
                 RETURNING count",
            )
            .arg(key)
            .arg(now)
            .arg(now - window),
        )
        .await?;
    Ok(n)
}

/// Takes back one counted attempt (a sign-in that succeeded does not count against the
/// address it came from).
pub async fn uncount_attempt(db: &Db, key: &str) -> Result<(), StoreError> {
    db.execute(
        Sql::new("UPDATE login_attempts SET count = count - 1 WHERE key = $1 AND count > 0")
            .arg(key),
    )
    .await?;
    Ok(())
}

/// Forgets the attempts on `key` (after a successful sign-in to that account).
pub async fn clear_attempts(db: &Db, key: &str) -> Result<(), StoreError> {
    db.execute(Sql::new("DELETE FROM login_attempts WHERE key = $1").arg(key))
        .await?;
    Ok(())
}

/// Forgets attempt windows that started before `before`.
pub async fn purge_attempts(db: &Db, before: OffsetDateTime) -> Result<u64, StoreError> {
    db.execute(Sql::new("DELETE FROM login_attempts WHERE window_start < $1").arg(before))
        .await
}
