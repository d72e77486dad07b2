//! Batch use cases: plan and change batches, enrol trainees (found by NIK, never
//! duplicated), record attendance and results, close a batch, and a trainee's certificate.
//! Each checks access once, validates, and writes in one transaction with its audit entry
//! and the figures it changes.

use serde_json::{Value, json};
use time::Date;

use super::model::{
    self, ENROLMENT, Enrolment, ResultInput, TRAINING, TrainingFilter, TrainingInput,
    TrainingRecord,
};
use super::store;
use crate::features::centres::{self, model::CentreRecord};
use crate::features::trainings::trainees::model::AccessAction;
use crate::features::trainings::trainees::model::{NOTICE_VERSION, Person, PersonInput};
use crate::features::trainings::{figures, tracer, trainees};
use crate::features::{kejuruan, orgs};
use crate::kernel::access::{self, Actor, Role, Scope};
use crate::kernel::audit;
use crate::kernel::db::{Db, Tx};
use crate::kernel::error::AppError;
use crate::kernel::records;
use crate::kernel::time::now;
use crate::kernel::validate::FieldErrors;
use crate::kernel::web::paging::{Paged, Window};

pub const PAGE_SIZE: i64 = 50;

pub use crate::kernel::time::today;

pub(crate) fn created(values: Value) -> Vec<audit::Change> {
    audit::created(values.as_object().expect("an object"))
}

