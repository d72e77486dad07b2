//! Reports in the database: their values and narrative, status, versions, the list, and
//! the figures a report is prefilled from.

use std::collections::BTreeMap;

use time::{Date, OffsetDateTime};

use super::model::{Line, Narrative, ReportHead, ReportStatus, Stored};
use crate::features::reports::types::model::Source;
use crate::kernel::access::Scope;
use crate::kernel::db::{Arg, Db, Dialect, Sql, StoreError, Tx};
use crate::kernel::scope::On;

/// Reports, by where their BLKK is now.
pub const REPORTS: On = On {
    name: "reports",
    from: "reports r JOIN centres c ON c.org_id = r.centre_id",
    centre: "r.centre_id",
    province: "c.province_code",
    regency: "c.regency_code",
    pembina: Some("c.pembina_id"),
};

const HEAD_SELECT: &str = "SELECT r.id, r.type_id, t.name_id AS type_name, r.centre_id, \
    o.name AS centre_name, r.period, r.due_date, r.closes_date, r.status, r.version, \
    r.submitted_at, r.on_time, r.verified_at, r.pembina_id, r.province_code, r.regency_code \
    FROM reports r JOIN report_types t ON t.id = r.type_id JOIN orgs o ON o.id = r.centre_id";

pub async fn head(db: &Db, id: i64) -> Result<Option<ReportHead>, StoreError> {
    db.fetch_optional(Sql::new(format!("{HEAD_SELECT} WHERE r.id = $1")).arg(id))
        .await
}

pub async fn head_in(tx: &mut Tx, id: i64) -> Result<Option<ReportHead>, StoreError> {
    tx.fetch_optional(Sql::new(format!("{HEAD_SELECT} WHERE r.id = $1")).arg(id))
        .await
}

pub async fn find(
    db: &Db,
    type_id: i64,
    centre_id: i64,
    period: &str,
) -> Result<Option<i64>, StoreError> {
    let row: Option<(i64,)> = db
        .fetch_optional(
            Sql::new(
                "SELECT id FROM reports WHERE type_id = $1 AND centre_id = $2 AND period = $3",
            )
            .arg(type_id)
            .arg(centre_id)
            .arg(period),
        )
        .await?;
    Ok(row.map(|(id,)| id))
}

/// A new report's fixed facts.
pub struct NewReport<'a> {
    pub type_id: i64,
    pub centre_id: i64,
    pub period: &'a str,
    pub period_start: Date,
    pub period_end: Date,
    pub due_date: Date,
    pub closes_date: Date,
    pub province_code: &'a str,
    pub regency_code: &'a str,
    pub pembina_id: Option<i64>,
}

/// Inserts a draft, or does nothing when the BLKK already has that report (two people
/// opening it at once get the same one). Answers the id and whether it was inserted.
pub async fn insert_report(
    tx: &mut Tx,
    r: &NewReport<'_>,
    now: OffsetDateTime,
) -> Result<(i64, bool), StoreError> {
    let mut sql = Sql::insert(
        "reports",
        vec![
            ("type_id", r.type_id.into()),
            ("centre_id", r.centre_id.into()),
            ("period", r.period.into()),
            ("period_start", r.period_start.into()),
            ("period_end", r.period_end.into()),
            ("due_date", r.due_date.into()),
            ("closes_date", r.closes_date.into()),
            ("province_code", r.province_code.into()),
            ("regency_code", r.regency_code.into()),
            ("pembina_id", r.pembina_id.into()),
            ("status", ReportStatus::Draft.as_str().into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ],
    );
    sql.push(" ON CONFLICT (type_id, centre_id, period) DO NOTHING");
    let inserted = tx.execute(sql).await? == 1;
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "SELECT id FROM reports WHERE type_id = $1 AND centre_id = $2 AND period = $3",
            )
            .arg(r.type_id)
            .arg(r.centre_id)
            .arg(r.period),
        )
        .await?;
    Ok((id, inserted))
}

#[derive(sqlx::FromRow)]
struct LineRow {
    code: String,
    num: Option<i64>,
    txt: Option<String>,
    computed: Option<i64>,
    reason: String,
}

