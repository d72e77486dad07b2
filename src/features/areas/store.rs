//! Administrative areas in the database (reference data, loaded once).

use super::model::{Area, AreaCode, AreaLevel, Place, VillageMatch, strip_area_prefix};
use crate::kernel::db::{Db, Sql, StoreError, Tx};
use crate::kernel::text::search_key;

/// Rows per multi-row `INSERT`: well under both backends' placeholder limits.
const BATCH_ROWS: usize = 500;

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
pub async fn names(db: &Db, codes: &[&str]) -> Result<Vec<(String, String)>, StoreError> {
    let mut sql = Sql::new("SELECT code, name FROM areas WHERE code IN ");
    sql.push_list(codes.iter().copied());
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

const PLACE: &str = "SELECT v.name AS village_name, d.code AS district_code, d.name AS district_name, \
    r.code AS regency_code, r.name AS regency_name, p.code AS province_code, p.name AS province_name \
    FROM areas v \
    JOIN areas d ON d.code = v.parent_code \
    JOIN areas r ON r.code = v.regency_code \
    JOIN areas p ON p.code = v.province_code \
    WHERE v.code = $1 AND v.level = 4";

/// The names of a village and the areas above it; `None` if it is not a known village.
pub async fn place(db: &Db, village: &AreaCode) -> Result<Option<Place>, StoreError> {
    db.fetch_optional(Sql::new(PLACE).arg(village)).await
}

/// [`place`], inside a transaction.
pub async fn place_in(tx: &mut Tx, village: &AreaCode) -> Result<Option<Place>, StoreError> {
    tx.fetch_optional(Sql::new(PLACE).arg(village)).await
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
