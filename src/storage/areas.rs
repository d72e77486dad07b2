//! Administrative areas (reference data, loaded once).

use serde::Serialize;

use super::{BATCH_ROWS, Db, Sql, StoreError, Tx};
use crate::domain::area::{AreaCode, AreaLevel};
use crate::domain::text::{search_key, strip_area_prefix};

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Area {
    pub code: String,
    pub level: i64,
    pub parent_code: Option<String>,
    pub name: String,
}

/// A village found by a look-up, with the names that tell same-named villages apart.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct VillageMatch {
    pub code: String,
    pub name: String,
    pub district_code: String,
    pub district_name: String,
    pub regency_name: String,
}

/// A village with every enclosing area's name, for showing an address.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct AreaPath {
    pub village_code: String,
    pub village_name: String,
    pub district_name: String,
    pub regency_code: String,
    pub regency_name: String,
    pub province_code: String,
    pub province_name: String,
}

pub async fn count(db: &Db) -> Result<i64, StoreError> {
    let (n,): (i64,) = db.fetch_one(Sql::new("SELECT COUNT(*) FROM areas")).await?;
    Ok(n)
}

/// Inserts areas parents-first (the caller orders them); used by the reference loader.
pub async fn insert_all(tx: &mut Tx, areas: &[Area]) -> Result<(), StoreError> {
    for chunk in areas.chunks(BATCH_ROWS) {
        let mut sql = Sql::new(
            "INSERT INTO areas (code, level, parent_code, province_code, regency_code, name, name_key) VALUES ",
        );
        for (i, a) in chunk.iter().enumerate() {
            let code = AreaCode::parse(&a.code)
                .ok_or_else(|| StoreError::Data(format!("bad area code {}", a.code)))?;
            if i > 0 {
                sql.push(", ");
            }
            sql.push("(")
                .push_bind(a.code.as_str())
                .push(", ")
                .push_bind(a.level)
                .push(", ")
                .push_bind(a.parent_code.as_deref())
                .push(", ")
                .push_bind(code.ancestor(AreaLevel::Province).map(String::from))
                .push(", ")
                .push_bind(code.ancestor(AreaLevel::Regency).map(String::from))
                .push(", ")
                .push_bind(a.name.as_str())
                .push(", ")
                .push_bind(search_key(&a.name))
                .push(")");
        }
        tx.execute(sql).await?;
    }
    Ok(())
}

pub async fn get(db: &Db, code: &str) -> Result<Option<Area>, StoreError> {
    db.fetch_optional(
        Sql::new("SELECT code, level, parent_code, name FROM areas WHERE code = $1").arg(code),
    )
    .await
}

/// `(code, name)` of the given areas.
pub async fn names(db: &Db, codes: &[String]) -> Result<Vec<(String, String)>, StoreError> {
    let mut sql = Sql::new("SELECT code, name FROM areas WHERE code IN ");
    sql.push_list(codes.iter().map(String::as_str));
    db.fetch_all(sql).await
}

pub async fn provinces(db: &Db) -> Result<Vec<Area>, StoreError> {
    db.fetch_all(Sql::new(
        "SELECT code, level, parent_code, name FROM areas WHERE level = 1 ORDER BY code",
    ))
    .await
}

/// The areas directly inside `parent`, by name.
pub async fn children(db: &Db, parent: &str) -> Result<Vec<Area>, StoreError> {
    db.fetch_all(
        Sql::new(
            "SELECT code, level, parent_code, name FROM areas WHERE parent_code = $1 ORDER BY name",
        )
        .arg(parent),
    )
    .await
}

/// Full names of a village and the areas above it.
pub async fn path(db: &Db, village_code: &str) -> Result<Option<AreaPath>, StoreError> {
    db.fetch_optional(
        Sql::new(
            "SELECT v.code AS village_code, v.name AS village_name, d.name AS district_name, \
                    r.code AS regency_code, r.name AS regency_name, \
                    p.code AS province_code, p.name AS province_name \
             FROM areas v \
             JOIN areas d ON d.code = v.parent_code \
             JOIN areas r ON r.code = v.regency_code \
             JOIN areas p ON p.code = v.province_code \
             WHERE v.code = $1 AND v.level = 4",
        )
        .arg(village_code),
    )
    .await
}

/// Where to look for a village.
#[derive(Debug, Clone, Default)]
pub struct VillageQuery {
    pub q: String,
    pub regency: Option<String>,
    pub district: Option<String>,
    pub limit: i64,
}

/// Finds villages whose name contains the query, ignoring case, spaces, punctuation and a
/// leading "Desa"/"Kelurahan": "Desa Mekar Jaya" finds "Mekarjaya". Exact matches first.
pub async fn find_villages(db: &Db, query: &VillageQuery) -> Result<Vec<VillageMatch>, StoreError> {
    let key = search_key(strip_area_prefix(&query.q));
    if key.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT v.code, v.name, d.code AS district_code, d.name AS district_name, r.name AS regency_name \
         FROM areas v \
         JOIN areas d ON d.code = v.parent_code \
         JOIN areas r ON r.code = v.regency_code \
         WHERE v.level = 4 AND v.name_key LIKE ",
    );
    sql.push_bind(format!("%{key}%"));
    if let Some(r) = &query.regency {
        sql.push(" AND v.regency_code = ").push_bind(r.as_str());
    }
    if let Some(d) = &query.district {
        sql.push(" AND v.parent_code = ").push_bind(d.as_str());
    }
    sql.push(" ORDER BY CASE WHEN v.name_key = ")
        .push_bind(key)
        .push(" THEN 0 ELSE 1 END, v.name, v.code LIMIT ")
        .push_bind(query.limit.clamp(1, 100));
    db.fetch_all(sql).await
}
