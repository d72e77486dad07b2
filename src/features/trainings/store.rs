//! Trainings in the database: batches, persons, enrolments, outcomes, applications,
//! consent, the personal-data access log, and the live figures kept beside them.

use time::{Date, OffsetDateTime};

use super::model::{
    Application, ApplicationStatus, CheckedPerson, Enrolment, Figures, Outcome, OutcomeRecord,
    Person, PublicFilter, PublicTraining, ResultFields, Training, TrainingFilter, TrainingRecord,
};
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

/// The kept training figures, one row per BLKK and group.
pub const FIGURES: On = On {
    name: "training figures",
    from: "training_figures f",
    centre: "f.centre_id",
    province: "f.province_code",
    regency: "f.regency_code",
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
fn push_filter(sql: &mut Sql, on: &On, f: &TrainingFilter, scope: &Scope) {
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

// ---- Persons -------------------------------------------------------------------------

fn person_columns(p: &Person) -> Columns {
    vec![
        ("nik", p.nik.as_deref().into()),
        ("name", p.name.as_str().into()),
        ("sex", p.sex.into()),
        ("birth_date", p.birth_date.into()),
        ("phone", p.phone.as_str().into()),
        ("address", p.address.as_str().into()),
        ("email", p.email.as_str().into()),
    ]
}

const PERSON: &str = "SELECT nik, name, sex, birth_date, phone, address, email FROM persons";

/// The person with this NIK: `(id, version, person)`.
pub async fn person_by_nik(tx: &mut Tx, nik: &str) -> Result<Option<(i64, Person)>, StoreError> {
    let row: Option<(i64,)> = tx
        .fetch_optional(Sql::new("SELECT id FROM persons WHERE nik = $1").arg(nik))
        .await?;
    match row {
        Some((id,)) => Ok(person_in(tx, id).await?.map(|p| (id, p))),
        None => Ok(None),
    }
}

pub async fn person_in(tx: &mut Tx, id: i64) -> Result<Option<Person>, StoreError> {
    tx.fetch_optional(Sql::new(format!("{PERSON} WHERE id = $1")).arg(id))
        .await
}

pub async fn person(db: &Db, id: i64) -> Result<Option<Person>, StoreError> {
    db.fetch_optional(Sql::new(format!("{PERSON} WHERE id = $1")).arg(id))
        .await
}

/// The person whose account this is: `(id, version, person)`.
pub async fn person_of_user(
    db: &Db,
    user_id: i64,
) -> Result<Option<(i64, i64, Person)>, StoreError> {
    let row: Option<(i64, i64)> = db
        .fetch_optional(Sql::new("SELECT id, version FROM persons WHERE user_id = $1").arg(user_id))
        .await?;
    match row {
        Some((id, version)) => Ok(person(db, id).await?.map(|p| (id, version, p))),
        None => Ok(None),
    }
}

/// Whether the person has an account of their own.
pub async fn has_account(tx: &mut Tx, person_id: i64) -> Result<bool, StoreError> {
    let row: Option<(Option<i64>,)> = tx
        .fetch_optional(Sql::new("SELECT user_id FROM persons WHERE id = $1").arg(person_id))
        .await?;
    Ok(matches!(row, Some((Some(_),))))
}

/// Every value of personal data kept about a person outside `persons`: each BLKK's record
/// and each application's typed fields (for erasure to find their copies).
pub async fn personal_values(tx: &mut Tx, person_id: i64) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String, String, String, String)> = tx
        .fetch_all(
            Sql::new(
                "SELECT name, phone, address, email FROM person_records WHERE person_id = $1 \
                 UNION SELECT name, phone, address, email FROM applications \
                 WHERE person_id = $1",
            )
            .arg(person_id),
        )
        .await?;
    Ok(rows
        .into_iter()
        .flat_map(|(a, b, c, d)| [a, b, c, d])
        .collect())
}

/// The audit trail's records about a person: their enrolments and applications.
pub async fn records_of_person(
    tx: &mut Tx,
    person_id: i64,
) -> Result<Vec<(&'static str, Vec<i64>)>, StoreError> {
    let ids = |rows: Vec<(i64,)>| rows.into_iter().map(|(id,)| id).collect::<Vec<_>>();
    let enrolments: Vec<(i64,)> = tx
        .fetch_all(Sql::new("SELECT id FROM enrolments WHERE person_id = $1").arg(person_id))
        .await?;
    let applications: Vec<(i64,)> = tx
        .fetch_all(Sql::new("SELECT id FROM applications WHERE person_id = $1").arg(person_id))
        .await?;
    Ok(vec![
        (super::model::ENROLMENT, ids(enrolments)),
        (super::model::APPLICATION, ids(applications)),
    ])
}

