//! Aid programs in the database: programs with their obligations, allocations in a user's
//! scope, and what each allocation realised (by the BLKK's own indexes).

use time::OffsetDateTime;

use super::model::{
    AidKind, Allocation, AllocationRealisation, AllocationRecord, Program, ProgramRecord,
};
use crate::kernel::access::Scope;
use crate::kernel::db::{Arg, Db, Sql, StoreError, Tx};
use crate::kernel::scope::On;

/// Aid allocations, by their BLKK.
pub const ALLOCATIONS: On = On {
    name: "aid allocations",
    from: "aid_allocations x JOIN centres c ON c.org_id = x.centre_id",
    centre: "x.centre_id",
    province: "c.province_code",
    regency: "c.regency_code",
    pembina: Some("c.pembina_id"),
};

#[derive(sqlx::FromRow)]
struct ProgramRow {
    id: i64,
    name: String,
    kind: AidKind,
    budget_year: i64,
    area_code: Option<String>,
    description: String,
    area_name: Option<String>,
    allocations: i64,
    allocated_rupiah: i64,
    created_at: OffsetDateTime,
}

const PROGRAM_SELECT: &str = "SELECT p.id, p.name, p.kind, p.budget_year, p.area_code, \
    p.description, a.name AS area_name, \
    (SELECT COUNT(*) FROM aid_allocations x WHERE x.program_id = p.id) AS allocations, \
    (SELECT CAST(COALESCE(SUM(x.amount_rupiah), 0) AS BIGINT) FROM aid_allocations x \
    WHERE x.program_id = p.id) AS allocated_rupiah, p.created_at \
    FROM aid_programs p LEFT JOIN areas a ON a.code = p.area_code";

async fn with_obligations(db: &Db, r: ProgramRow) -> Result<ProgramRecord, StoreError> {
    let types: Vec<(i64,)> = db
        .fetch_all(
            Sql::new(
                "SELECT type_id FROM aid_program_obligations WHERE program_id = $1 \
                 ORDER BY type_id",
            )
            .arg(r.id),
        )
        .await?;
    Ok(ProgramRecord {
        id: r.id,
        program: Program {
            name: r.name,
            kind: r.kind,
            budget_year: r.budget_year,
            area_code: r.area_code,
            description: r.description,
            obligations: types.into_iter().map(|(t,)| t).collect(),
        },
        area_name: r.area_name,
        allocations: r.allocations,
        allocated_rupiah: r.allocated_rupiah,
        created_at: r.created_at,
    })
}

/// Programs, the latest budget year first.
pub async fn programs(db: &Db) -> Result<Vec<ProgramRecord>, StoreError> {
    let rows: Vec<ProgramRow> = db
        .fetch_all(Sql::new(format!(
            "{PROGRAM_SELECT} ORDER BY p.budget_year DESC, p.name LIMIT 500"
        )))
        .await?;
    let mut out = Vec::new();
    for r in rows {
        out.push(with_obligations(db, r).await?);
    }
    Ok(out)
}

pub async fn program(db: &Db, id: i64) -> Result<Option<ProgramRecord>, StoreError> {
    let row: Option<ProgramRow> = db
        .fetch_optional(Sql::new(format!("{PROGRAM_SELECT} WHERE p.id = $1")).arg(id))
        .await?;
    match row {
        Some(r) => Ok(Some(with_obligations(db, r).await?)),
        None => Ok(None),
    }
}

/// Which of `ids` are report types.
pub async fn known_types(db: &Db, ids: &[i64]) -> Result<Vec<i64>, StoreError> {
    let mut sql = Sql::new("SELECT id FROM report_types WHERE id IN ");
    sql.push_list(ids.iter().copied());
    let rows: Vec<(i64,)> = db.fetch_all(sql).await?;
    Ok(rows.into_iter().map(|(i,)| i).collect())
}

/// Whether an area code exists.
pub async fn area_exists(db: &Db, code: &str) -> Result<bool, StoreError> {
    let row: Option<(String,)> = db
        .fetch_optional(Sql::new("SELECT code FROM areas WHERE code = $1").arg(code))
        .await?;
    Ok(row.is_some())
}

