//! BLKK profiles: the directory, one profile, and writes.

use serde::Serialize;
use time::OffsetDateTime;

use super::orgs::OrgRef;
use super::{BATCH_ROWS, Db, Sql, StoreError, Tx};
use crate::domain::access::{CentreFacts, Scope};
use crate::domain::area::{AreaCode, AreaLevel};
use crate::domain::centre::{CentreFields, CentreStatus, HostType};
use crate::domain::text::search_key;

/// One BLKK as stored, with the names of the areas and of its pembina.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct CentreRow {
    pub id: i64,
    pub version: i64,
    pub updated_at: OffsetDateTime,
    pub name: String,
    pub reg_no: String,
    pub host_name: String,
    pub host_type: String,
    pub street: String,
    pub village_code: String,
    pub district_code: String,
    pub regency_code: String,
    pub province_code: String,
    pub village_name: String,
    pub district_name: String,
    pub regency_name: String,
    pub province_name: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub year_built: Option<i64>,
    pub aid_year: i64,
    pub pembina_id: Option<i64>,
    pub pembina_name: Option<String>,
    pub head_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub status: String,
}

/// A full BLKK record: the row plus its kejuruan and forums.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CentreRecord {
    #[serde(flatten)]
    pub row: CentreRow,
    pub kejuruan: Vec<String>,
    pub forums: Vec<OrgRef>,
}

impl CentreRecord {
    pub fn facts(&self) -> CentreFacts {
        CentreFacts {
            id: self.row.id,
            pembina_id: self.row.pembina_id,
            province_code: self.row.province_code.clone(),
            regency_code: self.row.regency_code.clone(),
            forum_ids: self.forums.iter().map(|f| f.id).collect(),
        }
    }

    /// The stored profile in its validated form (stored rows were validated on the way in).
    pub fn fields(&self) -> CentreFields {
        let r = &self.row;
        CentreFields {
            name: r.name.clone(),
            reg_no: r.reg_no.clone(),
            host_name: r.host_name.clone(),
            host_type: HostType::parse(&r.host_type).unwrap_or(HostType::Komunitas),
            street: r.street.clone(),
            village_code: AreaCode::parse(&r.village_code)
                .unwrap_or_else(|| AreaCode::parse("00.00.00.0000").expect("valid literal")),
            latitude: r.latitude,
            longitude: r.longitude,
            year_built: r.year_built,
            aid_year: r.aid_year,
            kejuruan: self.kejuruan.clone(),
            head_name: r.head_name.clone(),
            contact_phone: r.contact_phone.clone(),
            contact_email: r.contact_email.clone(),
            status: CentreStatus::parse(&r.status).unwrap_or(CentreStatus::Aktif),
        }
    }
}

const SELECT_CENTRE: &str = "SELECT o.id, o.version, o.updated_at, o.name, c.reg_no, c.host_name, \
    c.host_type, c.street, c.village_code, c.district_code, c.regency_code, c.province_code, \
    v.name AS village_name, d.name AS district_name, r.name AS regency_name, p.name AS province_name, \
    c.latitude, c.longitude, c.year_built, c.aid_year, c.pembina_id, pb.name AS pembina_name, \
    c.head_name, c.contact_phone, c.contact_email, c.status \
    FROM centres c \
    JOIN orgs o ON o.id = c.org_id \
    JOIN areas v ON v.code = c.village_code \
    JOIN areas d ON d.code = c.district_code \
    JOIN areas r ON r.code = c.regency_code \
    JOIN areas p ON p.code = c.province_code \
    LEFT JOIN orgs pb ON pb.id = c.pembina_id";

pub async fn get(db: &Db, id: i64) -> Result<Option<CentreRecord>, StoreError> {
    let Some(row) = db
        .fetch_optional::<CentreRow>(
            Sql::new(format!("{SELECT_CENTRE} WHERE c.org_id = $1")).arg(id),
        )
        .await?
    else {
        return Ok(None);
    };
    let kejuruan = kejuruan_of(db, &[id])
        .await?
        .into_iter()
        .map(|(_, k)| k)
        .collect();
    let forums = db
        .fetch_all(
            Sql::new(
                "SELECT o.id, o.kind, o.name FROM forum_members m JOIN orgs o ON o.id = m.forum_id \
                 WHERE m.centre_id = $1 ORDER BY o.name_key",
            )
            .arg(id),
        )
        .await?;
    Ok(Some(CentreRecord {
        row,
        kejuruan,
        forums,
    }))
}

/// `(centre id, kejuruan code)` pairs for the given centres.
pub async fn kejuruan_of(db: &Db, ids: &[i64]) -> Result<Vec<(i64, String)>, StoreError> {
    let mut sql =
        Sql::new("SELECT centre_id, kejuruan_code FROM centre_kejuruan WHERE centre_id IN ");
    sql.push_list(ids.iter().copied())
        .push(" ORDER BY centre_id, kejuruan_code");
    db.fetch_all(sql).await
}