/// The person's latest batch at a BLKK.
pub async fn latest_training_at(
    tx: &mut Tx,
    person_id: i64,
    centre_id: i64,
) -> Result<Option<i64>, StoreError> {
    let row: Option<(i64,)> = tx
        .fetch_optional(
            Sql::new(
                "SELECT training_id FROM enrolments WHERE person_id = $1 AND centre_id = $2 \
                 ORDER BY start_date DESC, id DESC LIMIT 1",
            )
            .arg(person_id)
            .arg(centre_id),
        )
        .await?;
    Ok(row.map(|(t,)| t))
}

pub async fn insert_person(
    tx: &mut Tx,
    p: &Person,
    now: OffsetDateTime,
) -> Result<i64, StoreError> {
    let mut cols = person_columns(p);
    cols.push(("created_at", now.into()));
    cols.push(("updated_at", now.into()));
    let mut sql = Sql::insert("persons", cols);
    sql.push(" RETURNING id");
    let (id,): (i64,) = tx.fetch_one(sql).await?;
    Ok(id)
}

/// Changes a person read at `version`; `false` if they changed since.
pub async fn update_person(
    tx: &mut Tx,
    id: i64,
    version: i64,
    p: &Person,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let mut sql = Sql::update("persons", person_columns(p));
    sql.push(", updated_at = ")
        .push_bind(now)
        .push(", version = version + 1 WHERE id = ")
        .push_bind(id)
        .push(" AND version = ")
        .push_bind(version);
    Ok(tx.execute(sql).await? == 1)
}

pub async fn link_user(tx: &mut Tx, person_id: i64, user_id: i64) -> Result<(), StoreError> {
    tx.execute(
        Sql::new("UPDATE persons SET user_id = $1 WHERE id = $2 AND user_id IS NULL")
            .arg(user_id)
            .arg(person_id),
    )
    .await?;
    Ok(())
}

/// Anonymises a person: NIK, birth date and contacts cleared, the name replaced by
/// `pseudonym` everywhere a BLKK or an application kept it; the sex and the enrolments
/// stay, so every count stays right.
pub async fn erase_person(
    tx: &mut Tx,
    id: i64,
    pseudonym: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    tx.execute(
        Sql::new(
            "UPDATE persons SET nik = NULL, name = $1, birth_date = NULL, phone = '', \
             address = '', email = '', erased_at = $2, updated_at = $2, version = version + 1 \
             WHERE id = $3",
        )
        .arg(pseudonym)
        .arg(now)
        .arg(id),
    )
    .await?;
    tx.execute(
        Sql::new(
            "UPDATE person_records SET name = $1, phone = '', address = '', email = '', \
             updated_at = $2 WHERE person_id = $3",
        )
        .arg(pseudonym)
        .arg(now)
        .arg(id),
    )
    .await?;
    tx.execute(
        Sql::new(
            "UPDATE applications SET name = $1, phone = '', address = '', email = '', \
             motivation = '' WHERE person_id = $2",
        )
        .arg(pseudonym)
        .arg(id),
    )
    .await?;
    tx.execute(Sql::new("DELETE FROM person_link_codes WHERE person_id = $1").arg(id))
        .await?;
    Ok(())
}

// ---- What each BLKK knows about a person ---------------------------------------------

/// A BLKK's own record of a person: what it typed, and whether it is linked to the
/// person's own data (the person confirmed, or showed they were present).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PersonRecord {
    pub name: String,
    pub phone: String,
    pub address: String,
    pub email: String,
    pub linked_at: Option<OffsetDateTime>,
}

pub async fn person_record(
    tx: &mut Tx,
    person_id: i64,
    centre_id: i64,
) -> Result<Option<PersonRecord>, StoreError> {
    tx.fetch_optional(
        Sql::new(
            "SELECT name, phone, address, email, linked_at FROM person_records \
             WHERE person_id = $1 AND centre_id = $2",
        )
        .arg(person_id)
        .arg(centre_id),
    )
    .await
}

