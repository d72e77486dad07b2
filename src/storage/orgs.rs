//! Organisations (ministry units, UPTP, Disnaker, forums, partners; BLKK rows are created
//! through `centres`).

use serde::Serialize;
use time::OffsetDateTime;

use super::{Db, Sql, StoreError, Tx};
use crate::domain::org::{OrgFields, OrgKind};
use crate::domain::text::search_key;

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Org {
    pub id: i64,
    pub kind: String,
    pub subtype: String,
    pub name: String,
    pub area_code: Option<String>,
    pub area_name: Option<String>,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub version: i64,
}

impl Org {
    pub fn kind(&self) -> OrgKind {
        OrgKind::parse(&self.kind).unwrap_or(OrgKind::Mitra)
    }

    pub fn fields(&self) -> OrgFields {
        OrgFields {
            kind: self.kind(),
            subtype: self.subtype.clone(),
            name: self.name.clone(),
            area_code: self
                .area_code
                .as_deref()
                .and_then(crate::domain::area::AreaCode::parse),
            address: self.address.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
        }
    }
}

/// A short reference to an organisation, for lists and select boxes.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct OrgRef {
    pub id: i64,
    pub kind: String,
    pub name: String,
}

const SELECT_ORG: &str = "SELECT o.id, o.kind, o.subtype, o.name, o.area_code, a.name AS area_name, \
    o.address, o.phone, o.email, o.version \
    FROM orgs o LEFT JOIN areas a ON a.code = o.area_code";

pub async fn get(db: &Db, id: i64) -> Result<Option<Org>, StoreError> {
    db.fetch_optional(Sql::new(format!("{SELECT_ORG} WHERE o.id = $1")).arg(id))
        .await
}

/// Inserts the organisation row; returns its id.
pub async fn insert(tx: &mut Tx, f: &OrgFields, now: OffsetDateTime) -> Result<i64, StoreError> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO orgs (kind, subtype, name, name_key, area_code, address, phone, email, \
                 created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
            )
            .arg(f.kind.as_str())
            .arg(f.subtype.as_str())
            .arg(f.name.as_str())
            .arg(search_key(&f.name))
            .arg(f.area_code.as_ref().map(|c| c.to_string()))
            .arg(f.address.as_str())
            .arg(f.phone.as_str())
            .arg(f.email.as_str())
            .arg(now),
        )
        .await?;
    Ok(id)
}

/// Updates the row if its version is still `version`; bumps the version.
pub async fn update(
    tx: &mut Tx,
    id: i64,
    version: i64,
    f: &OrgFields,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let n = tx
        .execute(
            Sql::new(
                "UPDATE orgs SET subtype = $1, name = $2, name_key = $3, area_code = $4, address = $5, \
                 phone = $6, email = $7, updated_at = $8, version = version + 1 \
                 WHERE id = $9 AND version = $10",
            )
            .arg(f.subtype.as_str())
            .arg(f.name.as_str())
            .arg(search_key(&f.name))
            .arg(f.area_code.as_ref().map(|c| c.to_string()))
            .arg(f.address.as_str())
            .arg(f.phone.as_str())
            .arg(f.email.as_str())
            .arg(now)
            .arg(id)
            .arg(version),
        )
        .await?;
    if n == 0 {
        Err(StoreError::Stale)
    } else {
        Ok(())
    }
}

/// Filters for the organisation list.
#[derive(Debug, Clone, Default)]
pub struct OrgFilter {
    pub kind: Option<OrgKind>,
    pub q: String,
    /// Only forums/Disnaker whose area is one of these codes (plus national ones).
    pub for_areas: Option<Vec<String>>,
}

fn filtered(select: &str, f: &OrgFilter) -> Sql {
    let mut sql = Sql::new(select);
    sql.push(" WHERE o.kind <> 'blkk'");
    if let Some(k) = f.kind {
        sql.push(" AND o.kind = ").push_bind(k.as_str());
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

pub async fn list(
    db: &Db,
    f: &OrgFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Org>, i64), StoreError> {
    let (total,): (i64,) = db
        .fetch_one(filtered("SELECT COUNT(*) FROM orgs o", f))
        .await?;
    let mut sql = filtered(SELECT_ORG, f);
    sql.push(" ORDER BY o.kind, o.name_key, o.id LIMIT ")
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
    Ok((db.fetch_all(sql).await?, total))
}

/// Every organisation of a kind, by name: for select boxes (UPTP, forums).
pub async fn refs(db: &Db, f: &OrgFilter) -> Result<Vec<OrgRef>, StoreError> {
    let mut sql = filtered("SELECT o.id, o.kind, o.name FROM orgs o", f);
    sql.push(" ORDER BY o.name_key, o.id");
    db.fetch_all(sql).await
}

/// `(id, kind)` of those of `ids` that exist.
pub async fn kinds(tx: &mut Tx, ids: &[i64]) -> Result<Vec<(i64, String)>, StoreError> {
    let mut sql = Sql::new("SELECT id, kind FROM orgs WHERE id IN ");
    sql.push_list(ids.iter().copied());
    tx.fetch_all(sql).await
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
                .arg(kind.as_str())
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
