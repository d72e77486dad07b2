//! Accounts in the database, the sign-in attempt counters, and the devices and addresses
//! accounts signed in from.

use time::{Duration, OffsetDateTime};

use super::model::{Account, AccountQuery, AccountStatus, Managed, Member, TokenPurpose, User};
use crate::kernel::access::Role;
use crate::kernel::db::{Columns, Db, Sql, StoreError, Tx};
use crate::kernel::text::search_key;
use crate::kernel::web::paging::Window;

const SELECT: &str = "SELECT u.id, u.email, u.name, u.role, u.org_id, o.name AS org_name, \
    o.area_code AS org_area, u.active, u.org_admin, u.password_hash \
    FROM users u LEFT JOIN orgs o ON o.id = u.org_id";

pub async fn by_email(db: &Db, email: &str) -> Result<Option<User>, StoreError> {
    db.fetch_optional(
        Sql::new(format!("{SELECT} WHERE u.email = $1")).arg(email.trim().to_lowercase()),
    )
    .await
}

/// [`by_email`] in a transaction.
pub async fn by_email_in(tx: &mut Tx, email: &str) -> Result<Option<User>, StoreError> {
    tx.fetch_optional(
        Sql::new(format!("{SELECT} WHERE u.email = $1")).arg(email.trim().to_lowercase()),
    )
    .await
}

/// Deactivates an account and replaces its address, so the person can no longer be reached
/// through it (after their data was erased).
pub async fn deactivate(tx: &mut Tx, id: i64) -> Result<(), StoreError> {
    tx.execute(
        Sql::new(
            "UPDATE users SET active = $1, name = '', name_key = '', password_hash = '!', \
             email = $2, version = version + 1 WHERE id = $3",
        )
        .arg(false)
        .arg(format!("dihapus-{id}@invalid"))
        .arg(id),
    )
    .await?;
    Ok(())
}

pub async fn get(db: &Db, id: i64) -> Result<Option<User>, StoreError> {
    db.fetch_optional(Sql::new(format!("{SELECT} WHERE u.id = $1")).arg(id))
        .await
}

pub async fn get_in(tx: &mut Tx, id: i64) -> Result<Option<User>, StoreError> {
    tx.fetch_optional(Sql::new(format!("{SELECT} WHERE u.id = $1")).arg(id))
        .await
}

/// A new account; the password is already hashed (`""`: invited, none set yet).
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub org_id: Option<i64>,
    pub org_admin: bool,
    pub password_hash: String,
}