pub async fn insert_program(
    tx: &mut Tx,
    p: &Program,
    now: OffsetDateTime,
) -> Result<i64, StoreError> {
    let mut sql = Sql::insert(
        "aid_programs",
        vec![
            ("name", p.name.as_str().into()),
            ("kind", p.kind.as_str().into()),
            ("budget_year", p.budget_year.into()),
            ("area_code", p.area_code.as_deref().into()),
            ("description", p.description.as_str().into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ],
    );
    sql.push(" RETURNING id");
    let (id,): (i64,) = tx.fetch_one(sql).await?;
    if !p.obligations.is_empty() {
        let mut sql = Sql::new("INSERT INTO aid_program_obligations (program_id, type_id) VALUES ");
        sql.push_rows(p.obligations.iter().map(|t| [Arg::from(id), Arg::from(*t)]));
        tx.execute(sql).await?;
    }
    Ok(id)
}

pub async fn insert_allocation(
    tx: &mut Tx,
    program: i64,
    a: &Allocation,
    now: OffsetDateTime,
) -> Result<i64, StoreError> {
    let mut sql = Sql::insert(
        "aid_allocations",
        vec![
            ("program_id", program.into()),
            ("centre_id", a.centre_id.into()),
            ("amount_rupiah", a.amount_rupiah.into()),
            ("packages", a.packages.into()),
            ("trainees_target", a.trainees_target.into()),
            ("kejuruan", a.kejuruan.as_str().into()),
            ("created_at", now.into()),
        ],
    );
    sql.push(" RETURNING id");
    let (id,): (i64,) = tx.fetch_one(sql).await?;
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct AllocationRow {
    id: i64,
    program_id: i64,
    centre_id: i64,
    amount_rupiah: i64,
    packages: i64,
    trainees_target: i64,
    kejuruan: String,
    centre_name: String,
    province_code: String,
}

/// A page of a program's allocations to BLKK in `scope`, by BLKK name, and how many
/// there are.
pub async fn allocations(
    db: &Db,
    program: i64,
    scope: &Scope,
    limit: i64,
    offset: i64,
) -> Result<(Vec<(i64, Allocation, String, String, i64)>, i64), StoreError> {
    let mut count = Sql::new(
        "SELECT COUNT(*) FROM aid_allocations x JOIN centres c ON c.org_id = x.centre_id \
         WHERE x.program_id = ",
    );
    count.push_bind(program);
    count.scoped(scope, &ALLOCATIONS);
    let (total,): (i64,) = db.fetch_one(count).await?;
    let mut sql = Sql::new(
        "SELECT x.id, x.program_id, x.centre_id, x.amount_rupiah, x.packages, \
         x.trainees_target, x.kejuruan, o.name AS centre_name, c.province_code \
         FROM aid_allocations x JOIN centres c ON c.org_id = x.centre_id \
         JOIN orgs o ON o.id = x.centre_id WHERE x.program_id = ",
    );
    sql.push_bind(program);
    sql.scoped(scope, &ALLOCATIONS);
    sql.push(" ORDER BY o.name_key, x.id LIMIT ")
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
    let rows: Vec<AllocationRow> = db.fetch_all(sql).await?;
    let list = rows
        .into_iter()
        .map(|r| {
            (
                r.id,
                Allocation {
                    centre_id: r.centre_id,
                    amount_rupiah: r.amount_rupiah,
                    packages: r.packages,
                    trainees_target: r.trainees_target,
                    kejuruan: r.kejuruan,
                },
                r.centre_name,
                r.province_code,
                r.program_id,
            )
        })
        .collect();
    Ok((list, total))
}

/// What each of `allocations` (of program `p`) realised, in their order: the BLKK's batches
/// funded as the program's kind in its budget year (and kejuruan), their trainees and
/// graduates, the obligations' reports sent for the year's periods, and the visits about
/// the program done. Three grouped reads for all of them, whatever their number.
pub async fn realisations(
    db: &Db,
    p: &ProgramRecord,
    allocations: &[Allocation],
) -> Result<Vec<AllocationRealisation>, StoreError> {
    let mut out = vec![AllocationRealisation::default(); allocations.len()];
    if allocations.is_empty() {
        return Ok(out);
    }
    let mut centres: Vec<i64> = allocations.iter().map(|a| a.centre_id).collect();
    centres.sort_unstable();
    centres.dedup();
    let funding = match p.program.kind {
        AidKind::Pbk => "pbk",
        _ => "",
    };
    let year = i32::try_from(p.program.budget_year).unwrap_or(2000);
    let year_start =
        time::Date::from_calendar_date(year, time::Month::January, 1).unwrap_or(time::Date::MIN);
    let year_end =
        time::Date::from_calendar_date(year, time::Month::December, 31).unwrap_or(time::Date::MIN);
    if !funding.is_empty() {
        let mut sql = Sql::new(
            "SELECT t.centre_id, t.kejuruan, CAST(COUNT(DISTINCT t.id) AS BIGINT), \
             CAST(COUNT(e.id) AS BIGINT), \
             CAST(COUNT(CASE WHEN e.result IN ('kompeten', 'belum_kompeten') THEN 1 END) AS BIGINT) \
             FROM trainings t LEFT JOIN enrolments e ON e.training_id = t.id \
             WHERE t.centre_id IN ",
        );
        sql.push_list(centres.iter().copied())
            .push(" AND t.start_date BETWEEN ")
            .push_bind(year_start)
            .push(" AND ")
            .push_bind(year_end)
            .push(" AND t.funding = ")
            .push_bind(funding)
            .push(" GROUP BY t.centre_id, t.kejuruan");
        let rows: Vec<(i64, String, i64, i64, i64)> = db.fetch_all(sql).await?;
        for (a, r) in allocations.iter().zip(out.iter_mut()) {
            for (_, _, batches, trainees, graduated) in rows.iter().filter(|(c, k, ..)| {
                *c == a.centre_id && (a.kejuruan.is_empty() || *k == a.kejuruan)
            }) {
                r.batches += batches;
                r.trainees += trainees;
                r.graduated += graduated;
            }
        }
    }
    if !p.program.obligations.is_empty() {
        let mut sql = Sql::new(
            "SELECT r.centre_id, CAST(COUNT(*) AS BIGINT) FROM reports r WHERE r.centre_id IN ",
        );
        sql.push_list(centres.iter().copied())
            .push(" AND r.status IN ('submitted', 'verified') AND r.period LIKE ")
            .push_bind(format!("{}%", p.program.budget_year))
            .push(" AND r.type_id IN ");
        sql.push_list(p.program.obligations.iter().copied());
        sql.push(" GROUP BY r.centre_id");
        let rows: Vec<(i64, i64)> = db.fetch_all(sql).await?;
        for (a, r) in allocations.iter().zip(out.iter_mut()) {
            r.reports_sent = rows
                .iter()
                .find(|(c, _)| *c == a.centre_id)
                .map_or(0, |(_, n)| *n);
        }
    }
    let mut sql =
        Sql::new("SELECT centre_id, CAST(COUNT(*) AS BIGINT) FROM visits WHERE aid_program_id = ");
    sql.push_bind(p.id)
        .push(" AND status = 'selesai' AND centre_id IN ");
    sql.push_list(centres.iter().copied());
    sql.push(" GROUP BY centre_id");
    let rows: Vec<(i64, i64)> = db.fetch_all(sql).await?;
    for (a, r) in allocations.iter().zip(out.iter_mut()) {
        r.visits_done = rows
            .iter()
            .find(|(c, _)| *c == a.centre_id)
            .map_or(0, |(_, n)| *n);
    }
    Ok(out)
}

/// Records an allocation with its realisation and how it lags `elapsed` (the share of its
/// budget year gone).
pub fn record(
    id: i64,
    program_id: i64,
    allocation: Allocation,
    centre_name: String,
    province_code: String,
    realisation: AllocationRealisation,
    elapsed: f64,
) -> AllocationRecord {
    let lag = super::model::lag(elapsed, &allocation, &realisation);
    AllocationRecord {
        id,
        program_id,
        allocation,
        centre_name,
        province_code,
        realisation,
        behind: lag.is_some_and(|l| l >= super::model::BEHIND_POINTS),
        lag,
    }
}

/// `(id, "name (year)")` of those of `ids` that are programs.
pub async fn names(db: &Db, ids: &[i64]) -> Result<Vec<(i64, String)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT id, name || ' (' || CAST(budget_year AS TEXT) || ')' FROM aid_programs WHERE id IN ",
    );
    sql.push_list(ids.iter().copied());
    db.fetch_all(sql).await
}

/// This year's PBK allocations whose BLKK has not started a PBK batch of the year.
pub async fn allocations_without_batch(db: &Db, year: i64) -> Result<i64, StoreError> {
    let (n,): (i64,) = db
        .fetch_one(
            Sql::new(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM aid_programs p \
                 JOIN aid_allocations al ON al.program_id = p.id \
                 WHERE p.budget_year = $1 AND p.kind = 'pbk' AND NOT EXISTS \
                 (SELECT 1 FROM trainings t WHERE t.centre_id = al.centre_id \
                 AND t.year = p.budget_year AND t.funding = 'pbk')",
            )
            .arg(year),
        )
        .await?;
    Ok(n)
}