/// A report's stored lines by indicator code, and its narrative.
pub async fn lines(db: &Db, id: i64) -> Result<(BTreeMap<String, Line>, Narrative), StoreError> {
    let rows: Vec<LineRow> = db
        .fetch_all(
            Sql::new(
                "SELECT code, num, txt, computed, reason FROM report_values WHERE report_id = $1",
            )
            .arg(id),
        )
        .await?;
    let (narrative,): (String,) = db
        .fetch_one(Sql::new("SELECT narrative FROM reports WHERE id = $1").arg(id))
        .await?;
    let narrative = serde_json::from_str(&narrative).unwrap_or_default();
    let lines = rows
        .into_iter()
        .map(|r| {
            let value = match (r.num, r.txt) {
                (Some(n), _) => Some(Stored::Number(n)),
                (None, Some(t)) => Some(Stored::Text(t)),
                _ => None,
            };
            (
                r.code,
                Line {
                    value,
                    computed: r.computed.map(Stored::Number),
                    reason: r.reason,
                },
            )
        })
        .collect();
    Ok((lines, narrative))
}

/// Replaces a report's lines and narrative if its version is still `version`, and counts
/// the change. `false` when someone else changed it first.
pub async fn save(
    tx: &mut Tx,
    id: i64,
    version: i64,
    lines: &BTreeMap<String, Line>,
    narrative: &Narrative,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let narrative = serde_json::to_string(narrative)
        .map_err(|e| StoreError::Data(format!("narrative: {e}")))?;
    let changed = tx
        .execute(
            Sql::new(
                "UPDATE reports SET narrative = $1, version = version + 1, updated_at = $2 \
                 WHERE id = $3 AND version = $4",
            )
            .arg(narrative.as_str())
            .arg(now)
            .arg(id)
            .arg(version),
        )
        .await?;
    if changed == 0 {
        return Ok(false);
    }
    tx.execute(Sql::new("DELETE FROM report_values WHERE report_id = $1").arg(id))
        .await?;
    let rows: Vec<[Arg; 6]> = lines
        .iter()
        .filter(|(_, l)| l.value.is_some() || l.computed.is_some())
        .map(|(code, l)| {
            let (num, txt) = match &l.value {
                Some(Stored::Number(n)) => (Some(*n), None),
                Some(Stored::Text(t)) => (None, Some(t.as_str())),
                None => (None, None),
            };
            let computed = match &l.computed {
                Some(Stored::Number(n)) => Some(*n),
                _ => None,
            };
            [
                Arg::from(id),
                Arg::from(code.as_str()),
                Arg::from(num),
                Arg::from(txt),
                Arg::from(computed),
                Arg::from(l.reason.as_str()),
            ]
        })
        .collect();
    if !rows.is_empty() {
        let mut sql = Sql::new(
            "INSERT INTO report_values (report_id, code, num, txt, computed, reason) VALUES ",
        );
        sql.push_rows(rows);
        tx.execute(sql).await?;
    }
    Ok(true)
}

/// Moves a report from one of `from` to `status` if its version is still `version`;
/// `columns` are set too. `false` when someone else changed it first.
pub async fn set_status(
    tx: &mut Tx,
    id: i64,
    version: i64,
    from: &[ReportStatus],
    status: ReportStatus,
    mut columns: crate::kernel::db::Columns,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    columns.push(("status", status.as_str().into()));
    columns.push(("updated_at", now.into()));
    let mut sql = Sql::update("reports", columns);
    sql.push(", version = version + 1 WHERE id = ")
        .push_bind(id)
        .push(" AND version = ")
        .push_bind(version)
        .push(" AND status IN ");
    sql.push_list(from.iter().map(|s| s.as_str()));
    Ok(tx.execute(sql).await? == 1)
}

pub async fn insert_version(
    tx: &mut Tx,
    id: i64,
    body: &serde_json::Value,
    by: i64,
    now: OffsetDateTime,
) -> Result<i64, StoreError> {
    let (n,): (i64,) = tx
        .fetch_one(
            Sql::new("SELECT COALESCE(MAX(n), 0) + 1 FROM report_versions WHERE report_id = $1")
                .arg(id),
        )
        .await?;
    tx.execute(
        Sql::new(
            "INSERT INTO report_versions (report_id, n, body, submitted_at, submitted_by) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .arg(id)
        .arg(n)
        .arg(body.to_string().as_str())
        .arg(now)
        .arg(by),
    )
    .await?;
    Ok(n)
}

/// How many times a report was sent.
pub async fn versions(db: &Db, id: i64) -> Result<i64, StoreError> {
    let (n,): (i64,) = db
        .fetch_one(Sql::new("SELECT COUNT(*) FROM report_versions WHERE report_id = $1").arg(id))
        .await?;
    Ok(n)
}

/// Whether a report was reopened (it may then be sent after its period closed).
pub async fn reopened(db: &Db, id: i64) -> Result<bool, StoreError> {
    let (r,): (bool,) = db
        .fetch_one(Sql::new("SELECT reopened FROM reports WHERE id = $1").arg(id))
        .await?;
    Ok(r)
}

/// Filters of the report list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub centre: Option<i64>,
    pub type_id: Option<i64>,
    pub period: Option<String>,
    pub status: Option<ReportStatus>,
}

