//! The audit trail: one row per change of a record, written in the same transaction as the
//! change, and read back as the record's history.
//!
//! What changed comes from serialising the validated record before and after
//! ([`snapshot`]): the record's own field list, not a hand-kept copy of it.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::kernel::db::{Db, Sql, StoreError, Tx};

/// One changed field: from what, to what.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Change {
    pub field: String,
    /// The value before (any JSON value; `null` when the field was empty or new).
    #[schema(value_type = Value)]
    pub old: Value,
    /// The value after (any JSON value).
    #[schema(value_type = Value)]
    pub new: Value,
}

/// A record as the audit trail compares it: its fields as a JSON object.
pub fn snapshot(record: &impl Serialize) -> Map<String, Value> {
    match serde_json::to_value(record) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

/// The fields whose values differ between two snapshots of one record, in the order of the
/// newer snapshot. A field present in only one counts as changed from/to `null`.
pub fn diff(old: &Map<String, Value>, new: &Map<String, Value>) -> Vec<Change> {
    let mut out = Vec::new();
    for (field, n) in new {
        let o = old.get(field).unwrap_or(&Value::Null);
        if o != n {
            out.push(Change {
                field: field.clone(),
                old: o.clone(),
                new: n.clone(),
            });
        }
    }
    for (field, o) in old {
        if !new.contains_key(field) && !o.is_null() {
            out.push(Change {
                field: field.clone(),
                old: o.clone(),
                new: Value::Null,
            });
        }
    }
    out
}

/// A record's creation, as changes from nothing. Empty values are left out.
pub fn created(new: &Map<String, Value>) -> Vec<Change> {
    let filled: Map<String, Value> = new
        .iter()
        .filter(|(_, v)| !is_empty(v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    diff(&Map::new(), &filled)
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// One audit row to write: who did what to which record.
pub struct Entry<'a> {
    pub actor_id: Option<i64>,
    /// The kind of record (each feature names its own: `centre`, `org`, `user`).
    pub entity: &'static str,
    pub entity_id: i64,
    pub action: &'a str,
    pub changes: &'a [Change],
    pub at: OffsetDateTime,
}

/// Records one change in the transaction that makes it. Nothing is written when nothing
/// changed.
pub async fn record(tx: &mut Tx, e: Entry<'_>) -> Result<(), StoreError> {
    if e.changes.is_empty() {
        return Ok(());
    }
    let json = serde_json::to_string(e.changes).map_err(|e| StoreError::Data(e.to_string()))?;
    tx.execute(Sql::insert(
        "audit_log",
        vec![
            ("at", e.at.into()),
            ("actor_id", e.actor_id.into()),
            ("entity", e.entity.into()),
            ("entity_id", e.entity_id.into()),
            ("action", e.action.into()),
            ("changes", json.into()),
        ],
    ))
    .await?;
    Ok(())
}

/// The change of one step that sets `field` (a comment, a response, a file's name).
pub fn note(field: &str, value: impl Into<Value>) -> Vec<Change> {
    vec![Change {
        field: field.to_owned(),
        old: Value::Null,
        new: value.into(),
    }]
}

/// [`record`] for a step taken now.
pub async fn record_now(
    tx: &mut Tx,
    actor_id: Option<i64>,
    entity: &'static str,
    entity_id: i64,
    action: &str,
    changes: &[Change],
) -> Result<(), StoreError> {
    record(
        tx,
        Entry {
            actor_id,
            entity,
            entity_id,
            action,
            changes,
            at: crate::kernel::time::now(),
        },
    )
    .await
}

/// Who last took one of `actions` on a record (who invited an account), if a user did.
pub async fn last_actor(
    tx: &mut Tx,
    entity: &str,
    entity_id: i64,
    actions: &[&str],
) -> Result<Option<i64>, StoreError> {
    let mut sql = Sql::new("SELECT actor_id FROM audit_log WHERE entity = ");
    sql.push_bind(entity)
        .push(" AND entity_id = ")
        .push_bind(entity_id)
        .push(" AND actor_id IS NOT NULL AND action IN ");
    sql.push_list(actions.iter().copied());
    sql.push(" ORDER BY id DESC LIMIT 1");
    let row: Option<(i64,)> = tx.fetch_optional(sql).await?;
    Ok(row.map(|(id,)| id))
}

/// Replaces every copy of a person's personal data in the trail of the given records with
/// their pseudonym (an erasure under UU PDP): each string value holding one of `secrets`
/// has it replaced. Who did what, when, and which fields changed stay as they were.
pub async fn pseudonymise(
    tx: &mut Tx,
    records: &[(&'static str, Vec<i64>)],
    secrets: &[String],
    pseudonym: &str,
) -> Result<u64, StoreError> {
    let mut secrets: Vec<&str> = secrets
        .iter()
        .map(|s| s.trim())
        .filter(|s| s.chars().count() >= 3)
        .collect();
    // Longest first, so a name is replaced whole before a part of it could be.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets.dedup();
    if secrets.is_empty() {
        return Ok(0);
    }
    let mut changed = 0;
    for (entity, ids) in records {
        for chunk in ids.chunks(500) {
            let mut sql = Sql::new("SELECT id, changes FROM audit_log WHERE entity = ");
            sql.push_bind(*entity)
                .push(" AND entity_id IN ")
                .push_list(chunk.iter().copied());
            let rows: Vec<(i64, String)> = tx.fetch_all(sql).await?;
            for (id, text) in rows {
                let mut value: Value =
                    serde_json::from_str(&text).map_err(|e| StoreError::Data(e.to_string()))?;
                if replace_strings(&mut value, &secrets, pseudonym) {
                    let text = serde_json::to_string(&value)
                        .map_err(|e| StoreError::Data(e.to_string()))?;
                    tx.execute(
                        Sql::new("UPDATE audit_log SET changes = $1 WHERE id = $2")
                            .arg(text)
                            .arg(id),
                    )
                    .await?;
                    changed += 1;
                }
            }
        }
    }
    Ok(changed)
}

/// Replaces each of `secrets` inside every string of `v`; whether anything changed.
fn replace_strings(v: &mut Value, secrets: &[&str], with: &str) -> bool {
    match v {
        Value::String(s) => {
            let mut out = s.clone();
            for secret in secrets {
                if out.contains(secret) {
                    out = out.replace(secret, with);
                }
            }
            let changed = out != *s;
            *s = out;
            changed
        }
        Value::Array(items) => {
            let mut changed = false;
            for i in items {
                changed |= replace_strings(i, secrets, with);
            }
            changed
        }
        Value::Object(map) => {
            let mut changed = false;
            for i in map.values_mut() {
                changed |= replace_strings(i, secrets, with);
            }
            changed
        }
        _ => false,
    }
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
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
    /// `null` for changes made by the system (CLI, data loads).
    pub actor_name: Option<String>,
    pub actor_role: Option<String>,
    /// `create`, `update`, `import`, ...
    pub action: String,
    pub changes: Vec<Change>,
}

/// The newest `limit` changes of a record, newest first.
pub async fn history(
    db: &Db,
    entity: &'static str,
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
            .arg(entity)
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

/// A change anywhere, for the newest-changes list: which record, who, when, which fields.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RecentChange {
    pub entity: String,
    pub entity_id: i64,
    pub at: OffsetDateTime,
    pub actor_name: Option<String>,
    pub action: String,
    #[sqlx(skip)]
    pub fields: Vec<String>,
    changes: String,
}

/// The newest `limit` changes of any record, newest first (by the log's key: no scan).
pub async fn recent(db: &Db, limit: i64) -> Result<Vec<RecentChange>, StoreError> {
    let mut rows: Vec<RecentChange> = db
        .fetch_all(
            Sql::new(
                "SELECT a.entity, a.entity_id, a.at, u.name AS actor_name, a.action, a.changes \
                 FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id \
                 ORDER BY a.id DESC LIMIT $1",
            )
            .arg(limit),
        )
        .await?;
    for r in &mut rows {
        let changes: Vec<Change> =
            serde_json::from_str(&r.changes).map_err(|e| StoreError::Data(e.to_string()))?;
        r.fields = changes.into_iter().map(|c| c.field).collect();
        r.changes.clear();
    }
    Ok(rows)
}

/// The single values of a changed value (a list's items, or the value itself).
pub fn items(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

/// The distinct single values that `fields` took anywhere in a history: the ids or codes
/// whose names the history page shows.
pub fn referenced<'a>(entries: &'a [AuditEntry], fields: &[&str]) -> Vec<&'a Value> {
    let mut out: Vec<&Value> = Vec::new();
    for c in entries.iter().flat_map(|e| &e.changes) {
        if fields.contains(&c.field.as_str()) {
            for v in items(&c.old).into_iter().chain(items(&c.new)) {
                if !v.is_null() && !out.contains(&v) {
                    out.push(v);
                }
            }
        }
    }
    out
}

/// How a history shows values people cannot read as stored: names for referenced ids and
/// codes, translated labels for coded values. Each feature fills it for its own fields.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    names: HashMap<(String, String), String>,
    /// Names of fields that are data rather than words of the app (a report's indicators).
    fields: HashMap<String, String>,
    /// Fields whose values are codes with a translated label (`<field>.<code>`).
    pub coded: Vec<&'static str>,
}

/// The text of a single value as a lookup key (`7`, `36.01`).
fn key(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl Labels {
    /// Labels showing the codes of `coded` fields through their translations.
    pub fn coded(fields: &[&'static str]) -> Labels {
        Labels {
            coded: fields.to_vec(),
            ..Default::default()
        }
    }

    /// Shows `value` of `field` as `name`.
    pub fn name(&mut self, field: &str, value: &Value, name: impl Into<String>) {
        self.names
            .insert((field.to_owned(), key(value)), name.into());
    }

    pub fn get(&self, field: &str, value: &Value) -> Option<&str> {
        self.names
            .get(&(field.to_owned(), key(value)))
            .map(String::as_str)
    }

    /// Names `field` itself (`values.peserta` as "Jumlah peserta").
    pub fn field(&mut self, field: impl Into<String>, name: impl Into<String>) {
        self.fields.insert(field.into(), name.into());
    }

    pub fn field_name(&self, field: &str) -> Option<&str> {
        self.fields.get(field).map(String::as_str)
    }
}

/// A stored value as people read it: text as is, lists joined, nothing as a dash.
pub fn show_value(v: &Value) -> String {
    match v {
        Value::Null => "—".into(),
        Value::String(s) if s.is_empty() => "—".into(),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.is_empty() => "—".into(),
        Value::Array(items) => items.iter().map(show_value).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn pseudonyms_replace_personal_values_in_every_string() {
        let mut v = serde_json::json!([
            {"field": "name", "old": null, "new": "Siti Aminah"},
            {"field": "email", "old": "siti@example.test", "new": ["x", "Siti Aminah Putri"]},
            {"field": "n", "old": 3, "new": true}
        ]);
        let changed = replace_strings(
            &mut v,
            &["Siti Aminah Putri", "Siti Aminah", "siti@example.test"],
            "(dihapus P1)",
        );
        assert!(changed);
        let text = v.to_string();
        assert!(!text.contains("Siti"), "{text}");
        assert!(text.contains("\"new\":[\"x\",\"(dihapus P1)\"]"), "{text}");
        assert!(!replace_strings(&mut v, &["Budi"], "x"));
    }
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn only_changed_fields_are_kept() {
        let d = diff(
            &map(json!({"name": "A", "year": 2019, "gone": 1})),
            &map(json!({"name": "B", "year": 2019, "x": 1})),
        );
        let fields: Vec<&str> = d.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["name", "x", "gone"]);
        assert_eq!(d[0].old, json!("A"));
        assert_eq!(d[1].old, Value::Null);
        assert_eq!(d[2].new, Value::Null);
    }

    #[test]
    fn creation_lists_every_filled_field() {
        let d = created(&map(
            json!({"name": "A", "lat": null, "street": "", "forums": []}),
        ));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field, "name");
    }

    #[test]
    fn snapshots_come_from_the_record_itself() {
        #[derive(Serialize)]
        struct R {
            a: i64,
            b: Option<String>,
        }
        let s = snapshot(&R { a: 1, b: None });
        assert_eq!(Value::Object(s), json!({"a": 1, "b": null}));
    }

    #[test]
    fn values_read_naturally_and_references_are_found() {
        assert_eq!(show_value(&json!(null)), "—");
        assert_eq!(show_value(&json!(["tik", "las"])), "tik, las");
        assert_eq!(show_value(&json!(2019)), "2019");
        let entries = vec![AuditEntry {
            id: 1,
            at: OffsetDateTime::UNIX_EPOCH,
            actor_name: None,
            actor_role: None,
            action: "update".into(),
            changes: vec![Change {
                field: "forum_ids".into(),
                old: json!([7]),
                new: json!([7, 9]),
            }],
        }];
        assert_eq!(
            referenced(&entries, &["forum_ids"]),
            vec![&json!(7), &json!(9)]
        );
        let mut l = Labels::default();
        l.name("forum_ids", &json!(9), "FK-BLKK");
        assert_eq!(l.get("forum_ids", &json!(9)), Some("FK-BLKK"));
    }
}
