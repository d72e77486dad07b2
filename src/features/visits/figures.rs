//! The figures of monitoring, kept in the figures layer ([`crate::kernel::figures`]): open
//! follow-up actions, by the month they fall due, at every node of the place their BLKK had
//! when they were agreed. They change in the transaction that agrees, answers, closes or
//! reopens an action; "overdue" is the open ones due before today.

use time::Date;

use super::model::ActionStatus;
use crate::kernel::access::{CentreFacts, Scope};
use crate::kernel::db::{Db, Dialect, Sql, StoreError, Tx};
use crate::kernel::figures::{self, Delta, Figure, Kind, Source, Unit, node_rows};
use crate::kernel::period::{Frequency, Period};

/// No action falls due before the first BLKK (2017).
const FIRST_YEAR: i32 = 2017;

/// Open follow-up actions (not answered, not closed), by the month they fall due.
pub const OPEN: &str = "visits.actions_open";

pub const FIGURES: &[Figure] = &[Figure {
    code: OPEN,
    param: None,
    label_id: "Tindak lanjut terbuka",
    label_en: "Open follow-up actions",
    definition_id: "Tindak lanjut temuan monitoring yang belum dijawab dan belum ditutup, \
                    menurut bulan tenggatnya.",
    definition_en: "Follow-up actions of monitoring findings not yet answered nor closed, by \
                    the month they fall due.",
    unit: Unit::Count,
    kind: Kind::Flow,
    source: "visits",
}];

fn recount(_: Dialect) -> Vec<String> {
    vec![node_rows(
        &format!(
            "SELECT '{OPEN}' AS code, SUBSTR(CAST(due_date AS TEXT), 1, 7) AS period, \
             {{node}} AS node, CAST(COUNT(*) AS BIGINT) AS value FROM visit_actions \
             WHERE status = 'terbuka'{{and}} \
             GROUP BY SUBSTR(CAST(due_date AS TEXT), 1, 7){{group}}"
        ),
        "province_code",
        "regency_code",
        "pembina_id",
        "centre_id",
    )]
}

pub fn source() -> Source {
    Source {
        figures: FIGURES,
        prefix: "visits.",
        recount,
    }
}

/// The month an action due on `day` counts in.
pub fn month(day: Date) -> String {
    Period::containing(Frequency::Bulanan, day).to_string()
}

#[derive(sqlx::FromRow)]
struct Counted {
    centre_id: i64,
    pembina_id: i64,
    province_code: String,
    regency_code: String,
    due_date: Date,
}

/// Adds (`sign` 1) or takes away (-1) the open actions whose `column` is `id`.
async fn add(tx: &mut Tx, column: &str, id: i64, sign: i64) -> Result<(), StoreError> {
    let sql = Sql::new(format!(
        "SELECT centre_id, pembina_id, province_code, regency_code, due_date FROM visit_actions \
         WHERE {column} = $1"
    ))
    .arg(id);
    let rows: Vec<Counted> = tx.fetch_all(sql).await?;
    let mut d = Delta::default();
    for r in rows {
        let place = CentreFacts {
            id: r.centre_id,
            pembina_id: Some(r.pembina_id),
            province_code: r.province_code,
            regency_code: r.regency_code,
            forum_ids: Vec::new(),
        };
        d.add(OPEN, &month(r.due_date), &place, sign);
    }
    d.apply(tx).await
}

/// Counts the actions just agreed for a finding (all open).
pub async fn keep_finding(tx: &mut Tx, finding_id: i64) -> Result<(), StoreError> {
    add(tx, "finding_id", finding_id, 1).await
}

/// Keeps the figures of an action whose status moved from `from` to `to`.
pub async fn keep_action(
    tx: &mut Tx,
    id: i64,
    from: ActionStatus,
    to: ActionStatus,
) -> Result<(), StoreError> {
    let open = |s| i64::from(s == ActionStatus::Terbuka);
    let sign = open(to) - open(from);
    if sign == 0 {
        return Ok(());
    }
    add(tx, "id", id, sign).await
}

/// Open actions of `scope` due before `day`, from the kept figures: every month before
/// this one (one kept row each), and this month's read by index (a few rows). `None` for a
/// forum, whose members' actions are counted from the records.
pub async fn overdue(db: &Db, scope: &Scope, day: Date) -> Result<Option<i64>, StoreError> {
    let column = match scope {
        Scope::All => None,
        Scope::Region(a) if a.len() == 2 => Some("province_code"),
        Scope::Region(_) => Some("regency_code"),
        Scope::Pembina(_) => Some("pembina_id"),
        Scope::Centre(_) => Some("centre_id"),
        Scope::Forum(_) | Scope::Nothing => return Ok(None),
    };
    let Some(node) = figures::node(scope) else {
        return Ok(None);
    };
    let this_month = Period::containing(Frequency::Bulanan, day);
    let mut months = Vec::new();
    let mut p = this_month.previous();
    while p.year >= FIRST_YEAR {
        months.push(p.to_string());
        p = p.previous();
    }
    let earlier: i64 = figures::values(db, &[OPEN.to_owned()], &months, &[node])
        .await?
        .iter()
        .map(|v| v.value)
        .sum();
    let mut sql = Sql::new(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM visit_actions WHERE status = 'terbuka' \
         AND due_date >= ",
    );
    sql.push_bind(this_month.start())
        .push(" AND due_date < ")
        .push_bind(day);
    if let Some(c) = column {
        sql.push(&format!(" AND {c} = "));
        match scope {
            Scope::Region(a) => sql.push_bind(a.as_str()),
            Scope::Pembina(id) | Scope::Centre(id) => sql.push_bind(*id),
            _ => &mut sql,
        };
    }
    let (now,): (i64,) = db.fetch_one(sql).await?;
    Ok(Some(earlier + now))
}
