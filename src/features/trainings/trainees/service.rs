//! Trainee use cases: a person found by NIK (never duplicated) and told when a BLKK enrols
//! them, and a trainee's rights over their personal data (UU PDP): a copy, corrections,
//! erasure, and consent before a BLKK's record is linked to their own data. Each checks
//! access once, validates, and writes in one transaction with its audit entry.

use serde_json::json;
use time::Date;

use super::model::{AccessAction, CheckedPerson, ConsentPurpose, PERSON, Person};
use super::store;
pub use super::store::{AccessEntry, Consent, LinkRequest};
use crate::features::trainings::batches::model::{ENROLMENT, Enrolment, TrainingRecord};
use crate::features::trainings::tracer::model::OutcomeRecord;
use crate::features::trainings::{batches, tracer};
use crate::features::{accounts, areas, mail};
use crate::kernel::access::{self, Actor, Role};
use crate::kernel::audit;
use crate::kernel::db::{Db, Tx};
use crate::kernel::error::AppError;
use crate::kernel::records;
use crate::kernel::time::now;
use crate::kernel::validate::FieldErrors;

/// The person of a checked input, found by NIK or added: `(id, new)`. A person already
/// known keeps their stored data untouched: what this input says is kept only as the
/// record of the BLKK that typed it (or on the application), never shown to another. The
/// NIK's district must exist.
pub(crate) async fn find_or_add_person(
    db: &Db,
    tx: &mut Tx,
    p: &CheckedPerson,
) -> Result<(i64, bool), AppError> {
    if areas::service::names(db, &[p.district.as_str()])
        .await?
        .is_empty()
    {
        return Err(AppError::invalid("nik", "nik_area"));
    }
    let nik = p.person.nik.as_deref().unwrap_or_default();
    match store::person_by_nik(tx, nik).await? {
        Some((id, stored)) => {
            if stored.sex != p.person.sex || stored.birth_date != p.person.birth_date {
                return Err(AppError::invalid("nik", "nik_mismatch"));
            }
            Ok((id, false))
        }
        None => Ok((store::insert_person(tx, &p.person, now()).await?, true)),
    }
}

/// Tells a person already known from elsewhere, at the contact they gave, that a BLKK
/// enrolled them: nobody is put in a batch without being able to know it.
pub(crate) async fn tell_enrolled(
    tx: &mut Tx,
    person_id: i64,
    t: &TrainingRecord,
) -> Result<(), AppError> {
    let Some(own) = store::person_in(tx, person_id).await? else {
        return Ok(());
    };
    if own.email.is_empty() {
        return Ok(());
    }
    let body = format!(
        "Anda terdaftar sebagai peserta pelatihan \"{}\" di {} ({} s.d. {}).\n\n\
         Jika Anda tidak mendaftar, hubungi BLK Komunitas tersebut atau admin Simandiri. \
         Data Anda yang tersimpan di BLK Komunitas lain tidak diperlihatkan kepada mereka.",
        t.training.title, t.centre_name, t.training.start_date, t.training.end_date
    );
    mail::service::queue(
        tx,
        &mail::model::Mail {
            to: own.email,
            subject: format!("Anda terdaftar di {}", t.centre_name),
            body,
            secret: false,
        },
    )
    .await?;
    Ok(())
}

// ---- The trainee's own data (UU PDP) -------------------------------------------------

/// Everything held about the signed-in trainee: their own data, each BLKK's record of them
/// in their trainings, outcomes, consents, who looked at their personal data, and the BLKK
/// waiting for their consent to link their records.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct MyData {
    pub person: Person,
    /// Send back as `version` (or `If-Match`) with a correction.
    pub version: i64,
    pub trainings: Vec<MyTraining>,
    pub consents: Vec<Consent>,
    pub access_log: Vec<AccessEntry>,
    pub link_requests: Vec<LinkRequest>,
}

