//! Batches in the database: their plan and instructors, the enrolments with attendance and
//! results, and the batch filters the figures share.

use time::{Date, OffsetDateTime};

use super::model::{Enrolment, ResultFields, Training, TrainingFilter, TrainingRecord};
use crate::kernel::access::Scope;
use crate::kernel::db::{Arg, Columns, Db, Sql, StoreError, Tx};
use crate::kernel::scope::On;

/// Batches carry their BLKK's id and area codes.
pub const BATCHES: On = On {
    name: "trainings",
    from: "trainings t",
    centre: "t.centre_id",
    province: "t.province_code",
    regency: "t.regency_code",
    pembina: None,
};

/// The one list of a batch's columns, for both `INSERT` and `UPDATE`.
fn columns(t: &Training) -> Columns {
    vec![
        ("kejuruan", t.kejuruan.as_str().into()),
        ("title", t.title.as_str().into()),
        ("start_date", t.start_date.into()),
        ("end_date", t.end_date.into()),
        ("year", i64::from(t.start_date.year()).into()),
        ("hours", t.hours.into()),
        ("quota", t.quota.into()),
        ("fee", t.fee.into()),
        ("funding", t.funding.into()),
        ("partner_id", t.partner_id.into()),
        ("venue", t.venue.as_str().into()),
        ("open_to_public", t.open_to_public.into()),
    ]
}

const SELECT: &str = "SELECT t.id, t.version, t.centre_id, t.kejuruan, t.title, t.start_date, \
    t.end_date, t.hours, t.quota, t.fee, t.funding, t.partner_id, t.venue, t.open_to_public, \
    o.name AS centre_name, k.name_id AS kejuruan_name, p.name AS partner_name, \
    t.province_code, t.regency_code, t.enrolled, t.closed_at \
    FROM trainings t JOIN orgs o ON o.id = t.centre_id \
    JOIN kejuruan k ON k.code = t.kejuruan LEFT JOIN orgs p ON p.id = t.partner_id";

fn instructor_ids(id: i64) -> Sql {
    Sql::new("SELECT user_id FROM training_instructors WHERE training_id = $1 ORDER BY user_id")
        .arg(id)
}

fn with_instructors(mut r: TrainingRecord, ids: Vec<(i64,)>) -> TrainingRecord {
    r.training.instructor_ids = ids.into_iter().map(|(id,)| id).collect();
    r
}

pub async fn get(db: &Db, id: i64) -> Result<Option<TrainingRecord>, StoreError> {
    match db
        .fetch_optional(Sql::new(format!("{SELECT} WHERE t.id = $1")).arg(id))
        .await?
    {
        Some(r) => Ok(Some(with_instructors(
            r,
            db.fetch_all(instructor_ids(id)).await?,
        ))),
        None => Ok(None),
    }
}

/// [`get`] in a transaction (seeing its own writes).
pub async fn get_in(tx: &mut Tx, id: i64) -> Result<Option<TrainingRecord>, StoreError> {
    match tx
        .fetch_optional(Sql::new(format!("{SELECT} WHERE t.id = $1")).arg(id))
        .await?
    {
        Some(r) => Ok(Some(with_instructors(
            r,
            tx.fetch_all(instructor_ids(id)).await?,
        ))),
        None => Ok(None),
    }
}

pub async fn insert(
    tx: &mut Tx,
    t: &Training,
    area: (&str, &str),
    now: OffsetDateTime,
) -> Result<i64, StoreError> {
    let mut cols = columns(t);
    cols.push(("centre_id", t.centre_id.into()));
    cols.push(("province_code", area.0.into()));
    cols.push(("regency_code", area.1.into()));
    cols.push(("created_at", now.into()));
    cols.push(("updated_at", now.into()));
    let mut sql = Sql::insert("trainings", cols);
    sql.push(" RETURNING id");
    let (id,): (i64,) = tx.fetch_one(sql).await?;
    set_instructors(tx, id, &t.instructor_ids).await?;
    Ok(id)
}