/// Reports in `scope`, newest period first.
pub async fn list(
    db: &Db,
    f: &ListFilter,
    scope: &Scope,
    limit: i64,
    offset: i64,
) -> Result<(Vec<ReportHead>, i64), StoreError> {
    let filtered = |select: &str| {
        // Where the BLKK is now (it may have moved since a report was opened).
        let mut sql = Sql::new(select);
        sql.push(" JOIN centres c ON c.org_id = r.centre_id WHERE 1 = 1");
        sql.scoped(scope, &REPORTS);
        if let Some(c) = f.centre {
            sql.push(" AND r.centre_id = ").push_bind(c);
        }
        if let Some(t) = f.type_id {
            sql.push(" AND r.type_id = ").push_bind(t);
        }
        if let Some(p) = &f.period {
            sql.push(" AND r.period = ").push_bind(p.as_str());
        }
        if let Some(s) = f.status {
            sql.push(" AND r.status = ").push_bind(s.as_str());
        }
        sql
    };
    let (total,): (i64,) = db
        .fetch_one(filtered("SELECT COUNT(*) FROM reports r"))
        .await?;
    let mut sql = filtered(HEAD_SELECT);
    sql.push(" ORDER BY r.period_start DESC, r.id DESC LIMIT ")
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
    Ok((db.fetch_all(sql).await?, total))
}

/// `(id, "type period · BLKK")` of those of `ids` that exist.
pub async fn names(db: &Db, ids: &[i64]) -> Result<Vec<(i64, String)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT r.id, t.name_id || ' ' || r.period || ' · ' || o.name FROM reports r \
         JOIN report_types t ON t.id = r.type_id JOIN orgs o ON o.id = r.centre_id WHERE r.id IN ",
    );
    sql.push_list(ids.iter().copied());
    db.fetch_all(sql).await
}

// ---- Comments and attachments --------------------------------------------------------

/// A report's status, read inside the transaction that changes what hangs on it and held
/// until it ends (PostgreSQL: `FOR UPDATE`; SQLite writes one at a time): a report being
/// sent meanwhile waits, so no file comes or goes once it is locked.
pub async fn status_in(tx: &mut Tx, id: i64) -> Result<Option<ReportStatus>, StoreError> {
    let hold = match tx.dialect() {
        Dialect::Postgres => " FOR UPDATE",
        Dialect::Sqlite => "",
    };
    let row: Option<(ReportStatus,)> = tx
        .fetch_optional(Sql::new(format!("SELECT status FROM reports WHERE id = $1{hold}")).arg(id))
        .await?;
    Ok(row.map(|(s,)| s))
}

// ---- What the records say ------------------------------------------------------------

