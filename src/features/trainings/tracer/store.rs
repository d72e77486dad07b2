//! The tracer study in the database: outcomes, each graduate's latest one and next
//! follow-up, the follow-up schedule, and the follow-ups due.

use time::{Date, OffsetDateTime};

use super::model::{Outcome, OutcomeRecord};
use crate::kernel::db::{Arg, Db, Sql, StoreError, Tx};

pub async fn insert_outcome(
    tx: &mut Tx,
    enrolment_id: i64,
    o: &Outcome,
    recorded_by: Option<i64>,
    now: OffsetDateTime,
) -> Result<i64, StoreError> {
    let mut sql = Sql::insert(
        "outcomes",
        vec![
            ("enrolment_id", enrolment_id.into()),
            ("status", o.status.into()),
            ("date", o.date.into()),
            ("employer", o.employer.as_str().into()),
            ("partner_id", o.partner_id.into()),
            ("sector", o.sector.as_str().into()),
            ("matches_training", o.matches_training.into()),
            ("business_name", o.business_name.as_str().into()),
            ("business_kind", o.business_kind.as_str().into()),
            ("employees", o.employees.into()),
            ("study", o.study.as_str().into()),
            ("reported_by", o.reported_by.into()),
            ("recorded_by", recorded_by.into()),
            ("created_at", now.into()),
        ],
    );
    sql.push(" RETURNING id");
    let (id,): (i64,) = tx.fetch_one(sql).await?;
    Ok(id)
}

/// Makes `o` the enrolment's latest outcome, with its next follow-up, unless a later one is
/// recorded (decided by the row as it is when written, so two outcomes recorded at once
/// leave the later date). `false` when it is not the latest.
pub async fn set_latest(
    tx: &mut Tx,
    enrolment_id: i64,
    o: &Outcome,
    next_due: Option<Date>,
) -> Result<bool, StoreError> {
    let n = tx
        .execute(
            Sql::new(
                "UPDATE enrolments SET latest_status = $1, latest_date = $2, next_due = $3, \
                 version = version + 1 WHERE id = $4 AND (latest_date IS NULL OR latest_date <= $2)",
            )
            .arg(o.status)
            .arg(o.date)
            .arg(next_due)
            .arg(enrolment_id),
        )
        .await?;
    Ok(n == 1)
}

pub async fn outcomes(db: &Db, enrolment_id: i64) -> Result<Vec<OutcomeRecord>, StoreError> {
    db.fetch_all(
        Sql::new(
            "SELECT id, enrolment_id, status, date, employer, partner_id, sector, \
             matches_training, business_name, business_kind, employees, study, reported_by, \
             created_at FROM outcomes WHERE enrolment_id = $1 ORDER BY date DESC, id DESC",
        )
        .arg(enrolment_id),
    )
    .await
}

/// A graduate due for a follow-up, for the tracer list.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Due {
    pub enrolment_id: i64,
    pub name: String,
    pub training_id: i64,
    pub title: String,
    #[serde(with = "crate::kernel::time::ymd")]
    #[schema(value_type = String, format = Date)]
    pub end_date: Date,
    #[serde(with = "crate::kernel::time::ymd")]
    #[schema(value_type = String, format = Date)]
    pub next_due: Date,
    pub latest_status: Option<String>,
    #[serde(with = "crate::kernel::time::ymd::option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub latest_date: Option<Date>,
}

/// A BLKK's graduates whose next follow-up falls due by `until`, most overdue first.
pub async fn due(
    db: &Db,
    centre_id: i64,
    until: Date,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Due>, i64), StoreError> {
    let (total,): (i64,) = db
        .fetch_one(
            Sql::new(
                "SELECT COUNT(*) FROM enrolments WHERE centre_id = $1 AND next_due IS NOT NULL \
                 AND next_due <= $2",
            )
            .arg(centre_id)
            .arg(until),
        )
        .await?;
    let rows = db
        .fetch_all(
            Sql::new(
                "SELECT e.id AS enrolment_id, COALESCE(r.name, '') AS name, e.training_id, t.title, \
                 e.end_date, e.next_due, e.latest_status, e.latest_date FROM enrolments e \
                 LEFT JOIN person_records r ON r.person_id = e.person_id \
                 AND r.centre_id = e.centre_id JOIN trainings t ON t.id = e.training_id \
                 WHERE e.centre_id = $1 AND e.next_due IS NOT NULL AND e.next_due <= $2 \
                 ORDER BY e.next_due, e.id LIMIT $3 OFFSET $4",
            )
            .arg(centre_id)
            .arg(until)
            .arg(limit)
            .arg(offset),
        )
        .await?;
    Ok((rows, total))
}

/// The follow-up schedule, in months after a batch ends.
pub async fn schedule(db: &Db) -> Result<Vec<i64>, StoreError> {
    let rows: Vec<(i64,)> = db
        .fetch_all(Sql::new(
            "SELECT months FROM tracer_schedule ORDER BY months",
        ))
        .await?;
    Ok(rows.into_iter().map(|(m,)| m).collect())
}