/// Stores `t` if the batch is still at `version`, bumping the version.
pub async fn update(
    tx: &mut Tx,
    id: i64,
    version: i64,
    t: &Training,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let mut sql = Sql::update("trainings", columns(t));
    sql.push(", updated_at = ")
        .push_bind(now)
        .push(", version = version + 1 WHERE id = ")
        .push_bind(id)
        .push(" AND version = ")
        .push_bind(version);
    if tx.execute(sql).await? == 0 {
        return Err(StoreError::Stale);
    }
    // The copies of the dates on its enrolments (overlap checks, tracer list).
    tx.execute(
        Sql::new("UPDATE enrolments SET start_date = $1, end_date = $2 WHERE training_id = $3")
            .arg(t.start_date)
            .arg(t.end_date)
            .arg(id),
    )
    .await?;
    set_instructors(tx, id, &t.instructor_ids).await
}

async fn set_instructors(tx: &mut Tx, id: i64, users: &[i64]) -> Result<(), StoreError> {
    tx.execute(Sql::new("DELETE FROM training_instructors WHERE training_id = $1").arg(id))
        .await?;
    if users.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new("INSERT INTO training_instructors (training_id, user_id) VALUES ");
    sql.push_rows(users.iter().map(|u| [Arg::from(id), Arg::from(*u)]));
    tx.execute(sql).await?;
    Ok(())
}

/// Closes the batch if it is still at `version`.
pub async fn close(
    tx: &mut Tx,
    id: i64,
    version: i64,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let sql = Sql::new(
        "UPDATE trainings SET closed_at = $1, updated_at = $1, version = version + 1 \
         WHERE id = $2 AND version = $3 AND closed_at IS NULL",
    )
    .arg(now)
    .arg(id)
    .arg(version);
    match tx.execute(sql).await? {
        0 => Err(StoreError::Stale),
        _ => Ok(()),
    }
}

/// Whether a trainee of the batch still has no result.
pub async fn results_missing(tx: &mut Tx, id: i64) -> Result<bool, StoreError> {
    let (n,): (i64,) = tx
        .fetch_one(
            Sql::new("SELECT COUNT(*) FROM enrolments WHERE training_id = $1 AND result IS NULL")
                .arg(id),
        )
        .await?;
    Ok(n > 0)
}

/// Takes one seat; `false` when the batch is full.
pub async fn take_seat(tx: &mut Tx, id: i64) -> Result<bool, StoreError> {
    let n = tx
        .execute(
            Sql::new(
                "UPDATE trainings SET enrolled = enrolled + 1 WHERE id = $1 AND enrolled < quota",
            )
            .arg(id),
        )
        .await?;
    Ok(n == 1)
}

/// Users with the role instruktur at a BLKK: `(id, name)`, by name.
pub async fn instructors(db: &Db, centre_id: i64) -> Result<Vec<(i64, String)>, StoreError> {
    db.fetch_all(
        Sql::new(
            "SELECT id, name FROM users WHERE org_id = $1 AND role = 'instruktur' AND active = $2 \
             ORDER BY name_key, id",
        )
        .arg(centre_id)
        .arg(true),
    )
    .await
}

/// Appends ` AND ...` for a scope and the batch filters on `alias`: the batches (`t`) and
/// the figures (`f`) carry the same columns.
pub(crate) fn push_filter(sql: &mut Sql, on: &On, f: &TrainingFilter, scope: &Scope) {
    let alias = on.centre.split('.').next().unwrap_or_default();
    let col = |c: &str| format!("{alias}.{c}");
    sql.scoped(scope, on);
    if let Some(c) = f.centre {
        sql.push(" AND ")
            .push(&col("centre_id"))
            .push(" = ")
            .push_bind(c);
    }
    if let Some(y) = f.year {
        sql.push(" AND ")
            .push(&col("year"))
            .push(" = ")
            .push_bind(y);
    }
    for (column, v) in [
        ("province_code", &f.province),
        ("regency_code", &f.regency),
        ("kejuruan", &f.kejuruan),
    ] {
        if !v.trim().is_empty() {
            sql.push(" AND ")
                .push(&col(column))
                .push(" = ")
                .push_bind(v.trim());
        }
    }
    if let Some(fu) = f.funding {
        sql.push(" AND ")
            .push(&col("funding"))
            .push(" = ")
            .push_bind(fu);
    }
}