impl crate::kernel::web::version::Versioned for MyData {
    fn version(&self) -> i64 {
        self.version
    }
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct MyTraining {
    pub enrolment: Enrolment,
    pub title: String,
    pub centre_name: String,
    #[serde(with = "crate::kernel::time::ymd")]
    #[schema(value_type = String, format = Date)]
    pub start_date: Date,
    #[serde(with = "crate::kernel::time::ymd")]
    #[schema(value_type = String, format = Date)]
    pub end_date: Date,
    pub outcomes: Vec<OutcomeRecord>,
}

/// The signed-in trainee's person: `(id, version, own data)`.
pub(crate) async fn own_person(db: &Db, actor: &Actor) -> Result<(i64, i64, Person), AppError> {
    access::allow(actor.role == Role::Peserta)?;
    store::person_of_user(db, actor.user_id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn my_data(db: &Db, actor: &Actor) -> Result<MyData, AppError> {
    let (id, version, person) = own_person(db, actor).await?;
    let mut trainings = Vec::new();
    for e in batches::service::enrolments_of_person(db, id).await? {
        let t = batches::service::get(db, e.training_id)
            .await?
            .ok_or(AppError::NotFound)?;
        trainings.push(MyTraining {
            outcomes: tracer::service::outcomes_of(db, e.id).await?,
            enrolment: e,
            title: t.training.title,
            centre_name: t.centre_name,
            start_date: t.training.start_date,
            end_date: t.training.end_date,
        });
    }
    Ok(MyData {
        person,
        version,
        trainings,
        consents: store::consents(db, id).await?,
        access_log: store::access_log(db, id, 500).await?,
        link_requests: store::link_requests(db, id, now()).await?,
    })
}

/// What a trainee may correct themself.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Correction {
    #[schema(max_length = 120)]
    pub name: String,
    #[schema(max_length = 30)]
    pub phone: String,
    #[schema(max_length = 300)]
    pub address: String,
    #[schema(max_length = 254)]
    pub email: String,
    /// The version of their data last read (`version` of `GET /me/data`).
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[schema(minimum = 1)]
    pub version: Option<i64>,
}

/// A trainee corrects their name and contacts (NIK and birth date through their BLKK). The
/// correction reaches the BLKK records linked to their own data.
pub async fn correct(db: &Db, actor: &Actor, c: &Correction) -> Result<Person, AppError> {
    use crate::kernel::validate::check;
    let (id, current, stored) = own_person(db, actor).await?;
    let version = AppError::based_on(c.version)?;
    let mut e = FieldErrors::new();
    let fixed = Person {
        name: e.take("name", check::required(&c.name, 120)),
        phone: e.take("phone", check::phone(&c.phone)),
        address: e.take("address", check::optional(&c.address, 300)),
        email: e.take("email", check::email(&c.email)),
        ..stored.clone()
    };
    e.finish(()).map_err(AppError::Invalid)?;
    if version != current {
        return Err(AppError::Stale);
    }
    let changes = audit::diff(&audit::snapshot(&stored), &audit::snapshot(&fixed));
    if changes.is_empty() {
        return Ok(stored);
    }
    // The log names the fields changed, not their values.
    let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
    let mut tx = db.begin().await?;
    if !store::update_person(&mut tx, id, version, &fixed, now()).await? {
        return Err(AppError::Stale);
    }
    store::correct_linked_records(&mut tx, id, &fixed, now()).await?;
    audit::record_now(
        &mut tx,
        Some(actor.user_id),
        PERSON,
        id,
        "correct",
        &batches::service::created(json!({"fields": fields})),
    )
    .await?;
    tx.commit().await?;
    Ok(fixed)
}

/// The name an erased person has from then on.
pub fn pseudonym(person_id: i64) -> String {
    format!("(dihapus P{person_id})")
}

/// Erases the trainee's personal data on their request: the person is anonymised
/// everywhere it was kept (each BLKK's record, applications, the audit trail's copies,
/// mail to them), their account closed and signed out; the counts stay right.
pub async fn erase(db: &Db, actor: &Actor) -> Result<(), AppError> {
    let (id, _, own) = own_person(db, actor).await?;
    let pseudonym = pseudonym(id);
    let mut tx = db.begin().await?;
    let mut secrets = store::personal_values(&mut tx, id).await?;
    secrets.extend(own.nik.clone());
    secrets.extend([own.name, own.phone, own.address, own.email]);
    let account = accounts::service::own_account_values(&mut tx, actor).await?;
    secrets.extend(account.iter().cloned());
    let mut refs = store::records_of_person(&mut tx, id).await?;
    refs.push((PERSON, vec![id]));
    refs.push((accounts::model::ENTITY, vec![actor.user_id]));
    store::erase_person(&mut tx, id, &pseudonym, now()).await?;
    accounts::service::close_own_account(&mut tx, actor).await?;
    mail::service::forget(&mut tx, &secrets).await?;
    audit::pseudonymise(&mut tx, &refs, &secrets, &pseudonym).await?;
    audit::record_now(
        &mut tx,
        Some(actor.user_id),
        PERSON,
        id,
        "erase",
        &batches::service::created(json!({"erased": true})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ---- Linking a BLKK's record to the person's own data --------------------------------

/// How long a link code is valid, and how many wrong tries it allows.
pub const LINK_CODE_VALID: time::Duration = time::Duration::minutes(30);

pub const LINK_CODE_TRIES: i64 = 5;

fn code_hash(person_id: i64, centre_id: i64, code: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{person_id}:{centre_id}:{}", code.trim()));
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// `a***@example.com`: enough for the BLKK to tell the person where the code went.
fn masked_email(email: &str) -> String {
    match email.split_once('@') {
        Some((user, domain)) => {
            let first: String = user.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

/// Where a link code went.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct LinkSent {
    /// The contact it was sent to, masked (`a***@example.com`); empty when the person is
    /// told only on their own page.
    pub sent_to: String,
    /// The person has an account and may also confirm there.
    pub on_their_page: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: time::OffsetDateTime,
}

/// An enrolment whose BLKK record the actor may link: one they manage, not yet linked.
async fn linkable(
    db: &Db,
    actor: &Actor,
    enrolment_id: i64,
) -> Result<(Enrolment, TrainingRecord), AppError> {
    let e = batches::service::enrolment_record(db, enrolment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let t = batches::service::for_edit(db, actor, e.training_id).await?;
    if e.linked {
        return Err(AppError::invalid("link", "already_linked"));
    }
    if e.nik.is_none() {
        return Err(AppError::invalid("link", "erased"));
    }
    Ok((e, t))
}

/// A BLKK asks to link its record of a trainee to the person's own data: a code goes to
/// the contact the person gave earlier (and to their own page, if they have an account).
/// The BLKK links by entering the code the person, present, reads out to them.
pub async fn request_link(db: &Db, actor: &Actor, enrolment_id: i64) -> Result<LinkSent, AppError> {
    use rand::Rng;
    let (e, t) = linkable(db, actor, enrolment_id).await?;
    let centre_id = t.training.centre_id;
    let mut tx = db.begin().await?;
    let own = store::person_in(&mut tx, e.person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let account = store::has_account(&mut tx, e.person_id).await?;
    if own.email.is_empty() && !account {
        return Err(AppError::invalid("link", "no_contact"));
    }
    let code = format!("{:06}", rand::rng().random_range(0..1_000_000));
    let expires_at = now() + LINK_CODE_VALID;
    store::put_link_code(
        &mut tx,
        e.person_id,
        centre_id,
        &code_hash(e.person_id, centre_id, &code),
        expires_at,
        actor.user_id,
        now(),
    )
    .await?;
    if !own.email.is_empty() {
        mail::service::queue(
            &mut tx,
            &mail::model::Mail {
                to: own.email.clone(),
                subject: format!("Kode persetujuan untuk {}", t.centre_name),
                body: format!(
                    "{} meminta izin memakai data diri Anda yang sudah tersimpan di Simandiri \
                     untuk pelatihan \"{}\".\n\nKode: {code}\n\nBerikan kode ini hanya jika \
                     Anda sedang berada di sana dan setuju. Kode berlaku 30 menit. Jika Anda \
                     tidak meminta ini, abaikan pesan ini.",
                    t.centre_name, t.training.title
                ),
                secret: true,
            },
        )
        .await?;
    }
    audit::record_now(
        &mut tx,
        Some(actor.user_id),
        ENROLMENT,
        enrolment_id,
        "link_request",
        &audit::note("link", "requested"),
    )
    .await?;
    tx.commit().await?;
    Ok(LinkSent {
        sent_to: if own.email.is_empty() {
            String::new()
        } else {
            masked_email(&own.email)
        },
        on_their_page: account,
        expires_at,
    })
}

/// Links the BLKK's record (marked linked, its empty fields filled from the person's own
/// data), logged in the person's access log as a read of data stored elsewhere.
async fn link(
    tx: &mut Tx,
    person_id: i64,
    t: &TrainingRecord,
    reader: i64,
    how: &str,
) -> Result<(), AppError> {
    let own = store::person_in(tx, person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    store::link_person_record(tx, person_id, t.training.centre_id, &own, now()).await?;
    store::log_access_in(
        tx,
        &[person_id],
        reader,
        AccessAction::View,
        &format!("Data diri ditautkan ke {} ({how})", t.centre_name),
        now(),
    )
    .await?;
    Ok(())
}

/// The BLKK enters the code the person read out: its record is linked.
pub async fn confirm_link(
    db: &Db,
    actor: &Actor,
    enrolment_id: i64,
    code: &str,
) -> Result<Enrolment, AppError> {
    let (e, t) = linkable(db, actor, enrolment_id).await?;
    let centre_id = t.training.centre_id;
    let mut tx = db.begin().await?;
    let Some(stored) = store::link_code(&mut tx, e.person_id, centre_id).await? else {
        return Err(AppError::invalid("code", "code_not_requested"));
    };
    if stored.expires_at <= now() || stored.attempts >= LINK_CODE_TRIES {
        return Err(AppError::invalid("code", "code_expired"));
    }
    if stored.code_hash != code_hash(e.person_id, centre_id, code) {
        store::miss_link_code(&mut tx, e.person_id, centre_id).await?;
        tx.commit().await?;
        return Err(AppError::invalid("code", "code_wrong"));
    }
    link(&mut tx, e.person_id, &t, actor.user_id, "kode").await?;
    audit::record_now(
        &mut tx,
        Some(actor.user_id),
        ENROLMENT,
        enrolment_id,
        "link",
        &audit::note("link", "code"),
    )
    .await?;
    tx.commit().await?;
    batches::service::enrolment_record(db, enrolment_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The trainee, signed in, agrees to a BLKK's waiting request.
pub async fn allow_link(db: &Db, actor: &Actor, centre_id: i64) -> Result<(), AppError> {
    let (id, _, _) = own_person(db, actor).await?;
    let mut tx = db.begin().await?;
    let Some(stored) = store::link_code(&mut tx, id, centre_id).await? else {
        return Err(AppError::NotFound);
    };
    if stored.expires_at <= now() {
        return Err(AppError::invalid("link", "code_expired"));
    }
    let Some(training_id) = store::latest_training_at(&mut tx, id, centre_id).await? else {
        return Err(AppError::NotFound);
    };
    let t = batches::service::get_in(&mut tx, training_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let reader = stored.requested_by.unwrap_or(actor.user_id);
    link(&mut tx, id, &t, reader, "disetujui peserta").await?;
    audit::record_now(
        &mut tx,
        Some(actor.user_id),
        PERSON,
        id,
        "link",
        &audit::note("link", t.centre_name.as_str()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ---- For the other parts of trainings ------------------------------------------------

/// Logs views or exports of these persons' personal data by `actor_id`.
pub(crate) async fn log_access(
    db: &Db,
    persons: &[i64],
    actor_id: i64,
    action: AccessAction,
    context: &str,
    now: time::OffsetDateTime,
) -> Result<(), AppError> {
    Ok(store::log_access(db, persons, actor_id, action, context, now).await?)
}

/// Keeps what a BLKK typed about a person (see [`store::keep_person_record`]).
pub(crate) async fn keep_person_record(
    tx: &mut Tx,
    person_id: i64,
    centre_id: i64,
    typed: &Person,
    linked: bool,
    now: time::OffsetDateTime,
) -> Result<(), AppError> {
    Ok(store::keep_person_record(tx, person_id, centre_id, typed, linked, now).await?)
}

/// Records a person's consent to the notice `notice` for `purpose`.
pub(crate) async fn add_consent(
    tx: &mut Tx,
    person_id: i64,
    purpose: ConsentPurpose,
    notice: &str,
    training_id: Option<i64>,
    now: time::OffsetDateTime,
) -> Result<(), AppError> {
    Ok(store::add_consent(tx, person_id, purpose, notice, training_id, now).await?)
}

/// A person's own data, in a transaction.
pub(crate) async fn person_in(tx: &mut Tx, id: i64) -> Result<Option<Person>, AppError> {
    Ok(store::person_in(tx, id).await?)
}

/// Whether the person has an account of their own.
pub(crate) async fn has_account(tx: &mut Tx, person_id: i64) -> Result<bool, AppError> {
    Ok(store::has_account(tx, person_id).await?)
}

/// Gives the person the account `user_id`, unless they have one.
pub(crate) async fn link_user(tx: &mut Tx, person_id: i64, user_id: i64) -> Result<(), AppError> {
    Ok(store::link_user(tx, person_id, user_id).await?)
}

/// The person whose account this is: `(id, version, person)`.
pub(crate) async fn person_of_user(
    db: &Db,
    user_id: i64,
) -> Result<Option<(i64, i64, Person)>, AppError> {
    Ok(store::person_of_user(db, user_id).await?)
}

// ---- The record kinds ----------------------------------------------------------------

/// Persons as records others refer to: never by their name.
pub fn kinds() -> Vec<records::Kind> {
    vec![crate::record_kind!(
        PERSON,
        resolve_persons,
        readable_persons
    )]
}

async fn resolve_persons(_db: &Db, ids: &[i64]) -> Result<Vec<records::RecordRef>, AppError> {
    Ok(ids
        .iter()
        .map(|id| records::RecordRef {
            entity: PERSON.to_owned(),
            id: *id,
            name: "Data diri peserta".to_owned(),
            href: String::new(),
        })
        .collect())
}

/// A person's own record: the person, and ministry admins.
async fn readable_persons(db: &Db, actor: &Actor, ids: &[i64]) -> Result<Vec<i64>, AppError> {
    if actor.is_admin() {
        return Ok(ids.to_vec());
    }
    let own = store::person_of_user(db, actor.user_id).await?;
    Ok(ids
        .iter()
        .copied()
        .filter(|id| own.as_ref().is_some_and(|(p, _, _)| p == id))
        .collect())
}
