//! Visits in the database: the instrument, visits in a user's scope (by the BLKK and
//! UPTP indexes), findings and their actions, and the open and overdue actions.

use std::collections::BTreeMap;

use time::{Date, OffsetDateTime};

use super::model::{ActionDraft, ActionRecord, ActionStatus, Question, Severity, VisitRecord};
use crate::kernel::access::Scope;
use crate::kernel::db::{Db, Sql, StoreError, Tx};
use crate::kernel::scope::On;

/// Visits, by where their BLKK is now.
pub const VISITS: On = On {
    name: "visits",
    from: "visits v JOIN centres c ON c.org_id = v.centre_id",
    centre: "v.centre_id",
    province: "c.province_code",
    regency: "c.regency_code",
    pembina: Some("c.pembina_id"),
};

/// Follow-up actions, by where their BLKK is now.
pub const ACTIONS: On = On {
    name: "follow-up actions",
    from: "visit_actions a JOIN centres c ON c.org_id = a.centre_id",
    centre: "a.centre_id",
    province: "c.province_code",
    regency: "c.regency_code",
    pembina: Some("c.pembina_id"),
};

pub async fn questions(db: &Db) -> Result<Vec<Question>, StoreError> {
    db.fetch_all(Sql::new(
        "SELECT code, label_id, label_en, kind FROM visit_questions ORDER BY sort, id",
    ))
    .await
}

fn visit_select(today: Date) -> Sql {
    let mut sql = Sql::new(
        "SELECT v.id, v.centre_id, co.name AS centre_name, v.pembina_id, \
         po.name AS pembina_name, v.aid_program_id, ap.name AS aid_program_name, v.purpose, \
         v.planned_date, v.visited_date, v.status, v.answers AS answers_json, v.summary, \
         (SELECT COUNT(*) FROM visit_actions a WHERE a.visit_id = v.id \
         AND a.status <> 'selesai') AS open_actions, \
         (SELECT COUNT(*) FROM visit_actions a WHERE a.visit_id = v.id \
         AND a.status <> 'selesai' AND a.due_date < ",
    );
    sql.push_bind(today);
    sql.push(
        ") AS overdue_actions, v.version FROM visits v \
         JOIN orgs co ON co.id = v.centre_id JOIN orgs po ON po.id = v.pembina_id \
         LEFT JOIN aid_programs ap ON ap.id = v.aid_program_id \
         JOIN centres c ON c.org_id = v.centre_id WHERE 1 = 1",
    );
    sql
}

fn parsed(mut v: VisitRecord) -> Result<VisitRecord, StoreError> {
    v.answers = serde_json::from_str(&v.answers_json)
        .map_err(|e| StoreError::Data(format!("visits.answers: {e}")))?;
    Ok(v)
}

pub async fn visit(db: &Db, id: i64, today: Date) -> Result<Option<VisitRecord>, StoreError> {
    let mut sql = visit_select(today);
    sql.push(" AND v.id = ").push_bind(id);
    db.fetch_optional::<VisitRecord>(sql)
        .await?
        .map(parsed)
        .transpose()
}

/// A page of visits in `scope` (a BLKK's, a UPTP's, a region's), the latest planned first.
pub async fn visits(
    db: &Db,
    scope: &Scope,
    centre: Option<i64>,
    today: Date,
    limit: i64,
    offset: i64,
) -> Result<(Vec<VisitRecord>, i64), StoreError> {
    let filter = |sql: &mut Sql| {
        sql.scoped(scope, &VISITS);
        if let Some(c) = centre {
            sql.push(" AND v.centre_id = ").push_bind(c);
        }
    };
    let mut count = Sql::new(
        "SELECT COUNT(*) FROM visits v JOIN centres c ON c.org_id = v.centre_id WHERE 1 = 1",
    );
    filter(&mut count);
    let (total,): (i64,) = db.fetch_one(count).await?;
    let mut sql = visit_select(today);
    filter(&mut sql);
    sql.push(" ORDER BY v.planned_date DESC, v.id DESC LIMIT ")
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
    let rows: Vec<VisitRecord> = db.fetch_all(sql).await?;
    Ok((
        rows.into_iter().map(parsed).collect::<Result<_, _>>()?,
        total,
    ))
}

pub struct NewVisitRow<'a> {
    pub centre_id: i64,
    pub pembina_id: i64,
    pub aid_program_id: Option<i64>,
    pub purpose: &'a str,
    pub planned_date: Date,
    pub created_by: i64,
}