fn filtered(select: &str, f: &TrainingFilter, scope: &Scope) -> Sql {
    let mut sql = Sql::new(select);
    sql.push(" WHERE 1 = 1");
    push_filter(&mut sql, &BATCHES, f, scope);
    sql
}

/// One page of batches in a scope, newest first, and how many match.
pub async fn list(
    db: &Db,
    f: &TrainingFilter,
    scope: &Scope,
    limit: i64,
    offset: i64,
) -> Result<(Vec<TrainingRecord>, i64), StoreError> {
    let (total,): (i64,) = db
        .fetch_one(filtered("SELECT COUNT(*) FROM trainings t", f, scope))
        .await?;
    let mut sql = filtered(SELECT, f, scope);
    sql.push(" ORDER BY t.start_date DESC, t.id DESC LIMIT ")
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
    Ok((db.fetch_all(sql).await?, total))
}

// ---- Enrolments ----------------------------------------------------------------------

/// Whether the person is in another batch whose dates overlap `[start, end]` (withdrawals
/// do not count).
pub async fn overlapping(
    tx: &mut Tx,
    person_id: i64,
    start: Date,
    end: Date,
    except_training: i64,
) -> Result<Option<i64>, StoreError> {
    let row: Option<(i64,)> = tx
        .fetch_optional(
            Sql::new(
                "SELECT training_id FROM enrolments WHERE person_id = $1 AND training_id <> $2 \
                 AND start_date <= $3 AND end_date >= $4 \
                 AND (result IS NULL OR result <> 'mengundurkan_diri') LIMIT 1",
            )
            .arg(person_id)
            .arg(except_training)
            .arg(end)
            .arg(start),
        )
        .await?;
    Ok(row.map(|(t,)| t))
}