/// The figures a BLKK's records give for a period, by source (a percent in hundredths;
/// no response rate when there was no graduate to trace). Each query walks the BLKK's own
/// batches (indexed by BLKK and start date), a few hundred rows in ten years.
pub async fn computed(
    db: &Db,
    centre_id: i64,
    start: Date,
    end: Date,
    traced_since: Date,
) -> Result<BTreeMap<Source, i64>, StoreError> {
    let mut out = BTreeMap::new();
    let (held,): (i64,) = db
        .fetch_one(
            Sql::new(
                "SELECT COUNT(*) FROM trainings WHERE centre_id = $1 \
                 AND start_date <= $3 AND end_date >= $2",
            )
            .arg(centre_id)
            .arg(start)
            .arg(end),
        )
        .await?;
    out.insert(Source::BatchesHeld, held);
    let (trainees,): (i64,) = db
        .fetch_one(
            Sql::new(
                "SELECT COUNT(*) FROM trainings t JOIN enrolments e ON e.training_id = t.id \
                 WHERE t.centre_id = $1 AND t.start_date BETWEEN $2 AND $3",
            )
            .arg(centre_id)
            .arg(start)
            .arg(end),
        )
        .await?;
    out.insert(Source::Trainees, trainees);
    for s in [
        Source::GraduatesKompeten,
        Source::GraduatesBelumKompeten,
        Source::Withdrawn,
        Source::PlacedBekerja,
        Source::PlacedWirausaha,
    ] {
        out.insert(s, 0);
    }
    let results: Vec<(String, i64)> = db
        .fetch_all(
            Sql::new(
                "SELECT e.result, COUNT(*) FROM trainings t \
                 JOIN enrolments e ON e.training_id = t.id WHERE t.centre_id = $1 \
                 AND t.start_date <= $3 AND t.end_date BETWEEN $2 AND $3 \
                 AND e.result IS NOT NULL GROUP BY e.result",
            )
            .arg(centre_id)
            .arg(start)
            .arg(end),
        )
        .await?;
    for (result, n) in results {
        let source = match result.as_str() {
            "kompeten" => Source::GraduatesKompeten,
            "belum_kompeten" => Source::GraduatesBelumKompeten,
            _ => Source::Withdrawn,
        };
        out.insert(source, n);
    }
    let placed: Vec<(String, i64)> = db
        .fetch_all(
            Sql::new(
                "SELECT o.status, COUNT(DISTINCT o.enrolment_id) FROM trainings t \
                 JOIN enrolments e ON e.training_id = t.id \
                 JOIN outcomes o ON o.enrolment_id = e.id WHERE t.centre_id = $1 \
                 AND t.start_date <= $3 AND o.date BETWEEN $2 AND $3 \
                 AND o.status IN ('bekerja', 'wirausaha') GROUP BY o.status",
            )
            .arg(centre_id)
            .arg(start)
            .arg(end),
        )
        .await?;
    for (status, n) in placed {
        let source = if status == "bekerja" {
            Source::PlacedBekerja
        } else {
            Source::PlacedWirausaha
        };
        out.insert(source, n);
    }
    let (graduates, answered): (i64, i64) = db
        .fetch_one(
            Sql::new(
                "SELECT COUNT(*), COUNT(CASE WHEN e.latest_status <> 'tidak_terlacak' THEN 1 END) \
                 FROM trainings t \
                 JOIN enrolments e ON e.training_id = t.id WHERE t.centre_id = $1 \
                 AND t.start_date <= $3 AND t.end_date > $2 AND t.end_date <= $3 \
                 AND e.result IN ('kompeten', 'belum_kompeten')",
            )
            .arg(centre_id)
            .arg(traced_since)
            .arg(end),
        )
        .await?;
    if graduates > 0 {
        out.insert(
            Source::TracerResponseRate,
            (answered * 10_000 + graduates / 2) / graduates,
        );
    }
    // Income recorded for the period's months (by the BLKK-and-month key).
    let month = |d: Date| format!("{:04}-{:02}", d.year(), d.month() as u8);
    let (recorded, own, total): (i64, i64, i64) = db
        .fetch_one(
            Sql::new(
                "SELECT COUNT(*), CAST(COALESCE(SUM(own), 0) AS BIGINT), \
                 CAST(COALESCE(SUM(total), 0) AS BIGINT) FROM income_months \
                 WHERE centre_id = $1 AND month BETWEEN $2 AND $3",
            )
            .arg(centre_id)
            .arg(month(start))
            .arg(month(end)),
        )
        .await?;
    if recorded > 0 {
        out.insert(Source::IncomeOwn, own);
        out.insert(Source::IncomeTotal, total);
    }
    let (active,): (i64,) = db
        .fetch_one(
            Sql::new(
                // From the BLKK's own memberships (CROSS JOIN keeps SQLite from starting
                // at every active agreement of the country).
                "SELECT COUNT(*) FROM partnership_members m CROSS JOIN partnerships p \
                 WHERE p.id = m.partnership_id AND m.centre_id = $1 AND p.status = 'aktif' \
                 AND p.start_date <= $2 AND p.end_date >= $2",
            )
            .arg(centre_id)
            .arg(end),
        )
        .await?;
    out.insert(Source::PartnershipsActive, active);
    let (open,): (i64,) = db
        .fetch_one(
            Sql::new(
                "SELECT COUNT(*) FROM visit_actions WHERE centre_id = $1 \
                 AND created_at < $2 AND (closed_at IS NULL OR closed_at >= $2)",
            )
            .arg(centre_id)
            .arg(
                (end + time::Duration::days(1))
                    .midnight()
                    .assume_offset(crate::kernel::time::Zone::Wib.offset()),
            ),
        )
        .await?;
    out.insert(Source::OpenActions, open);
    Ok(out)
}
