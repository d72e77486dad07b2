//! The audit trail: one row per change, written in the same transaction as the change.

use serde::Serialize;
use time::OffsetDateTime;

use super::{Db, Sql, StoreError, Tx};
use crate::domain::audit::Change;

/// Which kind of record an audit row is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Centre,
    Org,
    User,
}

impl Entity {
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Centre => "centre",
            Entity::Org => "org",
            Entity::User => "user",
        }
    }
}

/// Records `changes` to one record. Nothing is written when nothing changed.
pub async fn record(
    tx: &mut Tx,
    actor_id: Option<i64>,
    entity: Entity,
    entity_id: i64,
    action: &str,
    changes: &[Change],
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    if changes.is_empty() {
        return Ok(());
    }
    let json = serde_json::to_string(changes).map_err(|e| StoreError::Data(e.to_string()))?;
    tx.execute(
        Sql::new(
            "INSERT INTO audit_log (at, actor_id, entity, entity_id, action, changes) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .arg(at)
        .arg(actor_id)
        .arg(entity.as_str())
        .arg(entity_id)
        .arg(action)
        .arg(json),
    )
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct EntryRow {
    id: i64,
    at: OffsetDateTime,
    actor_name: Option<String>,
    actor_role: Option<String>,
    action: String,
    changes: String,
}

/// One audited change as shown to users: who (name and role, not e-mail), when, what.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// `None` for changes made by the system (CLI, data loads).
    pub actor_name: Option<String>,
    pub actor_role: Option<String>,
    pub action: String,
    pub changes: Vec<Change>,
}

/// The newest `limit` changes of a record, newest first.
pub async fn history(
    db: &Db,
    entity: Entity,
    entity_id: i64,
    limit: i64,
) -> Result<Vec<AuditEntry>, StoreError> {
    let rows: Vec<EntryRow> = db
        .fetch_all(
            Sql::new(
                "SELECT a.id, a.at, u.name AS actor_name, u.role AS actor_role, a.action, a.changes \
                 FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id \
                 WHERE a.entity = $1 AND a.entity_id = $2 ORDER BY a.id DESC LIMIT $3",
            )
            .arg(entity.as_str())
            .arg(entity_id)
            .arg(limit),
        )
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(AuditEntry {
                id: r.id,
                at: r.at,
                actor_name: r.actor_name,
                actor_role: r.actor_role,
                action: r.action,
                changes: serde_json::from_str(&r.changes)
                    .map_err(|e| StoreError::Data(e.to_string()))?,
            })
        })
        .collect()
}