pub async fn insert_visit(
    tx: &mut Tx,
    v: &NewVisitRow<'_>,
    now: OffsetDateTime,
) -> Result<i64, StoreError> {
    let mut sql = Sql::insert(
        "visits",
        vec![
            ("centre_id", v.centre_id.into()),
            ("pembina_id", v.pembina_id.into()),
            ("aid_program_id", v.aid_program_id.into()),
            ("purpose", v.purpose.into()),
            ("planned_date", v.planned_date.into()),
            ("status", "rencana".into()),
            ("created_by", v.created_by.into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ],
    );
    sql.push(" RETURNING id");
    let (id,): (i64,) = tx.fetch_one(sql).await?;
    Ok(id)
}

/// Writes what a visit recorded, if it is still at `version`.
#[allow(clippy::too_many_arguments)]
pub async fn update_visit(
    tx: &mut Tx,
    id: i64,
    version: i64,
    visited_date: Option<Date>,
    answers: &str,
    summary: &str,
    status: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let n = tx
        .execute(
            Sql::new(
                "UPDATE visits SET visited_date = $1, answers = $2, summary = $3, status = $4, \
                 updated_at = $5, version = version + 1 WHERE id = $6 AND version = $7",
            )
            .arg(visited_date)
            .arg(answers)
            .arg(summary)
            .arg(status)
            .arg(now)
            .arg(id)
            .arg(version),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_finding(
    tx: &mut Tx,
    visit_id: i64,
    place: &crate::kernel::access::CentreFacts,
    pembina_id: i64,
    text: &str,
    severity: Severity,
    actions: &[ActionDraft],
    by: i64,
    now: OffsetDateTime,
) -> Result<i64, StoreError> {
    let mut sql = Sql::insert(
        "visit_findings",
        vec![
            ("visit_id", visit_id.into()),
            ("text", text.into()),
            ("severity", severity.as_str().into()),
            ("created_by", by.into()),
            ("created_at", now.into()),
        ],
    );
    sql.push(" RETURNING id");
    let (id,): (i64,) = tx.fetch_one(sql).await?;
    for a in actions {
        tx.execute(Sql::insert(
            "visit_actions",
            vec![
                ("finding_id", id.into()),
                ("visit_id", visit_id.into()),
                ("centre_id", place.id.into()),
                ("pembina_id", pembina_id.into()),
                ("province_code", place.province_code.as_str().into()),
                ("regency_code", place.regency_code.as_str().into()),
                ("text", a.text.as_str().into()),
                ("owner", a.owner.as_str().into()),
                ("due_date", a.due_date.into()),
                ("status", "terbuka".into()),
                ("created_at", now.into()),
                ("updated_at", now.into()),
            ],
        ))
        .await?;
    }
    Ok(id)
}

#[derive(sqlx::FromRow)]
pub struct FindingRow {
    pub id: i64,
    pub visit_id: i64,
    pub text: String,
    pub severity: Severity,
    pub created_at: OffsetDateTime,
}

pub async fn findings(db: &Db, visit_id: i64) -> Result<Vec<FindingRow>, StoreError> {
    db.fetch_all(
        Sql::new(
            "SELECT id, visit_id, text, severity, created_at FROM visit_findings \
             WHERE visit_id = $1 ORDER BY id",
        )
        .arg(visit_id),
    )
    .await
}

pub async fn finding(db: &Db, id: i64) -> Result<Option<FindingRow>, StoreError> {
    db.fetch_optional(
        Sql::new(
            "SELECT id, visit_id, text, severity, created_at FROM visit_findings WHERE id = $1",
        )
        .arg(id),
    )
    .await
}

const ACTION_SELECT: &str = "SELECT a.id, a.finding_id, a.visit_id, a.centre_id, \
    o.name AS centre_name, a.pembina_id, a.text, a.owner, a.due_date, a.status, a.response, \
    a.responded_at, a.closed_at, a.version FROM visit_actions a \
    JOIN orgs o ON o.id = a.centre_id JOIN centres c ON c.org_id = a.centre_id";

/// A visit's actions, by finding.
pub async fn actions_of_visit(
    db: &Db,
    visit_id: i64,
) -> Result<BTreeMap<i64, Vec<ActionRecord>>, StoreError> {
    let rows: Vec<ActionRecord> = db
        .fetch_all(
            Sql::new(format!(
                "{ACTION_SELECT} WHERE a.visit_id = $1 ORDER BY a.id"
            ))
            .arg(visit_id),
        )
        .await?;
    let mut out: BTreeMap<i64, Vec<ActionRecord>> = BTreeMap::new();
    for a in rows {
        out.entry(a.finding_id).or_default().push(a);
    }
    Ok(out)
}

pub async fn action(db: &Db, id: i64) -> Result<Option<ActionRecord>, StoreError> {
    db.fetch_optional(Sql::new(format!("{ACTION_SELECT} WHERE a.id = $1")).arg(id))
        .await
}

/// Actions not closed in `scope`, the earliest due first (`overdue`: only those past due).
pub async fn open_actions(
    db: &Db,
    scope: &Scope,
    overdue: bool,
    today: Date,
    limit: i64,
    offset: i64,
) -> Result<(Vec<ActionRecord>, i64), StoreError> {
    let filter = |sql: &mut Sql| {
        sql.push(" WHERE a.status <> 'selesai'");
        if overdue {
            sql.push(" AND a.due_date < ").push_bind(today);
        }
        sql.scoped(scope, &ACTIONS);
    };
    let mut count =
        Sql::new("SELECT COUNT(*) FROM visit_actions a JOIN centres c ON c.org_id = a.centre_id");
    filter(&mut count);
    let (total,): (i64,) = db.fetch_one(count).await?;
    let mut sql = Sql::new(ACTION_SELECT);
    filter(&mut sql);
    sql.push(" ORDER BY a.due_date, a.id LIMIT ")
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
    Ok((db.fetch_all(sql).await?, total))
}

/// Actions waiting for their BLKK (open, not answered) due between `from` and `to`.
pub async fn due_actions(db: &Db, from: Date, to: Date) -> Result<Vec<ActionRecord>, StoreError> {
    db.fetch_all(
        Sql::new(format!(
            "{ACTION_SELECT} WHERE a.status = 'terbuka' AND a.due_date >= $1 \
             AND a.due_date <= $2 ORDER BY a.due_date, a.id"
        ))
        .arg(from)
        .arg(to),
    )
    .await
}

/// The BLKK answers an action still at `version`.
pub async fn answer(
    tx: &mut Tx,
    id: i64,
    version: i64,
    response: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let n = tx
        .execute(
            Sql::new(
                "UPDATE visit_actions SET response = $1, status = 'dijawab', responded_at = $2, \
                 updated_at = $2, version = version + 1 WHERE id = $3 AND version = $4 \
                 AND status <> 'selesai'",
            )
            .arg(response)
            .arg(now)
            .arg(id)
            .arg(version),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    Ok(())
}

/// The pembina closes or reopens an action still at `version`.
pub async fn set_status(
    tx: &mut Tx,
    id: i64,
    version: i64,
    status: ActionStatus,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let closed = (status == ActionStatus::Selesai).then_some(now);
    let n = tx
        .execute(
            Sql::new(
                "UPDATE visit_actions SET status = $1, closed_at = $2, updated_at = $3, \
                 version = version + 1 WHERE id = $4 AND version = $5",
            )
            .arg(status.as_str())
            .arg(closed)
            .arg(now)
            .arg(id)
            .arg(version),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    Ok(())
}

/// `(id, visit, BLKK, "what · BLKK")` of those of `ids` in `table` (`visits`,
/// `visit_findings` or `visit_actions`), named by `what` (the visit's planned date, or
/// the finding's or action's text).
pub async fn refs(
    db: &Db,
    table: &str,
    ids: &[i64],
) -> Result<Vec<(i64, i64, i64, String)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let (what, visit) = match table {
        "visits" => ("CAST(v.planned_date AS TEXT)", "x.id"),
        _ => ("x.text", "x.visit_id"),
    };
    let mut sql = Sql::new(format!(
        "SELECT x.id, v.id, v.centre_id, {what} || ' · ' || o.name FROM {table} x \
         JOIN visits v ON v.id = {visit} JOIN orgs o ON o.id = v.centre_id WHERE x.id IN "
    ));
    sql.push_list(ids.iter().copied());
    db.fetch_all(sql).await
}

/// Follow-up actions of a scope in `statuses` (overdue ones only, with `before`).
pub async fn action_count(
    db: &Db,
    scope: &Scope,
    statuses: &[&str],
    before: Option<Date>,
) -> Result<i64, StoreError> {
    let mut sql = Sql::new(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM visit_actions a \
         JOIN centres c ON c.org_id = a.centre_id WHERE a.status IN ",
    );
    sql.push_list(statuses.iter().copied());
    if let Some(day) = before {
        sql.push(" AND a.due_date < ").push_bind(day);
    }
    match scope {
        Scope::Pembina(org) => {
            sql.push(" AND a.pembina_id = ").push_bind(*org);
        }
        Scope::Centre(id) => {
            sql.push(" AND a.centre_id = ").push_bind(*id);
        }
        other => {
            sql.scoped(other, &ACTIONS);
        }
    }
    let (n,): (i64,) = db.fetch_one(sql).await?;
    Ok(n)
}

/// A UPTP's planned visits: how many, and the first date.
pub async fn planned(db: &Db, pembina: i64) -> Result<(i64, Option<Date>), StoreError> {
    db.fetch_one(
        Sql::new(
            "SELECT CAST(COUNT(*) AS BIGINT), MIN(planned_date) FROM visits \
             WHERE pembina_id = $1 AND status = 'rencana'",
        )
        .arg(pembina),
    )
    .await
}