/// Keeps what a BLKK typed about a person: a new record, or its record with the name and
/// every contact that was typed replaced (empty ones keep their value). `linked` marks a
/// record that is the person's own data (the person was new here).
pub async fn keep_person_record(
    tx: &mut Tx,
    person_id: i64,
    centre_id: i64,
    typed: &Person,
    linked: bool,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let mut sql = Sql::insert(
        "person_records",
        vec![
            ("person_id", person_id.into()),
            ("centre_id", centre_id.into()),
            ("name", typed.name.as_str().into()),
            ("phone", typed.phone.as_str().into()),
            ("address", typed.address.as_str().into()),
            ("email", typed.email.as_str().into()),
            ("linked_at", linked.then_some(now).into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ],
    );
    sql.push(
        " ON CONFLICT (person_id, centre_id) DO UPDATE SET name = excluded.name, \
         phone = CASE WHEN excluded.phone <> '' THEN excluded.phone ELSE person_records.phone END, \
         address = CASE WHEN excluded.address <> '' THEN excluded.address \
         ELSE person_records.address END, \
         email = CASE WHEN excluded.email <> '' THEN excluded.email ELSE person_records.email END, \
         updated_at = excluded.updated_at",
    );
    tx.execute(sql).await?;
    Ok(())
}

/// Links a BLKK's record to the person's own data: marked linked, and its empty fields
/// filled from `own`.
pub async fn link_person_record(
    tx: &mut Tx,
    person_id: i64,
    centre_id: i64,
    own: &Person,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    tx.execute(
        Sql::new(
            "UPDATE person_records SET linked_at = $1, updated_at = $1, \
             phone = CASE WHEN phone = '' THEN $2 ELSE phone END, \
             address = CASE WHEN address = '' THEN $3 ELSE address END, \
             email = CASE WHEN email = '' THEN $4 ELSE email END \
             WHERE person_id = $5 AND centre_id = $6",
        )
        .arg(now)
        .arg(own.phone.as_str())
        .arg(own.address.as_str())
        .arg(own.email.as_str())
        .arg(person_id)
        .arg(centre_id),
    )
    .await?;
    tx.execute(
        Sql::new("DELETE FROM person_link_codes WHERE person_id = $1 AND centre_id = $2")
            .arg(person_id)
            .arg(centre_id),
    )
    .await?;
    Ok(())
}

/// A person's own correction reaches the BLKK records linked to their own data.
pub async fn correct_linked_records(
    tx: &mut Tx,
    person_id: i64,
    own: &Person,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    tx.execute(
        Sql::new(
            "UPDATE person_records SET name = $1, phone = $2, address = $3, email = $4, \
             updated_at = $5 WHERE person_id = $6 AND linked_at IS NOT NULL",
        )
        .arg(own.name.as_str())
        .arg(own.phone.as_str())
        .arg(own.address.as_str())
        .arg(own.email.as_str())
        .arg(now)
        .arg(person_id),
    )
    .await?;
    Ok(())
}

/// A code that lets a BLKK link its record: its hash, when it expires, wrong tries so far.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LinkCode {
    pub code_hash: String,
    pub expires_at: OffsetDateTime,
    pub attempts: i64,
    pub requested_by: Option<i64>,
}

/// Stores a new code for (person, BLKK), replacing any earlier one.
pub async fn put_link_code(
    tx: &mut Tx,
    person_id: i64,
    centre_id: i64,
    code_hash: &str,
    expires_at: OffsetDateTime,
    by: i64,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let mut sql = Sql::insert(
        "person_link_codes",
        vec![
            ("person_id", person_id.into()),
            ("centre_id", centre_id.into()),
            ("code_hash", code_hash.into()),
            ("expires_at", expires_at.into()),
            ("attempts", 0i64.into()),
            ("requested_by", by.into()),
            ("created_at", now.into()),
        ],
    );
    sql.push(
        " ON CONFLICT (person_id, centre_id) DO UPDATE SET code_hash = excluded.code_hash, \
         expires_at = excluded.expires_at, attempts = 0, requested_by = excluded.requested_by, \
         created_at = excluded.created_at",
    );
    tx.execute(sql).await?;
    Ok(())
}

pub async fn link_code(
    tx: &mut Tx,
    person_id: i64,
    centre_id: i64,
) -> Result<Option<LinkCode>, StoreError> {
    tx.fetch_optional(
        Sql::new(
            "SELECT code_hash, expires_at, attempts, requested_by FROM person_link_codes \
             WHERE person_id = $1 AND centre_id = $2",
        )
        .arg(person_id)
        .arg(centre_id),
    )
    .await
}

