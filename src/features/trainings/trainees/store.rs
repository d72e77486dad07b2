//! Persons in the database: their own data, what each BLKK knows about them, the codes
//! that link the two, their consents, and the log of who looked at their personal data.

use time::OffsetDateTime;

use super::model::{AccessAction, ConsentPurpose, Person};
use crate::kernel::db::{Arg, Columns, Db, Sql, StoreError, Tx};

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
        (
            crate::features::trainings::batches::model::ENROLMENT,
            ids(enrolments),
        ),
        (
            crate::features::trainings::applications::model::APPLICATION,
            ids(applications),
        ),
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
    purpose: ConsentPurpose,
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
    action: AccessAction,
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
    action: AccessAction,
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