/// The schedule's version.
pub async fn schedule_version(db: &Db) -> Result<i64, StoreError> {
    let (v,): (i64,) = db
        .fetch_one(Sql::new(
            "SELECT version FROM setting_versions WHERE key = 'tracer_schedule'",
        ))
        .await?;
    Ok(v)
}

/// Moves the schedule's version on from `version`; `false` if it was not that any more.
pub async fn bump_schedule_version(tx: &mut Tx, version: i64) -> Result<bool, StoreError> {
    let n = tx
        .execute(
            Sql::new(
                "UPDATE setting_versions SET version = version + 1 \
                 WHERE key = 'tracer_schedule' AND version = $1",
            )
            .arg(version),
        )
        .await?;
    Ok(n == 1)
}

// ---- The follow-up schedule ----------------------------------------------------------

/// Replaces the follow-up schedule (months after a batch ends).
pub async fn replace_schedule(tx: &mut Tx, months: &[i64]) -> Result<(), StoreError> {
    tx.execute(Sql::new("DELETE FROM tracer_schedule")).await?;
    let mut sql = Sql::new("INSERT INTO tracer_schedule (months) VALUES ");
    sql.push_rows(months.iter().map(|m| [Arg::from(*m)]));
    tx.execute(sql).await?;
    Ok(())
}

/// A graduate whose next follow-up a new schedule may change.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FollowUp {
    pub id: i64,
    pub end_date: Date,
    pub latest_date: Option<Date>,
    pub next_due: Option<Date>,
}

/// Graduates with a follow-up pending, or whose batch ended on or after `since` (a new,
/// later point may still lie ahead for them). A rare admin change reads them all once.
pub async fn follow_ups(tx: &mut Tx, since: Date) -> Result<Vec<FollowUp>, StoreError> {
    tx.fetch_all(
        Sql::new(
            "SELECT id, end_date, latest_date, next_due FROM enrolments \
             WHERE result IN ('kompeten', 'belum_kompeten') \
             AND (next_due IS NOT NULL OR end_date >= $1) ORDER BY id",
        )
        .arg(since),
    )
    .await
}

/// Sets the next follow-up of many graduates at once: `(enrolment id, next due)`.
pub async fn set_next_due(tx: &mut Tx, rows: &[(i64, Option<Date>)]) -> Result<(), StoreError> {
    for chunk in rows.chunks(400) {
        let mut sql = Sql::new("WITH v (id, due) AS (VALUES ");
        sql.push_rows(
            chunk
                .iter()
                .map(|(id, due)| [Arg::from(*id), Arg::from(*due)]),
        );
        sql.push(
            ") UPDATE enrolments SET next_due = (SELECT v.due FROM v WHERE v.id = enrolments.id) \
             WHERE id IN (SELECT id FROM v)",
        );
        tx.execute(sql).await?;
    }
    Ok(())
}

// ---- Work waiting ----------------------------------------------------------------------

/// Follow-ups due by `day`: how many, and the earliest; of a BLKK's graduates, a partner's
/// batches' graduates, or one person's.
pub async fn follow_ups_due(
    db: &Db,
    who: FollowUpsOf,
    day: Date,
) -> Result<(i64, Option<Date>), StoreError> {
    let sql = match who {
        FollowUpsOf::Centre(id) => Sql::new(
            "SELECT CAST(COUNT(*) AS BIGINT), MIN(next_due) FROM enrolments \
             WHERE centre_id = $1 AND next_due IS NOT NULL AND next_due <= $2",
        )
        .arg(id),
        FollowUpsOf::Partner(id) => Sql::new(
            "SELECT CAST(COUNT(*) AS BIGINT), MIN(e.next_due) FROM trainings t \
             JOIN enrolments e ON e.training_id = t.id WHERE t.partner_id = $1 \
             AND e.next_due IS NOT NULL AND e.next_due <= $2",
        )
        .arg(id),
        FollowUpsOf::User(id) => Sql::new(
            "SELECT CAST(COUNT(*) AS BIGINT), MIN(e.next_due) FROM persons p \
             JOIN enrolments e ON e.person_id = p.id WHERE p.user_id = $1 \
             AND e.next_due IS NOT NULL AND e.next_due <= $2",
        )
        .arg(id),
    };
    db.fetch_one(sql.arg(day)).await
}

/// Whose follow-ups.
#[derive(Debug, Clone, Copy)]
pub enum FollowUpsOf {
    Centre(i64),
    Partner(i64),
    User(i64),
}

/// A person's enrolments whose follow-up is due by `day`.
pub async fn my_follow_ups(db: &Db, user: i64, day: Date) -> Result<Vec<(i64, Date)>, StoreError> {
    db.fetch_all(
        Sql::new(
            "SELECT e.id, e.next_due FROM persons p JOIN enrolments e ON e.person_id = p.id \
             WHERE p.user_id = $1 AND e.next_due IS NOT NULL AND e.next_due <= $2 \
             ORDER BY e.next_due",
        )
        .arg(user)
        .arg(day),
    )
    .await
}