/// Counts a wrong code.
pub async fn miss_link_code(tx: &mut Tx, person_id: i64, centre_id: i64) -> Result<(), StoreError> {
    tx.execute(
        Sql::new(
            "UPDATE person_link_codes SET attempts = attempts + 1 \
             WHERE person_id = $1 AND centre_id = $2",
        )
        .arg(person_id)
        .arg(centre_id),
    )
    .await?;
    Ok(())
}

/// A BLKK that asks to link its record to the person's own data, as the person sees it.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct LinkRequest {
    pub centre_id: i64,
    pub centre_name: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: OffsetDateTime,
}

/// The requests waiting for the person, that have not expired.
pub async fn link_requests(
    db: &Db,
    person_id: i64,
    now: OffsetDateTime,
) -> Result<Vec<LinkRequest>, StoreError> {
    db.fetch_all(
        Sql::new(
            "SELECT c.centre_id, o.name AS centre_name, c.expires_at FROM person_link_codes c \
             JOIN orgs o ON o.id = c.centre_id WHERE c.person_id = $1 AND c.expires_at > $2 \
             ORDER BY c.created_at",
        )
        .arg(person_id)
        .arg(now),
    )
    .await
}

pub async fn add_consent(
    tx: &mut Tx,
    person_id: i64,
    purpose: &str,
    notice: &str,
    training_id: Option<i64>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    tx.execute(Sql::insert(
        "consents",
        vec![
            ("person_id", person_id.into()),
            ("purpose", purpose.into()),
            ("notice_version", notice.into()),
            ("training_id", training_id.into()),
            ("given_at", now.into()),
        ],
    ))
    .await?;
    Ok(())
}

/// A consent given: what, which notice, when.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Consent {
    pub purpose: String,
    pub notice_version: String,
    pub training_id: Option<i64>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub given_at: OffsetDateTime,
}

pub async fn consents(db: &Db, person_id: i64) -> Result<Vec<Consent>, StoreError> {
    db.fetch_all(
        Sql::new(
            "SELECT purpose, notice_version, training_id, given_at FROM consents \
             WHERE person_id = $1 ORDER BY id",
        )
        .arg(person_id),
    )
    .await
}

/// Logs views or exports of these persons' personal data by `actor_id`.
pub async fn log_access(
    db: &Db,
    persons: &[i64],
    actor_id: i64,
    action: &str,
    context: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    log_access_in(&mut tx, persons, actor_id, action, context, now).await?;
    tx.commit().await
}

/// [`log_access`] in the caller's transaction.
pub async fn log_access_in(
    tx: &mut Tx,
    persons: &[i64],
    actor_id: i64,
    action: &str,
    context: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    for chunk in persons.chunks(200) {
        let mut sql = Sql::new(
            "INSERT INTO personal_data_access (person_id, actor_id, action, context, at) VALUES ",
        );
        sql.push_rows(chunk.iter().map(|p| {
            [
                Arg::from(*p),
                Arg::from(actor_id),
                Arg::from(action),
                Arg::from(context),
                Arg::from(now),
            ]
        }));
        tx.execute(sql).await?;
    }
    Ok(())
}

/// One entry of a person's access log.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct AccessEntry {
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
    pub action: String,
    pub context: String,
    /// Who looked: their name and role (never their contact details).
    pub actor_name: Option<String>,
    pub actor_role: Option<String>,
    pub actor_org: Option<String>,
}