/// Directory filters. Empty strings mean "any".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DirectoryFilter {
    pub q: String,
    pub province: String,
    pub regency: String,
    pub kejuruan: String,
    pub host_type: String,
    pub status: String,
    pub pembina: Option<i64>,
    pub forum: Option<i64>,
}

/// One line of the public directory: no personal data.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct DirectoryEntry {
    pub id: i64,
    pub name: String,
    pub host_name: String,
    pub host_type: String,
    pub status: String,
    pub aid_year: i64,
    pub village_name: String,
    pub district_name: String,
    pub regency_code: String,
    pub regency_name: String,
    pub province_code: String,
    pub province_name: String,
    pub pembina_name: Option<String>,
    #[sqlx(skip)]
    pub kejuruan: Vec<String>,
}

/// Appends ` AND (...)` restricting `c` (centres) to a scope. Mirrors
/// [`Scope::covers`](crate::domain::access::Scope::covers).
pub fn push_scope(sql: &mut Sql, scope: &Scope) {
    match scope {
        Scope::All => {}
        Scope::Pembina(org) => {
            sql.push(" AND c.pembina_id = ").push_bind(*org);
        }
        Scope::Region(area) => {
            sql.push(" AND (c.province_code = ")
                .push_bind(area.as_str())
                .push(" OR c.regency_code = ")
                .push_bind(area.as_str())
                .push(")");
        }
        Scope::Forum(org) => {
            sql.push(" AND EXISTS (SELECT 1 FROM forum_members m WHERE m.centre_id = c.org_id AND m.forum_id = ")
                .push_bind(*org)
                .push(")");
        }
        Scope::Centre(id) => {
            sql.push(" AND c.org_id = ").push_bind(*id);
        }
        Scope::Nothing => {
            sql.push(" AND 1 = 0");
        }
    }
}

fn directory_sql(select: &str, f: &DirectoryFilter, scope: Option<&Scope>) -> Sql {
    let mut sql = Sql::new(select);
    sql.push(" WHERE 1 = 1");
    let key = search_key(&f.q);
    if !key.is_empty() {
        sql.push(" AND (o.name_key LIKE ")
            .push_bind(format!("%{key}%"))
            .push(" OR c.reg_no = ")
            .push_bind(f.q.trim().to_uppercase())
            .push(")");
    }
    let mut eq = |column: &str, v: &str| {
        if !v.trim().is_empty() {
            sql.push(" AND ")
                .push(column)
                .push(" = ")
                .push_bind(v.trim());
        }
    };
    eq("c.province_code", &f.province);
    eq("c.regency_code", &f.regency);
    eq("c.host_type", &f.host_type);
    eq("c.status", &f.status);
    if !f.kejuruan.trim().is_empty() {
        sql.push(" AND EXISTS (SELECT 1 FROM centre_kejuruan k WHERE k.centre_id = c.org_id AND k.kejuruan_code = ")
            .push_bind(f.kejuruan.trim())
            .push(")");
    }
    if let Some(p) = f.pembina {
        push_scope(&mut sql, &Scope::Pembina(p));
    }
    if let Some(forum) = f.forum {
        push_scope(&mut sql, &Scope::Forum(forum));
    }
    if let Some(s) = scope {
        push_scope(&mut sql, s);
    }
    sql
}

/// National figures for the home page, live from the registry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Totals {
    pub centres: i64,
    pub aktif: i64,
    pub persiapan: i64,
    pub tidak_aktif: i64,
    pub provinces: i64,
    pub regencies: i64,
}

pub async fn totals(db: &Db) -> Result<Totals, StoreError> {
    db.fetch_one(Sql::new(
        "SELECT COUNT(*) AS centres, \
         COALESCE(SUM(CASE WHEN status = 'aktif' THEN 1 ELSE 0 END), 0) AS aktif, \
         COALESCE(SUM(CASE WHEN status = 'persiapan' THEN 1 ELSE 0 END), 0) AS persiapan, \
         COALESCE(SUM(CASE WHEN status = 'tidak_aktif' THEN 1 ELSE 0 END), 0) AS tidak_aktif, \
         COUNT(DISTINCT province_code) AS provinces, COUNT(DISTINCT regency_code) AS regencies \
         FROM centres",
    ))
    .await
}

