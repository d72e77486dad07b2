//! Sessions in the database, so several server processes share them and signing out ends a
//! session everywhere.

use async_trait::async_trait;
use time::{OffsetDateTime, UtcOffset};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};

use crate::kernel::db::{Db, Sql, StoreError};
use crate::kernel::error::AppError;

/// The key under which the signed-in user's id is kept in a session.
pub const USER_ID_KEY: &str = "user_id";

#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: Db,
}

impl DbSessionStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

fn backend(e: StoreError) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn encode(r: &Record) -> session_store::Result<(String, Option<i64>, OffsetDateTime)> {
    let data =
        serde_json::to_string(&r.data).map_err(|e| session_store::Error::Encode(e.to_string()))?;
    let user_id = r.data.get(USER_ID_KEY).and_then(|v| v.as_i64());
    Ok((data, user_id, r.expiry_date.to_offset(UtcOffset::UTC)))
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let (data, user_id, expires) = encode(record)?;
        loop {
            let inserted = self
                .db
                .execute(
                    Sql::new(
                        "INSERT INTO sessions (id, user_id, data, expires_at) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (id) DO NOTHING",
                    )
                    .arg(record.id.to_string())
                    .arg(user_id)
                    .arg(data.as_str())
                    .arg(expires),
                )
                .await
                .map_err(backend)?;
            if inserted == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let (data, user_id, expires) = encode(record)?;
        self.db
            .execute(
                Sql::new(
                    "INSERT INTO sessions (id, user_id, data, expires_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, data = excluded.data, \
                     expires_at = excluded.expires_at",
                )
                .arg(record.id.to_string())
                .arg(user_id)
                .arg(data)
                .arg(expires),
            )
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row: Option<(String, OffsetDateTime)> = self
            .db
            .fetch_optional(
                Sql::new("SELECT data, expires_at FROM sessions WHERE id = $1 AND expires_at > $2")
                    .arg(id.to_string())
                    .arg(OffsetDateTime::now_utc()),
            )
            .await
            .map_err(backend)?;
        row.map(|(data, expiry_date)| {
            Ok(Record {
                id: *id,
                data: serde_json::from_str(&data)
                    .map_err(|e| session_store::Error::Decode(e.to_string()))?,
                expiry_date,
            })
        })
        .transpose()
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.db
            .execute(Sql::new("DELETE FROM sessions WHERE id = $1").arg(id.to_string()))
            .await
            .map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for DbSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        self.db
            .execute(
                Sql::new("DELETE FROM sessions WHERE expires_at < $1")
                    .arg(OffsetDateTime::now_utc()),
            )
            .await
            .map_err(backend)?;
        Ok(())
    }
}

/// Starts a signed-in session under a new id (no session fixation).
pub async fn start(session: &tower_sessions::Session, user_id: i64) -> Result<(), AppError> {
    session.cycle_id().await?;
    session.insert(USER_ID_KEY, user_id).await?;
    Ok(())
}

/// Ends the session on the server and clears the cookie.
pub async fn end(session: &tower_sessions::Session) -> Result<(), AppError> {
    session.flush().await?;
    Ok(())
}

/// The id of the user signed in on this session, if any.
pub async fn user_id(session: &tower_sessions::Session) -> Result<Option<i64>, AppError> {
    Ok(session.get::<i64>(USER_ID_KEY).await?)
}

impl From<tower_sessions::session::Error> for AppError {
    fn from(e: tower_sessions::session::Error) -> Self {
        AppError::internal(anyhow::Error::new(e).context("session store"))
    }
}

/// The client's address (the socket peer; not taken from headers a client could forge).
pub struct ClientIp(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}