pub async fn access_log(
    db: &Db,
    person_id: i64,
    limit: i64,
) -> Result<Vec<AccessEntry>, StoreError> {
    db.fetch_all(
        Sql::new(
            "SELECT a.at, a.action, a.context, u.name AS actor_name, u.role AS actor_role, \
             o.name AS actor_org FROM personal_data_access a \
             LEFT JOIN users u ON u.id = a.actor_id LEFT JOIN orgs o ON o.id = u.org_id \
             WHERE a.person_id = $1 ORDER BY a.id DESC LIMIT $2",
        )
        .arg(person_id)
        .arg(limit),
    )
    .await
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

// ---- Outcomes ------------------------------------------------------------------------

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

// ---- Figures -------------------------------------------------------------------------

const COUNTERS: [&str; 10] = [
    "trainees",
    "kompeten",
    "belum_kompeten",
    "mengundurkan_diri",
    "bekerja",
    "wirausaha",
    "melanjutkan",
    "belum_bekerja",
    "tidak_terlacak",
    "batches",
];

/// Each batch's contribution per sex, computed from its enrolments (all batches, or one).
fn tally_select(one: bool) -> String {
    let graduate = "e.result IN ('kompeten', 'belum_kompeten')";
    let latest = |s: &str| {
        format!(
            "CAST(SUM(CASE WHEN {graduate} AND e.latest_status = '{s}' THEN 1 ELSE 0 END) AS BIGINT)"
        )
    };
    let result =
        |r: &str| format!("CAST(SUM(CASE WHEN e.result = '{r}' THEN 1 ELSE 0 END) AS BIGINT)");
    format!(
        "SELECT t.id, p.sex, t.year, t.centre_id, t.province_code, t.regency_code, t.kejuruan, \
         t.funding, 0, COUNT(*), {}, {}, {}, {}, {}, {}, {}, {} \
         FROM trainings t JOIN enrolments e ON e.training_id = t.id \
         JOIN persons p ON p.id = e.person_id {} \
         GROUP BY t.id, p.sex, t.year, t.centre_id, t.province_code, t.regency_code, \
         t.kejuruan, t.funding \
         UNION ALL SELECT t.id, '', t.year, t.centre_id, t.province_code, t.regency_code, \
         t.kejuruan, t.funding, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0 FROM trainings t {}",
        result("kompeten"),
        result("belum_kompeten"),
        result("mengundurkan_diri"),
        latest("bekerja"),
        latest("wirausaha"),
        latest("melanjutkan"),
        latest("belum_bekerja"),
        latest("tidak_terlacak"),
        if one { "WHERE t.id = $1" } else { "" },
        if one { "WHERE t.id = $1" } else { "" },
    )
}

const TALLY_COLUMNS: &str = "training_id, sex, year, centre_id, province_code, regency_code, \
    kejuruan, funding, batches, trainees, kompeten, belum_kompeten, mengundurkan_diri, bekerja, \
    wirausaha, melanjutkan, belum_bekerja, tidak_terlacak";

const FIGURE_KEY: &str = "year, centre_id, kejuruan, funding, sex, province_code, regency_code";
/// The key of the per-province sums (`training_figures_by_province`).
const PROVINCE_KEY: &str = "year, province_code, kejuruan, funding, sex";

/// Adds (`sign` 1) or takes away (-1) a batch's tally from the figures.
async fn apply_tally(tx: &mut Tx, training_id: i64, sign: i64) -> Result<(), StoreError> {
    let values: Vec<String> = COUNTERS.iter().map(|c| format!("{sign} * {c}")).collect();
    for (table, key, conflict) in [
        (
            "training_figures",
            FIGURE_KEY,
            "year, centre_id, kejuruan, funding, sex",
        ),
        ("training_figures_by_province", PROVINCE_KEY, PROVINCE_KEY),
    ] {
        let sums: Vec<String> = COUNTERS
            .iter()
            .map(|c| format!("{c} = {table}.{c} + excluded.{c}"))
            .collect();
        let sql = Sql::new(format!(
            "INSERT INTO {table} ({key}, {counters}) \
             SELECT {key}, {values} FROM training_tallies WHERE training_id = $1 \
             ON CONFLICT ({conflict}) DO UPDATE SET {sums}",
            counters = COUNTERS.join(", "),
            values = values.join(", "),
            sums = sums.join(", "),
        ))
        .arg(training_id);
        tx.execute(sql).await?;
    }
    Ok(())
}

/// Brings a batch's contribution to the figures up to date, in the transaction of the
/// write that changed it: its old tally comes out, its new one goes in. The batch is held
/// ([`Tx::lock`]; callers take it first, before their own writes), so two changes to one
/// batch at once each count the other's: the last one's tally is computed from both.
pub async fn refresh_figures(tx: &mut Tx, training_id: i64) -> Result<(), StoreError> {
    tx.lock(super::model::TRAINING, training_id).await?;
    apply_tally(tx, training_id, -1).await?;
    tx.execute(Sql::new("DELETE FROM training_tallies WHERE training_id = $1").arg(training_id))
        .await?;
    tx.execute(
        Sql::new(format!(
            "INSERT INTO training_tallies ({TALLY_COLUMNS}) {}",
            tally_select(true)
        ))
        .arg(training_id),
    )
    .await?;
    apply_tally(tx, training_id, 1).await
}

/// Computes every tally and figure afresh (after a bulk load).
pub async fn rebuild_figures(tx: &mut Tx) -> Result<(), StoreError> {
    tx.execute(Sql::new("DELETE FROM training_figures")).await?;
    tx.execute(Sql::new("DELETE FROM training_figures_by_province"))
        .await?;
    tx.execute(Sql::new("DELETE FROM training_tallies")).await?;
    tx.execute(Sql::new(format!(
        "INSERT INTO training_tallies ({TALLY_COLUMNS}) {}",
        tally_select(false)
    )))
    .await?;
    let sums: Vec<String> = COUNTERS
        .iter()
        .map(|c| format!("CAST(SUM({c}) AS BIGINT)"))
        .collect();
    for (table, key) in [
        ("training_figures", FIGURE_KEY),
        ("training_figures_by_province", PROVINCE_KEY),
    ] {
        tx.execute(Sql::new(format!(
            "INSERT INTO {table} ({key}, {}) SELECT {key}, {} \
             FROM training_tallies GROUP BY {key}",
            COUNTERS.join(", "),
            sums.join(", ")
        )))
        .await?;
    }
    Ok(())
}

/// What the figures are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Province,
    Regency,
    Centre,
    Kejuruan,
    Funding,
    Sex,
    Year,
}