/// One page of the directory, by name, and the number of matches. `scope` narrows the list
/// to a user's own BLKK ("mine").
pub async fn directory(
    db: &Db,
    f: &DirectoryFilter,
    scope: Option<&Scope>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<DirectoryEntry>, i64), StoreError> {
    // Filter, count and cut the page on centres and orgs alone, then fetch the names of
    // the areas for the page's rows only: one scan instead of a count plus a sorted join.
    let mut sql = directory_sql(
        "SELECT o.id, o.name, c.host_name, c.host_type, c.status, c.aid_year, \
         v.name AS village_name, d.name AS district_name, c.regency_code, r.name AS regency_name, \
         c.province_code, p.name AS province_name, pb.name AS pembina_name, pg.total \
         FROM (SELECT c.org_id AS id, o.name_key AS sort_key, COUNT(*) OVER () AS total \
               FROM centres c JOIN orgs o ON o.id = c.org_id",
        f,
        scope,
    );
    sql.push(" ORDER BY o.name_key, o.id LIMIT ")
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset)
        .push(
            ") pg \
             JOIN centres c ON c.org_id = pg.id \
             JOIN orgs o ON o.id = c.org_id \
             JOIN areas v ON v.code = c.village_code \
             JOIN areas d ON d.code = c.district_code \
             JOIN areas r ON r.code = c.regency_code \
             JOIN areas p ON p.code = c.province_code \
             LEFT JOIN orgs pb ON pb.id = c.pembina_id \
             ORDER BY pg.sort_key, pg.id",
        );
    let page: Vec<PageRow> = db.fetch_all(sql).await?;
    let total = match page.first() {
        Some(r) => r.total,
        // Past the last page (or nothing matches): count on its own.
        None if offset > 0 => {
            let (n,): (i64,) = db
                .fetch_one(directory_sql(
                    "SELECT COUNT(*) FROM centres c JOIN orgs o ON o.id = c.org_id",
                    f,
                    scope,
                ))
                .await?;
            n
        }
        None => 0,
    };
    let mut rows: Vec<DirectoryEntry> = page.into_iter().map(|r| r.entry).collect();
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    for (id, code) in kejuruan_of(db, &ids).await? {
        if let Some(r) = rows.iter_mut().find(|r| r.id == id) {
            r.kejuruan.push(code);
        }
    }
    Ok((rows, total))
}

#[derive(sqlx::FromRow)]
struct PageRow {
    #[sqlx(flatten)]
    entry: DirectoryEntry,
    total: i64,
}

/// Ids of every BLKK in a scope (for tests and exports; small per scope).
pub async fn ids_in_scope(db: &Db, scope: &Scope) -> Result<Vec<i64>, StoreError> {
    let mut sql = Sql::new("SELECT c.org_id FROM centres c WHERE 1 = 1");
    push_scope(&mut sql, scope);
    sql.push(" ORDER BY c.org_id");
    Ok(db
        .fetch_all::<(i64,)>(sql)
        .await?
        .into_iter()
        .map(|(id,)| id)
        .collect())
}

