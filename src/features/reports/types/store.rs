//! Report types in the database, and which BLKK must send one (as SQL that the compliance
//! counts and the reminders share).

use time::OffsetDateTime;

use super::model::{Audience, Indicator, ReportType, ReportTypeInput};
use crate::features::reports::period::Frequency;
use crate::kernel::access::Scope;
use crate::kernel::db::{Arg, Db, Sql, StoreError, Tx};
use crate::kernel::scope::On;

#[derive(sqlx::FromRow)]
struct TypeRow {
    id: i64,
    code: String,
    name_id: String,
    name_en: String,
    frequency: Frequency,
    due_day: i64,
    grace_days: i64,
    audience: Audience,
    audience_year: Option<i64>,
    audience_area: Option<String>,
    indicators: String,
    active: bool,
}

const TYPE_SELECT: &str = "SELECT id, code, name_id, name_en, frequency, due_day, grace_days, \
    audience, audience_year, audience_area, indicators, active FROM report_types";

async fn with_centres(db: &Db, r: TypeRow) -> Result<ReportType, StoreError> {
    let indicators: Vec<Indicator> = serde_json::from_str(&r.indicators)
        .map_err(|e| StoreError::Data(format!("report_types.indicators: {e}")))?;
    let centres: Vec<(i64,)> = if r.audience == Audience::Daftar {
        db.fetch_all(
            Sql::new(
                "SELECT centre_id FROM report_type_centres WHERE type_id = $1 ORDER BY centre_id",
            )
            .arg(r.id),
        )
        .await?
    } else {
        Vec::new()
    };
    Ok(ReportType {
        id: r.id,
        active: r.active,
        input: ReportTypeInput {
            code: r.code,
            name_id: r.name_id,
            name_en: r.name_en,
            frequency: r.frequency,
            due_day: r.due_day,
            grace_days: r.grace_days,
            audience: r.audience,
            audience_year: r.audience_year,
            audience_area: r.audience_area,
            audience_centres: centres.into_iter().map(|(c,)| c).collect(),
            indicators,
        },
    })
}

pub async fn types(db: &Db) -> Result<Vec<ReportType>, StoreError> {
    let rows: Vec<TypeRow> = db
        .fetch_all(Sql::new(format!("{TYPE_SELECT} ORDER BY id")))
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(with_centres(db, r).await?);
    }
    Ok(out)
}

pub async fn report_type(db: &Db, id: i64) -> Result<Option<ReportType>, StoreError> {
    match db
        .fetch_optional::<TypeRow>(Sql::new(format!("{TYPE_SELECT} WHERE id = $1")).arg(id))
        .await?
    {
        Some(r) => Ok(Some(with_centres(db, r).await?)),
        None => Ok(None),
    }
}

pub async fn type_code_taken(db: &Db, code: &str) -> Result<bool, StoreError> {
    let n: Option<(i64,)> = db
        .fetch_optional(Sql::new("SELECT id FROM report_types WHERE code = $1").arg(code))
        .await?;
    Ok(n.is_some())
}

pub async fn insert_type(
    tx: &mut Tx,
    t: &ReportTypeInput,
    now: OffsetDateTime,
) -> Result<i64, StoreError> {
    let indicators = serde_json::to_string(&t.indicators)
        .map_err(|e| StoreError::Data(format!("indicators: {e}")))?;
    let mut sql = Sql::insert(
        "report_types",
        vec![
            ("code", t.code.as_str().into()),
            ("name_id", t.name_id.as_str().into()),
            ("name_en", t.name_en.as_str().into()),
            ("frequency", t.frequency.as_str().into()),
            ("due_day", t.due_day.into()),
            ("grace_days", t.grace_days.into()),
            ("audience", t.audience.as_str().into()),
            ("audience_year", t.audience_year.into()),
            ("audience_area", t.audience_area.as_deref().into()),
            ("indicators", indicators.as_str().into()),
            ("created_at", now.into()),
        ],
    );
    sql.push(" RETURNING id");
    let (id,): (i64,) = tx.fetch_one(sql).await?;
    if !t.audience_centres.is_empty() {
        let mut sql = Sql::new("INSERT INTO report_type_centres (type_id, centre_id) VALUES ");
        sql.push_rows(
            t.audience_centres
                .iter()
                .map(|c| [Arg::from(id), Arg::from(*c)]),
        );
        tx.execute(sql).await?;
    }
    Ok(id)
}

/// The active BLKK among `ids` (to check an explicit audience).
pub async fn active_centres(db: &Db, ids: &[i64]) -> Result<Vec<i64>, StoreError> {
    let mut sql = Sql::new("SELECT org_id FROM centres WHERE status = 'aktif' AND org_id IN ");
    sql.push_list(ids.iter().copied());
    let rows: Vec<(i64,)> = db.fetch_all(sql).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// `(id, name)` of those of `ids` that are report types.
pub async fn type_names(db: &Db, ids: &[i64]) -> Result<Vec<(i64, String)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new("SELECT id, name_id FROM report_types WHERE id IN ");
    sql.push_list(ids.iter().copied());
    db.fetch_all(sql).await
}

// ---- Who must report -----------------------------------------------------------------

/// ` AND ...` limiting centres `c` to the type's audience: active BLKK, and its cohort,
/// region or list.
pub(crate) fn push_audience(sql: &mut Sql, t: &ReportType) {
    sql.push(" AND c.status = 'aktif'");
    match t.input.audience {
        Audience::Semua => {}
        Audience::Angkatan => {
            sql.push(" AND c.aid_year = ")
                .push_bind(t.input.audience_year.unwrap_or(0));
        }
        Audience::Wilayah => {
            let area = t.input.audience_area.clone().unwrap_or_default();
            sql.push(" AND (c.province_code = ")
                .push_bind(area.as_str())
                .push(" OR c.regency_code = ")
                .push_bind(area.as_str())
                .push(")");
        }
        Audience::Daftar => {
            sql.push(" AND c.org_id IN (SELECT a.centre_id FROM report_type_centres a WHERE a.type_id = ")
                .push_bind(t.id)
                .push(")");
        }
    }
}

/// Every BLKK expected to send `t` for `period` in all `scopes`, each with its report if
/// it has one (`r`), as a `FROM ... WHERE ...` to select from; `join` adds a table.
pub(crate) fn expected_from(t: &ReportType, period: &str, scopes: &[Scope], join: &str) -> Sql {
    let mut sql =
        Sql::new(" FROM centres c LEFT JOIN reports r ON r.centre_id = c.org_id AND r.type_id = ");
    sql.push_bind(t.id)
        .push(" AND r.period = ")
        .push_bind(period)
        .push(" ")
        .push(join)
        .push(" WHERE 1 = 1");
    push_audience(&mut sql, t);
    sql.scoped_all(scopes, &On::CENTRES);
    sql
}

/// The report types a BLKK must send (active ones whose audience includes it).
pub async fn types_for(db: &Db, centre_id: i64) -> Result<Vec<ReportType>, StoreError> {
    let mut out = Vec::new();
    for t in types(db).await?.into_iter().filter(|t| t.active) {
        let mut sql = Sql::new("SELECT c.org_id FROM centres c WHERE c.org_id = ");
        sql.push_bind(centre_id);
        push_audience(&mut sql, &t);
        if db.fetch_optional::<(i64,)>(sql).await?.is_some() {
            out.push(t);
        }
    }
    Ok(out)
}