fn columns(u: &NewUser, now: OffsetDateTime) -> Columns {
    vec![
        ("email", u.email.trim().to_lowercase().into()),
        ("name", u.name.as_str().into()),
        ("name_key", search_key(&u.name).into()),
        ("password_hash", u.password_hash.as_str().into()),
        ("role", u.role.into()),
        ("org_id", u.org_id.into()),
        ("org_admin", u.org_admin.into()),
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
            "INSERT INTO users (email, name, name_key, password_hash, role, org_id, org_admin, \
             active, created_at) VALUES ",
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

/// Takes back one counted attempt (a sign-in that succeeded is not held against the
/// counters it was counted on).
pub async fn uncount_attempt(tx: &mut Tx, key: &str) -> Result<(), StoreError> {
    tx.execute(
        Sql::new("UPDATE login_attempts SET count = count - 1 WHERE key = $1 AND count > 0")
            .arg(key),
    )
    .await?;
    Ok(())
}

/// Forgets the attempts on `key` (after the current password was given).
pub async fn clear_attempts(db: &Db, key: &str) -> Result<(), StoreError> {
    db.execute(Sql::new("DELETE FROM login_attempts WHERE key = $1").arg(key))
        .await?;
    Ok(())
}

/// Forgets every attempt counted on an e-mail address (its sign-ins from unknown and known
/// clients, its reset requests), in the caller's transaction.
pub async fn forget_attempts_of(tx: &mut Tx, email: &str) -> Result<(), StoreError> {
    let known = format!("known:{email}:");
    tx.execute(
        Sql::new(
            "DELETE FROM login_attempts WHERE key = $1 OR key = $2 \
             OR substr(key, 1, CAST($3 AS INTEGER)) = $4",
        )
        .arg(format!("account:{email}"))
        .arg(format!("reset:{email}"))
        .arg(i64::try_from(known.chars().count()).unwrap_or(i64::MAX))
        .arg(known),
    )
    .await?;
    Ok(())
}

/// Forgets attempt windows that started before `before`.
pub async fn purge_attempts(db: &Db, before: OffsetDateTime) -> Result<u64, StoreError> {
    db.execute(Sql::new("DELETE FROM login_attempts WHERE window_start < $1").arg(before))
        .await
}

/// Which of `hashes` (of devices and addresses) the account with this e-mail address signed
/// in from since `since`.
pub async fn known_clients(
    tx: &mut Tx,
    email: &str,
    hashes: &[String],
    since: OffsetDateTime,
) -> Result<Vec<String>, StoreError> {
    if hashes.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT k.client_hash FROM known_clients k JOIN users u ON u.id = k.user_id \
         WHERE u.email = ",
    );
    sql.push_bind(email)
        .push(" AND k.last_seen > ")
        .push_bind(since)
        .push(" AND k.client_hash IN ")
        .push_list(hashes.iter().map(String::as_str));
    let rows: Vec<(String,)> = tx.fetch_all(sql).await?;
    Ok(rows.into_iter().map(|(h,)| h).collect())
}

/// Remembers that the user signed in from this device or address now.
pub async fn remember_client(
    tx: &mut Tx,
    user_id: i64,
    hash: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    tx.execute(
        Sql::new(
            "INSERT INTO known_clients (user_id, client_hash, last_seen) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id, client_hash) DO UPDATE SET last_seen = excluded.last_seen",
        )
        .arg(user_id)
        .arg(hash)
        .arg(now),
    )
    .await?;
    Ok(())
}

/// Forgets every device and address a user signed in from.
pub async fn forget_clients(tx: &mut Tx, user_id: i64) -> Result<(), StoreError> {
    tx.execute(Sql::new("DELETE FROM known_clients WHERE user_id = $1").arg(user_id))
        .await?;
    Ok(())
}

/// Forgets devices and addresses last used before `before`.
pub async fn purge_known(db: &Db, before: OffsetDateTime) -> Result<u64, StoreError> {
    db.execute(Sql::new("DELETE FROM known_clients WHERE last_seen < $1").arg(before))
        .await
}

const ACCOUNT: &str = "SELECT u.id, u.version, u.email, u.name, u.role, u.org_id, o.name AS org_name, \
    u.org_admin, CASE WHEN NOT u.active THEN 'nonaktif' WHEN u.password_hash = '' THEN 'diundang' \
    ELSE 'aktif' END AS status, u.created_at \
    FROM users u LEFT JOIN orgs o ON o.id = u.org_id";

fn account_where(sql: &mut Sql, scope: Managed, q: &AccountQuery) {
    sql.push(" WHERE 1 = 1");
    match scope {
        Managed::All => {}
        Managed::Org(org, role) => {
            sql.push(" AND u.org_id = ").push_bind(org);
            sql.push(" AND u.role = ").push_bind(role);
        }
        Managed::Nothing => {
            sql.push(" AND 1 = 0");
        }
    }
    if let Some(org) = q.org_id {
        sql.push(" AND u.org_id = ").push_bind(org);
    }
    if let Some(role) = q.role {
        sql.push(" AND u.role = ").push_bind(role);
    }
    match q.status {
        None => {}
        Some(AccountStatus::Nonaktif) => {
            sql.push(" AND NOT u.active");
        }
        Some(AccountStatus::Diundang) => {
            sql.push(" AND u.active AND u.password_hash = ''");
        }
        Some(AccountStatus::Aktif) => {
            sql.push(" AND u.active AND u.password_hash <> ''");
        }
    }
    // A prefix of the name (its search key, in the name index) or of the e-mail address
    // (the unique index): two index ranges, never a scan of every account.
    if !q.email_prefix.is_empty() {
        sql.push(" AND (");
        if q.name_prefix.is_empty() {
            sql.push("1 = 0");
        } else {
            sql.push("(u.name_key >= ")
                .push_bind(q.name_prefix.as_str())
                .push(" AND u.name_key < ")
                .push_bind(format!("{}\u{10ffff}", q.name_prefix))
                .push(")");
        }
        sql.push(" OR (u.email >= ")
            .push_bind(q.email_prefix.as_str())
            .push(" AND u.email < ")
            .push_bind(format!("{}\u{10ffff}", q.email_prefix))
            .push("))");
    }
}

/// One page of the accounts a manager may see, in name order, and how many there are.
pub async fn accounts(
    db: &Db,
    scope: Managed,
    q: &AccountQuery,
    w: Window,
) -> Result<(Vec<Account>, i64), StoreError> {
    let mut sql = Sql::new(ACCOUNT);
    account_where(&mut sql, scope, q);
    sql.push(" ORDER BY u.name_key, u.id LIMIT ")
        .push_bind(w.size)
        .push(" OFFSET ")
        .push_bind(w.offset());
    let items = db.fetch_all(sql).await?;
    let mut count = Sql::new("SELECT COUNT(*) FROM users u");
    account_where(&mut count, scope, q);
    let (total,): (i64,) = db.fetch_one(count).await?;
    Ok((items, total))
}

pub async fn account(db: &Db, id: i64) -> Result<Option<Account>, StoreError> {
    db.fetch_optional(Sql::new(format!("{ACCOUNT} WHERE u.id = $1")).arg(id))
        .await
}

/// Invited accounts still without a password, newest first (the admin home).
pub async fn pending(db: &Db, limit: i64) -> Result<Vec<Account>, StoreError> {
    db.fetch_all(
        Sql::new(format!(
            "{ACCOUNT} WHERE u.password_hash = '' AND u.active ORDER BY u.created_at DESC LIMIT $1"
        ))
        .arg(limit),
    )
    .await
}

/// How many invited accounts still have no password.
pub async fn pending_count(db: &Db) -> Result<i64, StoreError> {
    let (n,): (i64,) = db
        .fetch_one(Sql::new(
            "SELECT COUNT(*) FROM users WHERE password_hash = '' AND active",
        ))
        .await?;
    Ok(n)
}

pub async fn set_password(tx: &mut Tx, id: i64, hash: &str) -> Result<(), StoreError> {
    tx.execute(
        Sql::new("UPDATE users SET password_hash = $1 WHERE id = $2")
            .arg(hash)
            .arg(id),
    )
    .await?;
    Ok(())
}

/// Changes what a manager may change on an account.
/// Changes an account read at `version`; `false` if it changed since.
pub async fn set_fields(
    tx: &mut Tx,
    id: i64,
    version: i64,
    name: &str,
    active: bool,
    org_admin: bool,
) -> Result<bool, StoreError> {
    let mut sql = Sql::update(
        "users",
        vec![
            ("name", name.into()),
            ("name_key", search_key(name).into()),
            ("active", active.into()),
            ("org_admin", org_admin.into()),
        ],
    );
    sql.push(", version = version + 1 WHERE id = ")
        .push_bind(id)
        .push(" AND version = ")
        .push_bind(version);
    Ok(tx.execute(sql).await? == 1)
}

/// Moves an account's version on from `version` (a new invitation); `false` if it changed.
pub async fn bump_version(tx: &mut Tx, id: i64, version: i64) -> Result<bool, StoreError> {
    let n = tx
        .execute(
            Sql::new("UPDATE users SET version = version + 1 WHERE id = $1 AND version = $2")
                .arg(id)
                .arg(version),
        )
        .await?;
    Ok(n == 1)
}

/// Ends a user's sessions, all of them or all but `keep`.
pub async fn end_sessions(
    tx: &mut Tx,
    user_id: i64,
    keep: Option<&str>,
) -> Result<u64, StoreError> {
    let mut sql = Sql::new("DELETE FROM sessions WHERE user_id = ");
    sql.push_bind(user_id);
    if let Some(k) = keep {
        sql.push(" AND id <> ").push_bind(k);
    }
    tx.execute(sql).await
}

/// A one-time token as stored (its hash).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Token {
    pub user_id: i64,
    pub expires_at: OffsetDateTime,
    pub used_at: Option<OffsetDateTime>,
}