/// Inserts a BLKK (its organisation row, profile and kejuruan); returns its id.
pub async fn insert(tx: &mut Tx, f: &CentreFields, now: OffsetDateTime) -> Result<i64, StoreError> {
    let org = crate::domain::org::OrgFields {
        kind: crate::domain::org::OrgKind::Blkk,
        subtype: "blkk".into(),
        name: f.name.clone(),
        area_code: Some(f.village_code.clone()),
        address: f.street.clone(),
        phone: String::new(),
        email: String::new(),
    };
    let id = super::orgs::insert(tx, &org, now).await?;
    let area = |l| f.village_code.ancestor(l).map(String::from);
    tx.execute(
        Sql::new(
            "INSERT INTO centres (org_id, reg_no, host_name, host_type, street, village_code, \
             district_code, regency_code, province_code, latitude, longitude, year_built, aid_year, \
             head_name, contact_phone, contact_email, status) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        )
        .arg(id)
        .arg(f.reg_no.as_str())
        .arg(f.host_name.as_str())
        .arg(f.host_type.as_str())
        .arg(f.street.as_str())
        .arg(f.village_code.as_str())
        .arg(area(AreaLevel::District))
        .arg(area(AreaLevel::Regency))
        .arg(area(AreaLevel::Province))
        .arg(f.latitude)
        .arg(f.longitude)
        .arg(f.year_built)
        .arg(f.aid_year)
        .arg(f.head_name.as_str())
        .arg(f.contact_phone.as_str())
        .arg(f.contact_email.as_str())
        .arg(f.status.as_str()),
    )
    .await?;
    set_kejuruan(tx, id, &f.kejuruan).await?;
    Ok(id)
}

/// Stores a new profile if the record is still at `version`; bumps the version.
pub async fn update(
    tx: &mut Tx,
    id: i64,
    version: i64,
    f: &CentreFields,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let n = tx
        .execute(
            Sql::new(
                "UPDATE orgs SET name = $1, name_key = $2, area_code = $3, address = $4, \
                 updated_at = $5, version = version + 1 WHERE id = $6 AND version = $7 AND kind = 'blkk'",
            )
            .arg(f.name.as_str())
            .arg(search_key(&f.name))
            .arg(f.village_code.as_str())
            .arg(f.street.as_str())
            .arg(now)
            .arg(id)
            .arg(version),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    let area = |l| f.village_code.ancestor(l).map(String::from);
    tx.execute(
        Sql::new(
            "UPDATE centres SET reg_no = $1, host_name = $2, host_type = $3, street = $4, \
             village_code = $5, district_code = $6, regency_code = $7, province_code = $8, \
             latitude = $9, longitude = $10, year_built = $11, aid_year = $12, head_name = $13, \
             contact_phone = $14, contact_email = $15, status = $16 WHERE org_id = $17",
        )
        .arg(f.reg_no.as_str())
        .arg(f.host_name.as_str())
        .arg(f.host_type.as_str())
        .arg(f.street.as_str())
        .arg(f.village_code.as_str())
        .arg(area(AreaLevel::District))
        .arg(area(AreaLevel::Regency))
        .arg(area(AreaLevel::Province))
        .arg(f.latitude)
        .arg(f.longitude)
        .arg(f.year_built)
        .arg(f.aid_year)
        .arg(f.head_name.as_str())
        .arg(f.contact_phone.as_str())
        .arg(f.contact_email.as_str())
        .arg(f.status.as_str())
        .arg(id),
    )
    .await?;
    tx.execute(Sql::new("DELETE FROM centre_kejuruan WHERE centre_id = $1").arg(id))
        .await?;
    set_kejuruan(tx, id, &f.kejuruan).await
}

async fn set_kejuruan(tx: &mut Tx, id: i64, codes: &[String]) -> Result<(), StoreError> {
    if codes.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new("INSERT INTO centre_kejuruan (centre_id, kejuruan_code) VALUES ");
    for (i, k) in codes.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.push("(")
            .push_bind(id)
            .push(", ")
            .push_bind(k.as_str())
            .push(")");
    }
    tx.execute(sql).await?;
    Ok(())
}

/// Sets the supervising UPTP.
pub async fn set_pembina(tx: &mut Tx, id: i64, pembina: Option<i64>) -> Result<(), StoreError> {
    tx.execute(
        Sql::new("UPDATE centres SET pembina_id = $1 WHERE org_id = $2")
            .arg(pembina)
            .arg(id),
    )
    .await?;
    Ok(())
}

/// Replaces the set of forums a BLKK belongs to.
pub async fn set_forums(tx: &mut Tx, id: i64, forums: &[i64]) -> Result<(), StoreError> {
    tx.execute(Sql::new("DELETE FROM forum_members WHERE centre_id = $1").arg(id))
        .await?;
    add_forum_members(tx, forums.iter().map(|f| (*f, id))).await
}

/// Adds `(forum, centre)` memberships in bulk.
pub async fn add_forum_members(
    tx: &mut Tx,
    pairs: impl IntoIterator<Item = (i64, i64)>,
) -> Result<(), StoreError> {
    let pairs: Vec<(i64, i64)> = pairs.into_iter().collect();
    for chunk in pairs.chunks(BATCH_ROWS) {
        let mut sql = Sql::new("INSERT INTO forum_members (forum_id, centre_id) VALUES ");
        for (i, (forum, centre)) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push("(")
                .push_bind(*forum)
                .push(", ")
                .push_bind(*centre)
                .push(")");
        }
        tx.execute(sql).await?;
    }
    Ok(())
}

/// Which of `codes` are not villages in the reference data.
pub async fn village_exists(tx: &mut Tx, code: &str) -> Result<bool, StoreError> {
    let found: Option<(String,)> = tx
        .fetch_optional(Sql::new("SELECT code FROM areas WHERE code = $1 AND level = 4").arg(code))
        .await?;
    Ok(found.is_some())
}

/// Which of `codes` are not in the kejuruan catalogue.
pub async fn unknown_kejuruan(tx: &mut Tx, codes: &[String]) -> Result<Vec<String>, StoreError> {
    let mut sql = Sql::new("SELECT code FROM kejuruan WHERE code IN ");
    sql.push_list(codes.iter().map(String::as_str));
    let known: Vec<(String,)> = tx.fetch_all(sql).await?;
    Ok(codes
        .iter()
        .filter(|c| !known.iter().any(|(k,)| k == *c))
        .cloned()
        .collect())
}

/// Whether a registration number is taken by another BLKK.
pub async fn reg_no_taken(
    tx: &mut Tx,
    reg_no: &str,
    except: Option<i64>,
) -> Result<bool, StoreError> {
    let found: Option<(i64,)> = tx
        .fetch_optional(
            Sql::new("SELECT org_id FROM centres WHERE reg_no = $1 AND org_id <> $2")
                .arg(reg_no)
                .arg(except.unwrap_or(0)),
        )
        .await?;
    Ok(found.is_some())
}