pub(crate) async fn centre(db: &Db, id: i64) -> Result<CentreRecord, AppError> {
    centres::service::find(db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// A batch the actor may see (its BLKK is in their scope).
pub async fn view(db: &Db, actor: &Actor, id: i64) -> Result<TrainingRecord, AppError> {
    let t = store::get(db, id).await?.ok_or(AppError::NotFound)?;
    let c = centre(db, t.training.centre_id).await?;
    access::allow(centres::model::can_view(Some(actor), &c.facts()))?;
    Ok(t)
}

/// A batch the actor may change (its BLKK's managers, admins).
pub async fn for_edit(db: &Db, actor: &Actor, id: i64) -> Result<TrainingRecord, AppError> {
    let t = view(db, actor, id).await?;
    access::allow(model::can_manage(actor, t.training.centre_id))?;
    Ok(t)
}

/// The BLKK whose batches the actor plans: an admin's choice, else their own.
pub fn planning_centre(actor: &Actor, given: Option<i64>) -> Result<i64, AppError> {
    let centre_id = match (given, actor.org_id) {
        (Some(c), _) => c,
        (None, Some(own)) if actor.role == Role::Pengelola => own,
        (None, _) if actor.is_admin() => return Err(AppError::invalid("centre_id", "required")),
        _ => return Err(AppError::Forbidden),
    };
    access::allow(model::can_manage(actor, centre_id))?;
    Ok(centre_id)
}

/// The actor's scope for batch lists and figures (none for partners and trainees), once the
/// filter is within its documented bounds.
pub(crate) fn figures_scope(actor: &Actor, f: &TrainingFilter) -> Result<Scope, AppError> {
    let scope = actor.centre_scope();
    access::allow(scope != Scope::Nothing)?;
    f.check()?;
    Ok(scope)
}

/// One page of batches in the actor's scope.
pub async fn list(
    db: &Db,
    actor: &Actor,
    f: &TrainingFilter,
    page: i64,
) -> Result<Paged<TrainingRecord>, AppError> {
    let scope = figures_scope(actor, f)?;
    let w = Window::new(page, PAGE_SIZE);
    let (items, total) = store::list(db, f, &scope, w.size, w.offset()).await?;
    Ok(Paged::new(items, total, w))
}

/// The `n`-th chunk of the batch list, for its export.
pub async fn export_chunk(
    db: &Db,
    actor: &Actor,
    f: &TrainingFilter,
    n: i64,
    size: i64,
) -> Result<Vec<TrainingRecord>, AppError> {
    let scope = figures_scope(actor, f)?;
    Ok(store::list(db, f, &scope, size, n * size).await?.0)
}

/// The references a batch makes must exist: its kejuruan, its partner (a mitra), and its
/// instructors (instruktur of the same BLKK).
async fn check_references(db: &Db, t: &model::Training) -> Result<(), AppError> {
    let mut e = FieldErrors::new();
    let known = kejuruan::service::catalogue(db).await?;
    if !known.iter().any(|k| k.code == t.kejuruan) {
        e.add("kejuruan", "invalid_choice");
    }
    if let Some(p) = t.partner_id {
        match orgs::service::find(db, p).await? {
            Some(o) if o.org.kind == orgs::model::OrgKind::Mitra => {}
            _ => e.add("partner_id", "invalid_choice"),
        }
    }
    let staff = store::instructors(db, t.centre_id).await?;
    if t.instructor_ids
        .iter()
        .any(|i| !staff.iter().any(|(s, _)| s == i))
    {
        e.add("instructor_ids", "invalid_choice");
    }
    e.finish(()).map_err(AppError::Invalid)
}

/// Plans a batch.
pub async fn create(
    db: &Db,
    actor: &Actor,
    input: &TrainingInput,
) -> Result<TrainingRecord, AppError> {
    let centre_id = planning_centre(actor, input.centre_id)?;
    let c = match centres::service::find(db, centre_id).await? {
        Some(c) => c,
        None => return Err(AppError::invalid("centre_id", "not_found")),
    };
    let t = input.validate(None, centre_id)?;
    check_references(db, &t).await?;
    let mut tx = db.begin().await?;
    let id = store::insert(
        &mut tx,
        &t,
        (&c.place.province_code, &c.place.regency_code),
        now(),
    )
    .await?;
    figures::service::refresh_figures(&mut tx, id).await?;
    audit::record_now(
        &mut tx,
        Some(actor.user_id),
        TRAINING,
        id,
        "create",
        &audit::created(&audit::snapshot(&t)),
    )
    .await?;
    tx.commit().await?;
    store::get(db, id).await?.ok_or(AppError::NotFound)
}

/// Changes a batch that is not closed. Fewer seats than trainees is refused.
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: &TrainingInput,
) -> Result<TrainingRecord, AppError> {
    let current = for_edit(db, actor, id).await?;
    let version = AppError::based_on(input.version)?;
    if current.is_closed() {
        return Err(AppError::invalid("title", "batch_closed"));
    }
    if input
        .centre_id
        .is_some_and(|c| c != current.training.centre_id)
    {
        return Err(AppError::invalid("centre_id", "cannot_change"));
    }
    if version != current.version {
        return Err(AppError::Stale);
    }
    let t = input.validate(Some(&current.training), current.training.centre_id)?;
    check_references(db, &t).await?;
    let changes = audit::diff(&audit::snapshot(&current.training), &audit::snapshot(&t));
    if changes.is_empty() {
        return Ok(current);
    }
    let mut tx = db.begin().await?;
    tx.lock(TRAINING, id).await?;
    // Counted now, the batch held: a trainee enrolled meanwhile counts.
    let enrolled = store::get_in(&mut tx, id).await?.map_or(0, |b| b.enrolled);
    if t.quota < enrolled {
        return Err(AppError::invalid("quota", "below_enrolled"));
    }
    store::update(&mut tx, id, version, &t, now()).await?;
    figures::service::refresh_figures(&mut tx, id).await?;
    audit::record_now(
        &mut tx,
        Some(actor.user_id),
        TRAINING,
        id,
        "update",
        &changes,
    )
    .await?;
    tx.commit().await?;
    store::get(db, id).await?.ok_or(AppError::NotFound)
}

/// Closes a batch once it has ended and every trainee has a result.
pub async fn close(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: Option<i64>,
) -> Result<TrainingRecord, AppError> {
    let t = for_edit(db, actor, id).await?;
    let version = AppError::based_on(version)?;
    if t.is_closed() {
        return Err(AppError::invalid("title", "batch_closed"));
    }
    if version != t.version {
        return Err(AppError::Stale);
    }
    if t.training.end_date > today() {
        return Err(AppError::invalid("end_date", "before_batch_end"));
    }
    let mut tx = db.begin().await?;
    // The batch held: a trainee enrolled meanwhile is seen here, or waits and finds it closed.
    tx.lock(TRAINING, id).await?;
    if store::results_missing(&mut tx, id).await? {
        return Err(AppError::invalid("result", "results_missing"));
    }
    store::close(&mut tx, id, version, now()).await?;
    audit::record_now(
        &mut tx,
        Some(actor.user_id),
        TRAINING,
        id,
        "close",
        &created(json!({"closed": true})),
    )
    .await?;
    tx.commit().await?;
    store::get(db, id).await?.ok_or(AppError::NotFound)
}

/// A batch's trainees as the actor may see them; personal data only for the BLKK's users
/// and admins, each view logged for the trainees.
pub async fn enrolments(
    db: &Db,
    actor: &Actor,
    id: i64,
    context: &str,
) -> Result<(TrainingRecord, Vec<Enrolment>, bool), AppError> {
    read_enrolments(db, actor, id, AccessAction::View, context).await
}

/// Like [`enrolments`], for an export (logged as one).
pub async fn enrolments_export(
    db: &Db,
    actor: &Actor,
    id: i64,
    context: &str,
) -> Result<(TrainingRecord, Vec<Enrolment>, bool), AppError> {
    read_enrolments(db, actor, id, AccessAction::Export, context).await
}

async fn read_enrolments(
    db: &Db,
    actor: &Actor,
    id: i64,
    action: AccessAction,
    context: &str,
) -> Result<(TrainingRecord, Vec<Enrolment>, bool), AppError> {
    let t = view(db, actor, id).await?;
    let list = store::enrolments(db, id).await?;
    if !model::sees_personal_data(actor, t.training.centre_id) {
        return Ok((t, list.into_iter().map(Enrolment::masked).collect(), false));
    }
    let persons: Vec<i64> = list
        .iter()
        .filter(|e| e.nik.is_some())
        .map(|e| e.person_id)
        .collect();
    trainees::service::log_access(db, &persons, actor.user_id, action, context, now()).await?;
    Ok((t, list, true))
}

/// Puts a person in a batch: not twice, not in two batches at once, not beyond the quota,
/// not once it is closed (read here, the caller holding the batch: [`Tx::lock`]).
pub(crate) async fn enrol_person(
    tx: &mut Tx,
    t: &TrainingRecord,
    person_id: i64,
) -> Result<i64, AppError> {
    if store::get_in(tx, t.id)
        .await?
        .is_none_or(|now| now.is_closed())
    {
        return Err(AppError::invalid("nik", "batch_closed"));
    }
    if store::overlapping(
        tx,
        person_id,
        t.training.start_date,
        t.training.end_date,
        t.id,
    )
    .await?
    .is_some()
    {
        return Err(AppError::invalid("nik", "overlapping_batch"));
    }
    if !store::take_seat(tx, t.id).await? {
        return Err(AppError::invalid("nik", "batch_full"));
    }
    match store::insert_enrolment(tx, t, person_id, now()).await {
        Err(crate::kernel::db::StoreError::Duplicate { .. }) => {
            Err(AppError::invalid("nik", "already_enrolled"))
        }
        other => Ok(other?),
    }
}

/// Enrols a trainee by NIK (an existing person is found, not duplicated), with their
/// consent to the notice.
pub async fn enrol(
    db: &Db,
    actor: &Actor,
    training_id: i64,
    input: &PersonInput,
) -> Result<Enrolment, AppError> {
    let t = for_edit(db, actor, training_id).await?;
    let p = input.validate(today())?;
    let mut tx = db.begin().await?;
    tx.lock(TRAINING, t.id).await?;
    let (person_id, new) = trainees::service::find_or_add_person(db, &mut tx, &p).await?;
    let id = enrol_person(&mut tx, &t, person_id).await?;
    trainees::service::keep_person_record(
        &mut tx,
        person_id,
        t.training.centre_id,
        &p.person,
        new,
        now(),
    )
    .await?;
    if !new {
        trainees::service::tell_enrolled(&mut tx, person_id, &t).await?;
    }
    trainees::service::add_consent(
        &mut tx,
        person_id,
        trainees::model::ConsentPurpose::Pelatihan,
        NOTICE_VERSION,
        Some(t.id),
        now(),
    )
    .await?;
    figures::service::refresh_figures(&mut tx, t.id).await?;
    audit::record_now(
        &mut tx,
        Some(actor.user_id),
        ENROLMENT,
        id,
        "create",
        &created(json!({"training_id": t.id, "person_id": person_id, "name": p.person.name})),
    )
    .await?;
    tx.commit().await?;
    store::enrolment(db, id).await?.ok_or(AppError::NotFound)
}

/// An enrolment and its batch, for someone who may teach in it.
async fn for_teaching(
    db: &Db,
    actor: &Actor,
    enrolment_id: i64,
) -> Result<(Enrolment, TrainingRecord), AppError> {
    let e = store::enrolment(db, enrolment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let t = view(db, actor, e.training_id).await?;
    access::allow(model::can_teach(actor, &t.training))?;
    Ok((e, t))
}

/// One trainee as the actor may see them (personal data only for the BLKK's users and
/// admins).
pub async fn enrolment(db: &Db, actor: &Actor, enrolment_id: i64) -> Result<Enrolment, AppError> {
    let e = store::enrolment(db, enrolment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let t = view(db, actor, e.training_id).await?;
    Ok(if model::sees_personal_data(actor, t.training.centre_id) {
        e
    } else {
        e.masked()
    })
}

/// Records a trainee's result (and certificate numbers, each unique). Refused if someone
/// else recorded one since `version`.
pub async fn set_result(
    db: &Db,
    actor: &Actor,
    enrolment_id: i64,
    input: &ResultInput,
) -> Result<Enrolment, AppError> {
    let (e, t) = for_teaching(db, actor, enrolment_id).await?;
    let version = AppError::based_on(input.version)?;
    if t.is_closed() {
        return Err(AppError::invalid("result", "batch_closed"));
    }
    if version != e.version {
        return Err(AppError::Stale);
    }
    let r = input.validate(t.training.end_date, today())?;
    let next = if r.result.graduated() {
        tracer::service::next_due(
            t.training.end_date,
            &tracer::service::schedule_months(db).await?,
            e.latest_date,
        )
    } else {
        None
    };
    let before = json!({"result": e.result, "certificate_no": e.certificate_no,
        "bnsp_certificate_no": e.bnsp_certificate_no});
    let after = json!({"result": r.result, "certificate_no": r.certificate_no,
        "bnsp_certificate_no": r.bnsp_certificate_no});
    let changes = audit::diff(
        before.as_object().expect("an object"),
        after.as_object().expect("an object"),
    );
    if changes.is_empty() {
        return Ok(e);
    }
    let mut tx = db.begin().await?;
    tx.lock(TRAINING, t.id).await?;
    store::set_result(&mut tx, enrolment_id, version, &r, next, now()).await?;
    figures::service::refresh_figures(&mut tx, t.id).await?;
    audit::record_now(
        &mut tx,
        Some(actor.user_id),
        ENROLMENT,
        enrolment_id,
        "result",
        &changes,
    )
    .await?;
    tx.commit().await?;
    store::enrolment(db, enrolment_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Records who was present on `day` (a day of the batch, not in the future).
pub async fn set_attendance(
    db: &Db,
    actor: &Actor,
    training_id: i64,
    day: Date,
    present: &[i64],
) -> Result<(), AppError> {
    let t = view(db, actor, training_id).await?;
    access::allow(model::can_teach(actor, &t.training))?;
    if day < t.training.start_date || day > t.training.end_date {
        return Err(AppError::invalid("day", "outside_batch"));
    }
    if day > today() {
        return Err(AppError::invalid("day", "in_future"));
    }
    let list = store::enrolments(db, training_id).await?;
    let marks: Vec<(i64, bool)> = list
        .iter()
        .map(|e| (e.id, present.contains(&e.id)))
        .collect();
    let mut tx = db.begin().await?;
    store::set_attendance(&mut tx, day, &marks).await?;
    let n = marks.iter().filter(|(_, p)| *p).count();
    audit::record_now(
        &mut tx,
        Some(actor.user_id),
        TRAINING,
        training_id,
        "attendance",
        &created(json!({"day": day.to_string(), "present": n, "of": marks.len()})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Who was recorded present on `day`, or `None` when attendance was not recorded that day
/// (for those who record it).
pub async fn attendance_on(
    db: &Db,
    actor: &Actor,
    training_id: i64,
    day: Date,
) -> Result<Option<Vec<i64>>, AppError> {
    let t = view(db, actor, training_id).await?;
    access::allow(model::can_teach(actor, &t.training))?;
    let marks = store::attendance_on(db, training_id, day).await?;
    Ok((!marks.is_empty()).then(|| {
        marks
            .into_iter()
            .filter_map(|(e, present)| present.then_some(e))
            .collect()
    }))
}

/// What a trainee's certificate of a batch shows: their name as they keep it, the batch,
/// and their result. Only their own, and only with the result `kompeten`.
pub async fn my_certificate(
    db: &Db,
    actor: &Actor,
    enrolment_id: i64,
) -> Result<(Person, Enrolment, TrainingRecord), AppError> {
    let (person_id, _, person) = trainees::service::own_person(db, actor).await?;
    let e = store::enrolment(db, enrolment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    access::allow(e.person_id == person_id)?;
    if e.result != Some(model::Competence::Kompeten) {
        return Err(AppError::NotFound);
    }
    let t = store::get(db, e.training_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((person, e, t))
}

/// The instructors a batch at this BLKK may have, for the form.
pub async fn instructors(db: &Db, centre_id: i64) -> Result<Vec<(i64, String)>, AppError> {
    Ok(store::instructors(db, centre_id).await?)
}

/// The batch an enrolment belongs to.
pub async fn training_of_enrolment(db: &Db, enrolment_id: i64) -> Result<i64, AppError> {
    let e = store::enrolment(db, enrolment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(e.training_id)
}

// ---- For the other parts of trainings ------------------------------------------------

/// A batch, whoever asks (the caller checks access).
pub(crate) async fn get(db: &Db, id: i64) -> Result<Option<TrainingRecord>, AppError> {
    Ok(store::get(db, id).await?)
}

/// [`get`] in a transaction (seeing its own writes).
pub(crate) async fn get_in(tx: &mut Tx, id: i64) -> Result<Option<TrainingRecord>, AppError> {
    Ok(store::get_in(tx, id).await?)
}

/// An enrolment with its personal data, whoever asks (the caller checks access and masks).
pub(crate) async fn enrolment_record(db: &Db, id: i64) -> Result<Option<Enrolment>, AppError> {
    Ok(store::enrolment(db, id).await?)
}

/// A person's enrolments, newest first.
pub(crate) async fn enrolments_of_person(
    db: &Db,
    person_id: i64,
) -> Result<Vec<Enrolment>, AppError> {
    Ok(store::enrolments_of_person(db, person_id).await?)
}

/// `(id, batch title, batch)` of those of `ids` in `table` (`enrolments` or
/// `applications`).
pub(crate) async fn batch_of(
    db: &Db,
    table: &str,
    ids: &[i64],
) -> Result<Vec<(i64, String, i64)>, AppError> {
    Ok(store::batch_of(db, table, ids).await?)
}

// ---- The record kinds ----------------------------------------------------------------

/// Batches and their trainees as records others refer to. Trainees are named by their batch
/// only: a person's name is for their BLKK's pages.
pub fn kinds() -> Vec<records::Kind> {
    vec![
        crate::record_kind!(TRAINING, resolve_trainings, readable_trainings),
        crate::record_kind!(ENROLMENT, resolve_enrolments, readable_enrolments),
    ]
}

async fn resolve_trainings(db: &Db, ids: &[i64]) -> Result<Vec<records::RecordRef>, AppError> {
    let rows = store::training_names(db, ids).await?;
    Ok(records::named(TRAINING, rows, |id| {
        format!("/trainings/{id}")
    }))
}

async fn readable_trainings(db: &Db, actor: &Actor, ids: &[i64]) -> Result<Vec<i64>, AppError> {
    Ok(records::each_readable(ids, |id| view(db, actor, id)).await)
}

async fn resolve_enrolments(db: &Db, ids: &[i64]) -> Result<Vec<records::RecordRef>, AppError> {
    Ok(store::batch_of(db, "enrolments", ids)
        .await?
        .into_iter()
        .map(|(id, title, training)| records::RecordRef {
            entity: ENROLMENT.to_owned(),
            id,
            name: format!("Peserta · {title}"),
            href: format!("/trainings/{training}#e{id}"),
        })
        .collect())
}

async fn readable_enrolments(db: &Db, actor: &Actor, ids: &[i64]) -> Result<Vec<i64>, AppError> {
    let mut out = Vec::new();
    for (id, _, training) in store::batch_of(db, "enrolments", ids).await? {
        if view(db, actor, training).await.is_ok() {
            out.push(id);
        }
    }
    Ok(out)
}
