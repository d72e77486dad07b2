//! User accounts.

use serde::Serialize;
use time::OffsetDateTime;

use super::{BATCH_ROWS, Db, Sql, StoreError, Tx};
use crate::domain::access::Actor;
use crate::domain::role::Role;

/// A user with what access rules need: role, organisation and that organisation's area.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    pub org_id: Option<i64>,
    pub org_name: Option<String>,
    pub org_area: Option<String>,
    pub active: bool,
    #[serde(skip)]
    pub password_hash: String,
}

impl User {
    pub fn role(&self) -> Role {
        // The CHECK constraint keeps stored roles valid; an unknown one gets the least access.
        Role::parse(&self.role).unwrap_or(Role::Mitra)
    }

    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.id,
            role: self.role(),
            org_id: self.org_id,
            org_area: self.org_area.clone(),
        }
    }
}

const SELECT_USER: &str = "SELECT u.id, u.email, u.name, u.role, u.org_id, o.name AS org_name, \
    o.area_code AS org_area, u.active, u.password_hash \
    FROM users u LEFT JOIN orgs o ON o.id = u.org_id";

pub async fn by_email(db: &Db, email: &str) -> Result<Option<User>, StoreError> {
    db.fetch_optional(
        Sql::new(format!("{SELECT_USER} WHERE u.email = $1")).arg(email.trim().to_lowercase()),
    )
    .await
}

pub async fn get(db: &Db, id: i64) -> Result<Option<User>, StoreError> {
    db.fetch_optional(Sql::new(format!("{SELECT_USER} WHERE u.id = $1")).arg(id))
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

pub async fn insert(tx: &mut Tx, u: &NewUser, now: OffsetDateTime) -> Result<i64, StoreError> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO users (email, name, password_hash, role, org_id, active, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .arg(u.email.trim().to_lowercase())
            .arg(u.name.as_str())
            .arg(u.password_hash.as_str())
            .arg(u.role.as_str())
            .arg(u.org_id)
            .arg(true)
            .arg(now),
        )
        .await?;
    Ok(id)
}

/// Inserts many accounts at once (synthetic data).
pub async fn insert_many(
    tx: &mut Tx,
    users: &[NewUser],
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    for chunk in users.chunks(BATCH_ROWS) {
        let mut sql = Sql::new(
            "INSERT INTO users (email, name, password_hash, role, org_id, active, created_at) VALUES ",
        );
        for (i, u) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push("(")
                .push_bind(u.email.trim().to_lowercase())
                .push(", ")
                .push_bind(u.name.as_str())
                .push(", ")
                .push_bind(u.password_hash.as_str())
                .push(", ")
                .push_bind(u.role.as_str())
                .push(", ")
                .push_bind(u.org_id)
                .push(", ")
                .push_bind(true)
                .push(", ")
                .push_bind(now)
                .push(")");
        }
        tx.execute(sql).await?;
    }
    Ok(())
}

/// Users belonging to an organisation (names and roles only).
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Member {
    pub id: i64,
    pub name: String,
    pub role: String,
}

pub async fn members(db: &Db, org_id: i64) -> Result<Vec<Member>, StoreError> {
    db.fetch_all(
        Sql::new("SELECT id, name, role FROM users WHERE org_id = $1 ORDER BY name, id")
            .arg(org_id),
    )
    .await
}