pub async fn insert_token(
    tx: &mut Tx,
    hash: &str,
    user_id: i64,
    purpose: TokenPurpose,
    now: OffsetDateTime,
    expires_at: OffsetDateTime,
) -> Result<(), StoreError> {
    tx.execute(Sql::insert(
        "account_tokens",
        vec![
            ("token_hash", hash.into()),
            ("user_id", user_id.into()),
            ("purpose", purpose.into()),
            ("created_at", now.into()),
            ("expires_at", expires_at.into()),
        ],
    ))
    .await?;
    Ok(())
}

pub async fn token(
    db: &Db,
    hash: &str,
    purpose: TokenPurpose,
) -> Result<Option<Token>, StoreError> {
    db.fetch_optional(
        Sql::new(
            "SELECT user_id, expires_at, used_at FROM account_tokens \
             WHERE token_hash = $1 AND purpose = $2",
        )
        .arg(hash)
        .arg(purpose),
    )
    .await
}

/// Uses a token, once: false when it was used (or expired) meanwhile.
pub async fn use_token(tx: &mut Tx, hash: &str, now: OffsetDateTime) -> Result<bool, StoreError> {
    let n = tx
        .execute(
            Sql::new(
                "UPDATE account_tokens SET used_at = $1 \
                 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
            )
            .arg(now)
            .arg(hash),
        )
        .await?;
    Ok(n == 1)
}

/// Withdraws a user's unused tokens of a purpose (a new link replaces the old ones; a new
/// password voids outstanding reset links).
pub async fn void_tokens(
    tx: &mut Tx,
    user_id: i64,
    purpose: TokenPurpose,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    tx.execute(
        Sql::new(
            "UPDATE account_tokens SET used_at = $1 \
             WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL",
        )
        .arg(now)
        .arg(user_id)
        .arg(purpose),
    )
    .await?;
    Ok(())
}

/// Accounts whose name key was never filled (created before names were indexed).
pub async fn fill_name_keys(db: &Db) -> Result<u64, StoreError> {
    let rows: Vec<(i64, String)> = db
        .fetch_all(Sql::new(
            "SELECT id, name FROM users WHERE name_key = '' AND name <> ''",
        ))
        .await?;
    let mut tx = db.begin().await?;
    for (id, name) in &rows {
        tx.execute(
            Sql::new("UPDATE users SET name_key = $1 WHERE id = $2")
                .arg(search_key(name))
                .arg(*id),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(rows.len() as u64)
}

/// The names of these accounts.
pub async fn names(db: &Db, ids: &[i64]) -> Result<Vec<(i64, String)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new("SELECT id, name FROM users WHERE id IN ");
    sql.push_list(ids.iter().copied());
    db.fetch_all(sql).await
}