impl GroupBy {
    fn column(self) -> &'static str {
        match self {
            GroupBy::Province => "f.province_code",
            GroupBy::Regency => "f.regency_code",
            GroupBy::Centre => "CAST(f.centre_id AS TEXT)",
            GroupBy::Kejuruan => "f.kejuruan",
            GroupBy::Funding => "f.funding",
            GroupBy::Sex => "f.sex",
            GroupBy::Year => "CAST(f.year AS TEXT)",
        }
    }
}

/// The province of a scope that the per-province sums can answer (`Some("")` for the
/// nation), or `None` when the figures must come from each BLKK's.
fn province_level(key: Option<GroupBy>, f: &TrainingFilter, scope: &Scope) -> Option<String> {
    let by_area = matches!(key, Some(GroupBy::Regency | GroupBy::Centre));
    if by_area || f.centre.is_some() || !f.regency.trim().is_empty() {
        return None;
    }
    match scope {
        Scope::All => Some(String::new()),
        Scope::Region(code) if code.len() == 2 => Some(code.clone()),
        _ => None,
    }
}

fn figures_sql(key: Option<GroupBy>, f: &TrainingFilter, scope: &Scope) -> Sql {
    let sums: Vec<String> = COUNTERS
        .iter()
        .map(|c| format!("CAST(COALESCE(SUM(f.{c}), 0) AS BIGINT) AS {c}"))
        .collect();
    let traced = "CAST(COALESCE(SUM(f.bekerja + f.wirausaha + f.melanjutkan + f.belum_bekerja), 0) \
        AS BIGINT) AS traced";
    let province = province_level(key, f, scope);
    let table = if province.is_some() {
        "training_figures_by_province"
    } else {
        "training_figures"
    };
    let mut sql = Sql::new(format!(
        "SELECT {}{}, {traced} FROM {table} f WHERE 1 = 1",
        key.map(|k| format!("{} AS key, ", k.column()))
            .unwrap_or_default(),
        sums.join(", ")
    ));
    match province {
        Some(p) => {
            if !p.is_empty() {
                sql.push(" AND f.province_code = ").push_bind(p);
            }
            // No BLKK or regency filter here (see `province_level`), so no such column.
            push_filter(&mut sql, &FIGURES, f, &Scope::All);
        }
        None => push_filter(&mut sql, &FIGURES, f, scope),
    }
    if let Some(k) = key {
        sql.push(" GROUP BY ").push(k.column()).push(" ORDER BY 1");
    }
    sql
}

/// The figures of the batches matching, in a scope.
pub async fn figures(db: &Db, f: &TrainingFilter, scope: &Scope) -> Result<Figures, StoreError> {
    db.fetch_one(figures_sql(None, f, scope)).await
}

/// A figure row of a breakdown.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KeyedFigures {
    pub key: String,
    #[sqlx(flatten)]
    pub figures: Figures,
}

/// The figures broken down by `key`.
pub async fn figures_by(
    db: &Db,
    key: GroupBy,
    f: &TrainingFilter,
    scope: &Scope,
) -> Result<Vec<KeyedFigures>, StoreError> {
    db.fetch_all(figures_sql(Some(key), f, scope)).await
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

// ---- Work waiting ----------------------------------------------------------------------

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