pub async fn insert_enrolment(
    tx: &mut Tx,
    t: &TrainingRecord,
    person_id: i64,
    now: OffsetDateTime,
) -> Result<i64, StoreError> {
    let mut sql = Sql::insert(
        "enrolments",
        vec![
            ("training_id", t.id.into()),
            ("person_id", person_id.into()),
            ("centre_id", t.training.centre_id.into()),
            ("start_date", t.training.start_date.into()),
            ("end_date", t.training.end_date.into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ],
    );
    sql.push(" RETURNING id");
    let (id,): (i64,) = tx.fetch_one(sql).await?;
    Ok(id)
}

/// An enrolment with the person as its BLKK recorded them (`person_records`), never what
/// another BLKK stored; the NIK, sex and birth date are the person's key.
const ENROLMENT: &str = "SELECT e.id, e.version, e.training_id, e.person_id, \
    COALESCE(r.name, '') AS name, p.sex, p.nik, p.birth_date, r.phone, r.address, \
    r.linked_at IS NOT NULL AS linked, e.result, e.certificate_no, e.bnsp_certificate_no, \
    e.latest_status, e.latest_date, e.next_due, \
    (SELECT COUNT(*) FROM attendance a WHERE a.enrolment_id = e.id AND a.present = $1) AS present, \
    (SELECT COUNT(*) FROM attendance a WHERE a.enrolment_id = e.id) AS sessions \
    FROM enrolments e JOIN persons p ON p.id = e.person_id \
    LEFT JOIN person_records r ON r.person_id = e.person_id AND r.centre_id = e.centre_id";

/// A batch's trainees by name, with their personal data (the service masks it).
pub async fn enrolments(db: &Db, training_id: i64) -> Result<Vec<Enrolment>, StoreError> {
    db.fetch_all(
        Sql::new(format!(
            "{ENROLMENT} WHERE e.training_id = $2 ORDER BY r.name, e.id"
        ))
        .arg(true)
        .arg(training_id),
    )
    .await
}

pub async fn enrolment(db: &Db, id: i64) -> Result<Option<Enrolment>, StoreError> {
    db.fetch_optional(
        Sql::new(format!("{ENROLMENT} WHERE e.id = $2"))
            .arg(true)
            .arg(id),
    )
    .await
}

/// A person's enrolments, newest first: `(enrolment, batch)`.
pub async fn enrolments_of_person(db: &Db, person_id: i64) -> Result<Vec<Enrolment>, StoreError> {
    db.fetch_all(
        Sql::new(format!(
            "{ENROLMENT} WHERE e.person_id = $2 ORDER BY e.start_date DESC, e.id"
        ))
        .arg(true)
        .arg(person_id),
    )
    .await
}

/// Records a result if the enrolment is still at `version`.
pub async fn set_result(
    tx: &mut Tx,
    id: i64,
    version: i64,
    r: &ResultFields,
    next_due: Option<Date>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let mut sql = Sql::update(
        "enrolments",
        vec![
            ("result", r.result.into()),
            ("certificate_no", r.certificate_no.as_deref().into()),
            (
                "bnsp_certificate_no",
                r.bnsp_certificate_no.as_deref().into(),
            ),
            ("next_due", next_due.into()),
            ("updated_at", now.into()),
        ],
    );
    sql.push(", version = version + 1 WHERE id = ")
        .push_bind(id)
        .push(" AND version = ")
        .push_bind(version);
    match tx.execute(sql).await? {
        0 => Err(StoreError::Stale),
        _ => Ok(()),
    }
}

/// The attendance recorded for a batch on a day: each enrolment marked, and whether present.
pub async fn attendance_on(
    db: &Db,
    training_id: i64,
    day: Date,
) -> Result<Vec<(i64, bool)>, StoreError> {
    db.fetch_all(
        Sql::new(
            "SELECT a.enrolment_id, a.present FROM enrolments e \
             JOIN attendance a ON a.enrolment_id = e.id AND a.day = $2 \
             WHERE e.training_id = $1",
        )
        .arg(training_id)
        .arg(day),
    )
    .await
}

/// Records who was present at a session (a day of the batch).
pub async fn set_attendance(
    tx: &mut Tx,
    day: Date,
    marks: &[(i64, bool)],
) -> Result<(), StoreError> {
    for chunk in marks.chunks(200) {
        let mut del = Sql::new("DELETE FROM attendance WHERE day = ");
        del.push_bind(day)
            .push(" AND enrolment_id IN ")
            .push_list(chunk.iter().map(|(e, _)| *e));
        tx.execute(del).await?;
        let mut sql = Sql::new("INSERT INTO attendance (enrolment_id, day, present) VALUES ");
        sql.push_rows(
            chunk
                .iter()
                .map(|(e, p)| [Arg::from(*e), Arg::from(day), Arg::from(*p)]),
        );
        tx.execute(sql).await?;
    }
    Ok(())
}

// ---- Names of records ----------------------------------------------------------------

/// `(id, "title · BLKK")` of those of `ids` that are batches.
pub async fn training_names(db: &Db, ids: &[i64]) -> Result<Vec<(i64, String)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT t.id, t.title || ' · ' || o.name FROM trainings t \
         JOIN orgs o ON o.id = t.centre_id WHERE t.id IN ",
    );
    sql.push_list(ids.iter().copied());
    db.fetch_all(sql).await
}

/// `(id, batch title, batch)` of those of `ids` in `table` (`enrolments` or
/// `applications`): no person's name, which only their BLKK sees.
pub async fn batch_of(
    db: &Db,
    table: &str,
    ids: &[i64],
) -> Result<Vec<(i64, String, i64)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(format!(
        "SELECT x.id, t.title, x.training_id FROM {table} x \
         JOIN trainings t ON t.id = x.training_id WHERE x.id IN "
    ));
    sql.push_list(ids.iter().copied());
    db.fetch_all(sql).await
}
