//! Public applications in the database: the upcoming public batches, applications with
//! what the applicant typed, and the decisions on them.

use time::{Date, OffsetDateTime};

use super::model::{Application, ApplicationStatus, PublicFilter, PublicTraining};
use crate::features::trainings::trainees::model::CheckedPerson;
use crate::kernel::db::{Db, Sql, StoreError, Tx};

fn public_filtered(select: &str, f: &PublicFilter, from: Date, to: Option<Date>) -> Sql {
    let mut sql = Sql::new(select);
    sql.push(" WHERE t.open_to_public = ")
        .push_bind(true)
        .push(" AND t.closed_at IS NULL AND t.start_date >= ")
        .push_bind(from);
    if let Some(to) = to {
        sql.push(" AND t.start_date <= ").push_bind(to);
    }
    let mut eq = |column: &str, v: &str| {
        if !v.trim().is_empty() {
            sql.push(" AND ")
                .push(column)
                .push(" = ")
                .push_bind(v.trim());
        }
    };
    eq("t.province_code", &f.province);
    eq("t.regency_code", &f.regency);
    eq("t.kejuruan", &f.kejuruan);
    match f.cost.as_str() {
        "gratis" => {
            sql.push(" AND t.fee = 0");
        }
        "berbayar" => {
            sql.push(" AND t.fee > 0");
        }
        _ => {}
    }
    sql
}

const PUBLIC_SELECT: &str = "SELECT t.id, t.title, t.kejuruan, k.name_id AS kejuruan_name, \
    t.centre_id, o.name AS centre_name, t.province_code, t.regency_code, \
    r.name AS regency_name, t.start_date, t.end_date, t.hours, t.quota, t.enrolled, t.fee, \
    t.venue FROM trainings t JOIN orgs o ON o.id = t.centre_id \
    JOIN kejuruan k ON k.code = t.kejuruan JOIN areas r ON r.code = t.regency_code";

/// Upcoming public batches, soonest first, and how many match (counted up to `cap`, so a
/// broad search does not count the whole future).
pub async fn public_list(
    db: &Db,
    f: &PublicFilter,
    from: Date,
    to: Option<Date>,
    limit: i64,
    offset: i64,
    cap: i64,
) -> Result<(Vec<PublicTraining>, i64), StoreError> {
    let mut count = Sql::new("SELECT COUNT(*) FROM (");
    count
        .append(public_filtered("SELECT 1 FROM trainings t", f, from, to))
        .push(" LIMIT ")
        .push_bind(cap)
        .push(") capped");
    let (total,): (i64,) = db.fetch_one(count).await?;
    let mut sql = public_filtered(PUBLIC_SELECT, f, from, to);
    sql.push(" ORDER BY t.start_date, t.id LIMIT ")
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
    Ok((db.fetch_all(sql).await?, total))
}

pub async fn public_get(db: &Db, id: i64) -> Result<Option<PublicTraining>, StoreError> {
    db.fetch_optional(Sql::new(format!("{PUBLIC_SELECT} WHERE t.id = $1")).arg(id))
        .await
}

// ---- Applications --------------------------------------------------------------------

/// An application with what the applicant typed (the only data about them its BLKK sees),
/// under its reference code.
pub async fn insert_application(
    tx: &mut Tx,
    training_id: i64,
    person_id: i64,
    typed: &CheckedPerson,
    new_person: bool,
    code: &str,
    now: OffsetDateTime,
) -> Result<i64, StoreError> {
    let (typed, motivation) = (&typed.person, typed.motivation.as_str());
    let mut sql = Sql::insert(
        "applications",
        vec![
            ("code", code.into()),
            ("training_id", training_id.into()),
            ("person_id", person_id.into()),
            ("status", ApplicationStatus::Menunggu.into()),
            ("name", typed.name.as_str().into()),
            ("phone", typed.phone.as_str().into()),
            ("address", typed.address.as_str().into()),
            ("email", typed.email.as_str().into()),
            ("new_person", new_person.into()),
            ("motivation", motivation.into()),
            ("created_at", now.into()),
        ],
    );
    sql.push(" RETURNING id");
    let (id,): (i64,) = tx.fetch_one(sql).await?;
    Ok(id)
}

/// The reference code of a person's application to a batch, if they applied.
pub async fn application_code(
    tx: &mut Tx,
    training_id: i64,
    person_id: i64,
) -> Result<Option<String>, StoreError> {
    let row: Option<(Option<String>,)> = tx
        .fetch_optional(
            Sql::new("SELECT code FROM applications WHERE training_id = $1 AND person_id = $2")
                .arg(training_id)
                .arg(person_id),
        )
        .await?;
    Ok(row.map(|(c,)| c.unwrap_or_default()))
}

/// An application as its BLKK sees it: what the applicant typed, and the NIK's facts.
const APPLICATION: &str = "SELECT a.id, a.code, a.version, a.training_id, a.person_id, a.name, p.sex, \
    p.nik, a.phone, a.address, a.email, a.new_person, a.motivation, a.status, a.created_at \
    FROM applications a JOIN persons p ON p.id = a.person_id";

pub async fn applications(db: &Db, training_id: i64) -> Result<Vec<Application>, StoreError> {
    db.fetch_all(
        Sql::new(format!(
            "{APPLICATION} WHERE a.training_id = $1 ORDER BY a.status = 'menunggu' DESC, a.id"
        ))
        .arg(training_id),
    )
    .await
}

pub async fn application(db: &Db, id: i64) -> Result<Option<Application>, StoreError> {
    db.fetch_optional(Sql::new(format!("{APPLICATION} WHERE a.id = $1")).arg(id))
        .await
}

pub async fn application_in(tx: &mut Tx, id: i64) -> Result<Option<Application>, StoreError> {
    tx.fetch_optional(Sql::new(format!("{APPLICATION} WHERE a.id = $1")).arg(id))
        .await
}

/// Decides a waiting application read at `version`; `false` if it was decided or changed
/// since.
pub async fn decide(
    tx: &mut Tx,
    id: i64,
    version: i64,
    status: ApplicationStatus,
    by: i64,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let n = tx
        .execute(
            Sql::new(
                "UPDATE applications SET status = $1, decided_at = $2, decided_by = $3, \
                 version = version + 1 WHERE id = $4 AND status = 'menunggu' AND version = $5",
            )
            .arg(status)
            .arg(now)
            .arg(by)
            .arg(id)
            .arg(version),
        )
        .await?;
    Ok(n == 1)
}

/// A BLKK's batches with applications waiting: `(batch, title, start, waiting)`.
pub async fn applications_waiting(
    db: &Db,
    centre: i64,
) -> Result<Vec<(i64, String, Date, i64)>, StoreError> {
    db.fetch_all(
        Sql::new(
            "SELECT t.id, t.title, t.start_date, CAST(COUNT(*) AS BIGINT) FROM trainings t \
             JOIN applications a ON a.training_id = t.id \
             WHERE t.centre_id = $1 AND a.status = 'menunggu' \
             GROUP BY t.id, t.title, t.start_date ORDER BY t.start_date",
        )
        .arg(centre),
    )
    .await
}
