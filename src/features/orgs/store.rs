//! Organisations in the database (BLKK rows are written through the centres store, which
//! uses [`insert`] and [`update`] for their organisation part).

use time::OffsetDateTime;

use super::model::{Org, OrgFilter, OrgKind, OrgRecord, OrgRef};
use crate::kernel::db::{Columns, Db, Sql, StoreError, Tx};
use crate::kernel::text::search_key;

/// The one list of an organisation's columns, for both `INSERT` and `UPDATE`.
fn columns(o: &Org) -> Columns {
    vec![
        ("kind", o.kind.into()),
        ("subtype", o.subtype.as_str().into()),
        ("name", o.name.as_str().into()),
        ("name_key", search_key(&o.name).into()),
        ("area_code", o.area_code.as_ref().map(|c| c.as_str()).into()),
        ("address", o.address.as_str().into()),
        ("phone", o.phone.as_str().into()),
        ("email", o.email.as_str().into()),
    ]
}

const SELECT: &str = "SELECT o.id, o.version, o.kind, o.subtype, o.name, o.area_code, \
    a.name AS area_name, o.address, o.phone, o.email \
    FROM orgs o LEFT JOIN areas a ON a.code = o.area_code";

pub async fn get(db: &Db, id: i64) -> Result<Option<OrgRecord>, StoreError> {
    db.fetch_optional(Sql::new(format!("{SELECT} WHERE o.id = $1")).arg(id))
        .await
}

/// [`get`] in a transaction (seeing its own writes).
pub async fn get_in(tx: &mut Tx, id: i64) -> Result<Option<OrgRecord>, StoreError> {
    tx.fetch_optional(Sql::new(format!("{SELECT} WHERE o.id = $1")).arg(id))
        .await
}

/// Inserts the organisation row; returns its id.
pub async fn insert(tx: &mut Tx, o: &Org, now: OffsetDateTime) -> Result<i64, StoreError> {
    let mut cols = columns(o);
    cols.push(("created_at", now.into()));
    cols.push(("updated_at", now.into()));
    let mut sql = Sql::insert("orgs", cols);
    sql.push(" RETURNING id");
    let (id,): (i64,) = tx.fetch_one(sql).await?;
    Ok(id)
}

/// Stores `o` if the row is still at `version`, bumping the version.
pub async fn update(
    tx: &mut Tx,
    id: i64,
    version: i64,
    o: &Org,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let mut sql = Sql::update("orgs", columns(o));
    sql.push(", updated_at = ")
        .push_bind(now)
        .push(", version = version + 1 WHERE id = ")
        .push_bind(id)
        .push(" AND version = ")
        .push_bind(version);
    match tx.execute(sql).await? {
        0 => Err(StoreError::Stale),
        _ => Ok(()),
    }
}

fn filtered(select: &str, f: &OrgFilter) -> Sql {
    let mut sql = Sql::new(select);
    sql.push(" WHERE o.kind <> 'blkk'");
    if let Some(k) = f.kind {
        sql.push(" AND o.kind = ").push_bind(k);
    }
    let key = search_key(&f.q);
    if !key.is_empty() {
        sql.push(" AND o.name_key LIKE ")
            .push_bind(format!("%{key}%"));
    }
    if let Some(areas) = &f.for_areas {
        sql.push(" AND (o.area_code IS NULL OR o.area_code IN ")
            .push_list(areas.iter().map(String::as_str))
            .push(")");
    }
    sql
}

/// One page of organisations (not BLKK), by kind and name, and the number of matches.
pub async fn list(
    db: &Db,
    f: &OrgFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<OrgRecord>, i64), StoreError> {
    let (total,): (i64,) = db
        .fetch_one(filtered("SELECT COUNT(*) FROM orgs o", f))
        .await?;
    let mut sql = filtered(SELECT, f);
    sql.push(" ORDER BY o.kind, o.name_key, o.id LIMIT ")
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
    Ok((db.fetch_all(sql).await?, total))
}

/// Every organisation matching, by name: for select boxes (UPTP, forums).
pub async fn refs(db: &Db, f: &OrgFilter) -> Result<Vec<OrgRef>, StoreError> {
    let mut sql = filtered("SELECT o.id, o.kind, o.name FROM orgs o", f);
    sql.push(" ORDER BY o.name_key, o.id");
    db.fetch_all(sql).await
}

/// References to those of `ids` that exist, by name.
pub async fn refs_of(tx: &mut Tx, ids: &[i64]) -> Result<Vec<OrgRef>, StoreError> {
    let mut sql = Sql::new("SELECT id, kind, name FROM orgs WHERE id IN ");
    sql.push_list(ids.iter().copied())
        .push(" ORDER BY name_key, id");
    tx.fetch_all(sql).await
}

/// [`refs_of`] outside a transaction.
pub async fn refs_by_id(db: &Db, ids: &[i64]) -> Result<Vec<OrgRef>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new("SELECT id, kind, name FROM orgs WHERE id IN ");
    sql.push_list(ids.iter().copied());
    db.fetch_all(sql).await
}

/// The id of the organisation of this kind with exactly this name, if any.
pub async fn find_by_name(
    tx: &mut Tx,
    kind: OrgKind,
    name: &str,
) -> Result<Option<i64>, StoreError> {
    let row: Option<(i64,)> = tx
        .fetch_optional(
            Sql::new("SELECT id FROM orgs WHERE kind = $1 AND name = $2 ORDER BY id LIMIT 1")
                .arg(kind)
                .arg(name),
        )
        .await?;
    Ok(row.map(|(id,)| id))
}

/// `(id, name)` of the given organisations (for showing references by name).
pub async fn names(db: &Db, ids: &[i64]) -> Result<Vec<(i64, String)>, StoreError> {
    let mut sql = Sql::new("SELECT id, name FROM orgs WHERE id IN ");
    sql.push_list(ids.iter().copied());
    db.fetch_all(sql).await
}

/// Every reference to a partner organisation, `(table, column)`: what a merge moves to the
/// organisation kept. (A test checks that every other reference to `orgs` is one a partner
/// never has.)
pub const PARTNER_REFERENCES: &[(&str, &str)] = &[
    ("users", "org_id"),
    ("trainings", "partner_id"),
    ("outcomes", "partner_id"),
    ("partnerships", "partner_id"),
];

/// Moves every reference to `from` onto `into`, then deletes `from`.
pub async fn merge(tx: &mut Tx, from: i64, into: i64) -> Result<(), StoreError> {
    for (table, column) in PARTNER_REFERENCES {
        tx.execute(
            Sql::new(format!(
                "UPDATE {table} SET {column} = $1 WHERE {column} = $2"
            ))
            .arg(into)
            .arg(from),
        )
        .await?;
    }
    tx.execute(Sql::new("DELETE FROM orgs WHERE id = $1").arg(from))
        .await?;
    Ok(())
}
