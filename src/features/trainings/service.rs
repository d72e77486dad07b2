//! Training use cases: plan and change batches, enrol trainees (found by NIK, never
//! duplicated), record attendance, results and outcomes, decide public applications, the
//! tracer list, figures in a scope, and a trainee's rights over their personal data. Each
//! checks access once, validates, and writes in one transaction with its audit entry and
//! the figures it changes.

use serde_json::{Value, json};
use time::{Date, Month};

use super::model::{
    self, APPLICATION, Application, ApplicationStatus, CheckedPerson, ENROLMENT, Enrolment,
    Figures, OutcomeInput, OutcomeRecord, PERSON, Person, PersonInput, PublicFilter,
    PublicTraining, Reporter, ResultInput, SCHEDULE, Schedule, TRAINING, TrainingFilter,
    TrainingInput, TrainingRecord,
};
use super::store;
pub use super::store::{AccessEntry, Consent, Due, GroupBy, KeyedFigures, LinkRequest};
use crate::features::centres::{self, model::CentreRecord};
use crate::features::notifications::service::{self as notifications, Kind, Notice};
use crate::features::{accounts, areas, kejuruan, mail, orgs};
use crate::kernel::access::{self, Actor, Role, Scope};
use crate::kernel::audit;
use crate::kernel::db::{Db, Tx};
use crate::kernel::error::AppError;
use crate::kernel::records;
use crate::kernel::time::now;
use crate::kernel::validate::FieldErrors;
use crate::kernel::web::paging::{Paged, Window};
use crate::kernel::work::WorkItem;

pub const PAGE_SIZE: i64 = 50;
/// The public search counts its matches up to this many.
pub const PUBLIC_COUNT_CAP: i64 = 1000;

pub use crate::kernel::time::today;

/// `d` plus `months`, on the same day of the month or the month's last day.
pub fn add_months(d: Date, months: i64) -> Date {
    let total = i64::from(d.year()) * 12 + i64::from(u8::from(d.month())) - 1 + months;
    let year = (total.div_euclid(12)) as i32;
    let month = Month::try_from((total.rem_euclid(12) + 1) as u8).unwrap_or(Month::January);
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, d.day().min(last)).unwrap_or(d)
}

/// The next follow-up of a graduate of a batch ending `end`, given the date of their latest
/// outcome: the first scheduled point after it (`None` when the schedule is done).
pub fn next_due(end: Date, schedule: &[i64], latest: Option<Date>) -> Option<Date> {
    schedule
        .iter()
        .map(|m| add_months(end, *m))
        .find(|due| latest.is_none_or(|l| *due > l))
}

fn created(values: Value) -> Vec<audit::Change> {
    audit::created(values.as_object().expect("an object"))
}

async fn centre(db: &Db, id: i64) -> Result<CentreRecord, AppError> {
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
fn figures_scope(actor: &Actor, f: &TrainingFilter) -> Result<Scope, AppError> {
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
    store::refresh_figures(&mut tx, id).await?;
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
    store::refresh_figures(&mut tx, id).await?;
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
    read_enrolments(db, actor, id, "view", context).await
}

/// Like [`enrolments`], for an export (logged as one).
pub async fn enrolments_export(
    db: &Db,
    actor: &Actor,
    id: i64,
    context: &str,
) -> Result<(TrainingRecord, Vec<Enrolment>, bool), AppError> {
    read_enrolments(db, actor, id, "export", context).await
}

async fn read_enrolments(
    db: &Db,
    actor: &Actor,
    id: i64,
    action: &str,
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
    store::log_access(db, &persons, actor.user_id, action, context, now()).await?;
    Ok((t, list, true))
}

/// The person of a checked input, found by NIK or added: `(id, new)`. A person already
/// known keeps their stored data untouched: what this input says is kept only as the
/// record of the BLKK that typed it (or on the application), never shown to another. The
/// NIK's district must exist.
async fn find_or_add_person(
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
async fn tell_enrolled(tx: &mut Tx, person_id: i64, t: &TrainingRecord) -> Result<(), AppError> {
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

/// Puts a person in a batch: not twice, not in two batches at once, not beyond the quota,
/// not once it is closed (read here, the caller holding the batch: [`Tx::lock`]).
async fn enrol_person(tx: &mut Tx, t: &TrainingRecord, person_id: i64) -> Result<i64, AppError> {
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
    let (person_id, new) = find_or_add_person(db, &mut tx, &p).await?;
    let id = enrol_person(&mut tx, &t, person_id).await?;
    store::keep_person_record(
        &mut tx,
        person_id,
        t.training.centre_id,
        &p.person,
        new,
        now(),
    )
    .await?;
    if !new {
        tell_enrolled(&mut tx, person_id, &t).await?;
    }
    store::add_consent(
        &mut tx,
        person_id,
        "pelatihan",
        model::NOTICE_VERSION,
        Some(t.id),
        now(),
    )
    .await?;
    store::refresh_figures(&mut tx, t.id).await?;
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

/// One application, for those who manage its batch.
pub async fn application(
    db: &Db,
    actor: &Actor,
    application_id: i64,
) -> Result<Application, AppError> {
    let a = store::application(db, application_id)
        .await?
        .ok_or(AppError::NotFound)?;
    for_edit(db, actor, a.training_id).await?;
    Ok(a)
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
        next_due(
            t.training.end_date,
            &store::schedule(db).await?,
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
    store::refresh_figures(&mut tx, t.id).await?;
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

/// How the actor relates to an enrolment's outcomes: who reports when they record one.
async fn outcome_access(
    db: &Db,
    actor: &Actor,
    e: &Enrolment,
) -> Result<(TrainingRecord, Reporter), AppError> {
    let t = store::get(db, e.training_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if actor.role == Role::Peserta {
        let own = store::person_of_user(db, actor.user_id).await?;
        access::allow(own.is_some_and(|(id, _, _)| id == e.person_id))?;
        return Ok((t, Reporter::Alumni));
    }
    if actor.role == Role::Mitra {
        access::allow(t.training.partner_id.is_some() && t.training.partner_id == actor.org_id)?;
        return Ok((t, Reporter::Mitra));
    }
    let c = centre(db, t.training.centre_id).await?;
    access::allow(centres::model::can_view(Some(actor), &c.facts()))?;
    Ok((t, Reporter::Blkk))
}

/// A graduate's outcomes, newest first.
pub async fn outcomes(
    db: &Db,
    actor: &Actor,
    enrolment_id: i64,
) -> Result<Vec<OutcomeRecord>, AppError> {
    let e = store::enrolment(db, enrolment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    outcome_access(db, actor, &e).await?;
    Ok(store::outcomes(db, enrolment_id).await?)
}

/// Records what became of a graduate: by their BLKK, the alumnus themself, or the batch's
/// partner. The latest (by date) sets the figures and the next follow-up.
pub async fn add_outcome(
    db: &Db,
    actor: &Actor,
    enrolment_id: i64,
    input: &OutcomeInput,
) -> Result<OutcomeRecord, AppError> {
    let e = store::enrolment(db, enrolment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (t, reporter) = outcome_access(db, actor, &e).await?;
    if reporter == Reporter::Blkk {
        // Of the BLKK's own people (or an admin), not those who only watch over it.
        access::allow(model::sees_personal_data(actor, t.training.centre_id))?;
    }
    if !e.result.is_some_and(model::Competence::graduated) {
        return Err(AppError::invalid("status", "not_a_graduate"));
    }
    let o = input.validate(t.training.end_date, today(), reporter)?;
    if reporter != Reporter::Blkk && o.reported_by != reporter {
        return Err(AppError::invalid("reported_by", "not_yours"));
    }
    if let Some(p) = o.partner_id {
        match orgs::service::find(db, p).await? {
            Some(org) if org.org.kind == orgs::model::OrgKind::Mitra => {}
            _ => return Err(AppError::invalid("partner_id", "invalid_choice")),
        }
    }
    let next = next_due(
        t.training.end_date,
        &store::schedule(db).await?,
        Some(o.date),
    );
    let mut tx = db.begin().await?;
    tx.lock(TRAINING, t.id).await?;
    let id = store::insert_outcome(&mut tx, enrolment_id, &o, Some(actor.user_id), now()).await?;
    if store::set_latest(&mut tx, enrolment_id, &o, next).await? {
        store::refresh_figures(&mut tx, t.id).await?;
    }
    audit::record_now(
        &mut tx,
        Some(actor.user_id),
        ENROLMENT,
        enrolment_id,
        "outcome",
        &audit::created(&audit::snapshot(&o)),
    )
    .await?;
    tx.commit().await?;
    store::outcomes(db, enrolment_id)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or(AppError::NotFound)
}

/// A BLKK's tracer list: graduates due (within a fortnight) or overdue for a follow-up,
/// and the BLKK's response and placement figures.
pub async fn tracer(
    db: &Db,
    actor: &Actor,
    centre_id: i64,
    page: i64,
) -> Result<(Paged<Due>, Figures), AppError> {
    let c = centre(db, centre_id).await?;
    access::allow(centres::model::can_view(Some(actor), &c.facts()))?;
    let w = Window::new(page, PAGE_SIZE);
    let until = today() + time::Duration::days(14);
    let (items, total) = store::due(db, centre_id, until, w.size, w.offset()).await?;
    let f = TrainingFilter {
        centre: Some(centre_id),
        ..Default::default()
    };
    let figures = store::figures(db, &f, &Scope::Centre(centre_id)).await?;
    Ok((Paged::new(items, total, w), figures))
}

/// Figures in the actor's scope, and the breakdown by `by`.
pub async fn stats(
    db: &Db,
    actor: &Actor,
    f: &TrainingFilter,
    by: Option<GroupBy>,
) -> Result<(Figures, Vec<KeyedFigures>), AppError> {
    let scope = figures_scope(actor, f)?;
    let total = store::figures(db, f, &scope).await?;
    let rows = match by {
        Some(k) => store::figures_by(db, k, f, &scope).await?,
        None => Vec::new(),
    };
    Ok((total, rows))
}

// ---- The public ----------------------------------------------------------------------

/// Upcoming batches open to the public.
pub async fn public_list(
    db: &Db,
    f: &PublicFilter,
    page: i64,
) -> Result<Paged<PublicTraining>, AppError> {
    let mut e = FieldErrors::new();
    let from = e.take("from", crate::kernel::validate::check::date(&f.from));
    let to = e.take("to", crate::kernel::validate::check::date(&f.to));
    if !matches!(f.cost.as_str(), "" | "gratis" | "berbayar") {
        e.add("cost", "invalid_choice");
    }
    e.finish(()).map_err(AppError::Invalid)?;
    let from = from.filter(|d| *d > today()).unwrap_or_else(today);
    let w = Window::new(page, PAGE_SIZE);
    let (items, total) =
        store::public_list(db, f, from, to, w.size, w.offset(), PUBLIC_COUNT_CAP).await?;
    Ok(Paged::new(items, total, w))
}

/// A public batch, and whether it still takes applications.
pub async fn public_view(db: &Db, id: i64) -> Result<(PublicTraining, bool), AppError> {
    let t = store::get(db, id).await?.ok_or(AppError::NotFound)?;
    if !t.training.open_to_public {
        return Err(AppError::NotFound);
    }
    let public = store::public_get(db, id).await?.ok_or(AppError::NotFound)?;
    Ok((public, takes_applications(&t)))
}

/// Whether a batch still takes applications.
pub fn takes_applications(t: &TrainingRecord) -> bool {
    t.training.open_to_public
        && !t.is_closed()
        && t.training.start_date > today()
        && t.seats_left() > 0
}

/// An application from the public, with consent to the notice; its reference code. A
/// person already known by their NIK is linked, their stored data unchanged and never shown
/// to the receiving BLKK, which sees only what the applicant typed.
///
/// A NIK that already applied to the batch is answered exactly as a new application: the
/// same answer with the application's reference code, nothing written. So the answer never
/// tells whether someone applied with a NIK (whoever sends it may not be that person), and
/// the applicant who sends the form twice keeps one application and one code.
pub async fn apply(db: &Db, training_id: i64, input: &PersonInput) -> Result<String, AppError> {
    let t = store::get(db, training_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !t.training.open_to_public {
        return Err(AppError::NotFound);
    }
    if !takes_applications(&t) {
        return Err(AppError::invalid("nik", "applications_closed"));
    }
    let p = input.validate(today())?;
    let mut tx = db.begin().await?;
    let (person_id, new) = find_or_add_person(db, &mut tx, &p).await?;
    if let Some(code) = store::application_code(&mut tx, training_id, person_id).await? {
        return Ok(code);
    }
    let code = model::new_application_code(&mut rand::rng());
    let id = match store::insert_application(&mut tx, training_id, person_id, &p, new, &code, now())
        .await
    {
        Err(crate::kernel::db::StoreError::Duplicate { .. }) => {
            // The same NIK sent at the same moment: the application that came first.
            drop(tx);
            let mut tx = db.begin().await?;
            return store::application_code(&mut tx, training_id, person_id)
                .await?
                .ok_or_else(|| {
                    AppError::internal(anyhow::anyhow!("a duplicate application not found"))
                });
        }
        other => other?,
    };
    store::add_consent(
        &mut tx,
        person_id,
        "pendaftaran",
        model::NOTICE_VERSION,
        Some(training_id),
        now(),
    )
    .await?;
    audit::record_now(
        &mut tx,
        None,
        APPLICATION,
        id,
        "create",
        &created(json!({"training_id": training_id, "person_id": person_id})),
    )
    .await?;
    // The BLKK's managers decide it; what the applicant typed stays on the batch's page.
    notifications::tell(
        &mut tx,
        t.training.centre_id,
        &["pengelola"],
        &Notice {
            kind: Kind::ApplicationReceived,
            entity: APPLICATION,
            entity_id: id,
            link: &format!("/trainings/{training_id}#pendaftar"),
            reference: "",
            text: &format!(
                "{} (mulai {}): pendaftar baru menunggu keputusan",
                t.training.title, t.training.start_date
            ),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(code)
}

/// A batch's applications, for those who manage it (contacts in full, the view logged).
pub async fn applications(
    db: &Db,
    actor: &Actor,
    training_id: i64,
) -> Result<Vec<Application>, AppError> {
    let t = for_edit(db, actor, training_id).await?;
    let list = store::applications(db, training_id).await?;
    let persons: Vec<i64> = list.iter().map(|a| a.person_id).collect();
    store::log_access(
        db,
        &persons,
        actor.user_id,
        "view",
        &format!("Pendaftar {}", t.training.title),
        now(),
    )
    .await?;
    Ok(list)
}

/// Accepts or declines an application that is still waiting, read at `version`. Accepting
/// enrols the applicant with what they typed as the BLKK's record of them. An account is
/// invited only for a person who was new with this application, or at the e-mail the
/// person gave before: an application with someone else's NIK opens nobody's data.
pub async fn decide(
    db: &Db,
    actor: &Actor,
    base: &str,
    application_id: i64,
    accept: bool,
    version: Option<i64>,
) -> Result<Application, AppError> {
    let a = store::application(db, application_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let t = for_edit(db, actor, a.training_id).await?;
    let version = AppError::based_on(version)?;
    let status = if accept {
        ApplicationStatus::Diterima
    } else {
        ApplicationStatus::Ditolak
    };
    let mut tx = db.begin().await?;
    tx.lock(TRAINING, t.id).await?;
    if !store::decide(
        &mut tx,
        application_id,
        version,
        status,
        actor.user_id,
        now(),
    )
    .await?
    {
        let now_is = store::application_in(&mut tx, application_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if now_is.status != ApplicationStatus::Menunggu {
            return Err(AppError::invalid("status", "already_decided"));
        }
        return Err(AppError::Stale);
    }
    if accept {
        let enrolment = enrol_person(&mut tx, &t, a.person_id).await?;
        let typed = Person {
            nik: None,
            name: a.name.clone(),
            sex: a.sex,
            birth_date: None,
            phone: a.phone.clone().unwrap_or_default(),
            address: a.address.clone().unwrap_or_default(),
            email: a.email.clone().unwrap_or_default(),
        };
        store::keep_person_record(
            &mut tx,
            a.person_id,
            t.training.centre_id,
            &typed,
            a.new_person,
            now(),
        )
        .await?;
        let own = store::person_in(&mut tx, a.person_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let same_person = a.new_person || own.email.eq_ignore_ascii_case(&typed.email);
        if !typed.email.is_empty()
            && same_person
            && !store::has_account(&mut tx, a.person_id).await?
            && let Some(user) = accounts::service::invite_trainee_in(
                &mut tx,
                actor,
                base,
                &typed.email,
                &typed.name,
            )
            .await?
        {
            store::link_user(&mut tx, a.person_id, user).await?;
        }
        if !a.new_person {
            tell_enrolled(&mut tx, a.person_id, &t).await?;
        }
        store::refresh_figures(&mut tx, t.id).await?;
        audit::record_now(
            &mut tx,
            Some(actor.user_id),
            ENROLMENT,
            enrolment,
            "create",
            &created(json!({"training_id": t.id, "person_id": a.person_id, "application_id": application_id})),
        )
        .await?;
    }
    audit::record_now(
        &mut tx,
        Some(actor.user_id),
        APPLICATION,
        application_id,
        "decide",
        &created(json!({"status": status})),
    )
    .await?;
    let decided = store::application_in(&mut tx, application_id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(decided)
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
async fn own_person(db: &Db, actor: &Actor) -> Result<(i64, i64, Person), AppError> {
    access::allow(actor.role == Role::Peserta)?;
    store::person_of_user(db, actor.user_id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn my_data(db: &Db, actor: &Actor) -> Result<MyData, AppError> {
    let (id, version, person) = own_person(db, actor).await?;
    let mut trainings = Vec::new();
    for e in store::enrolments_of_person(db, id).await? {
        let t = store::get(db, e.training_id)
            .await?
            .ok_or(AppError::NotFound)?;
        trainings.push(MyTraining {
            outcomes: store::outcomes(db, e.id).await?,
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

/// What a trainee's certificate of a batch shows: their name as they keep it, the batch,
/// and their result. Only their own, and only with the result `kompeten`.
pub async fn my_certificate(
    db: &Db,
    actor: &Actor,
    enrolment_id: i64,
) -> Result<(Person, Enrolment, TrainingRecord), AppError> {
    let (person_id, _, person) = own_person(db, actor).await?;
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
        &created(json!({"fields": fields})),
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
        &created(json!({"erased": true})),
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
    let e = store::enrolment(db, enrolment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let t = for_edit(db, actor, e.training_id).await?;
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
        "view",
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
    store::enrolment(db, enrolment_id)
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
    let t = store::get_in(&mut tx, training_id)
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

/// The batch an application is for.
pub async fn training_of_application(db: &Db, application_id: i64) -> Result<i64, AppError> {
    let a = store::application(db, application_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(a.training_id)
}

/// A graduate's outcomes with the trainee (personal data masked) and their batch, for the
/// outcome page.
/// A graduate's outcomes page: the enrolment (masked), its batch, the outcomes, and
/// whether the actor may record one (as `add_outcome` decides).
pub async fn outcome_page(
    db: &Db,
    actor: &Actor,
    enrolment_id: i64,
) -> Result<(Enrolment, TrainingRecord, Vec<OutcomeRecord>, bool), AppError> {
    let outcomes = outcomes(db, actor, enrolment_id).await?;
    let e = store::enrolment(db, enrolment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (t, reporter) = outcome_access(db, actor, &e).await?;
    let may_record =
        reporter != Reporter::Blkk || model::sees_personal_data(actor, t.training.centre_id);
    Ok((e.masked(), t, outcomes, may_record))
}

/// The names of BLKK (or any organisations) by id, for the figures' rows.
pub async fn names(db: &Db, ids: &[i64]) -> Result<Vec<(i64, String)>, AppError> {
    orgs::service::names(db, ids).await
}

// ---- The follow-up schedule ----------------------------------------------------------

/// The follow-up schedule, for anyone signed in.
pub async fn schedule(db: &Db) -> Result<Schedule, AppError> {
    Ok(Schedule {
        months: store::schedule(db).await?,
        version: Some(store::schedule_version(db).await?),
    })
}

/// Changes the follow-up schedule read at its `version` (ministry admins). Pending
/// follow-ups are recalculated at once; a graduate whose follow-ups were done gets a new
/// point only if it lies ahead.
pub async fn change_schedule(
    db: &Db,
    actor: &Actor,
    input: &Schedule,
) -> Result<(Schedule, usize), AppError> {
    access::admin(actor)?;
    let version = AppError::based_on(input.version)?;
    let months = input.validate().map_err(AppError::Invalid)?;
    let current = schedule(db).await?;
    if current.version != Some(version) {
        return Err(AppError::Stale);
    }
    let old = current.months;
    if old == months {
        return Ok((current_with(months, version), 0));
    }
    let today = today();
    let longest = months.iter().copied().max().unwrap_or(0);
    let since = add_months(today, -longest);
    let mut tx = db.begin().await?;
    if !store::bump_schedule_version(&mut tx, version).await? {
        return Err(AppError::Stale);
    }
    store::replace_schedule(&mut tx, &months).await?;
    let changed: Vec<(i64, Option<Date>)> = store::follow_ups(&mut tx, since)
        .await?
        .into_iter()
        .filter_map(|f| {
            let next = next_due(f.end_date, &months, f.latest_date)
                .filter(|d| f.next_due.is_some() || *d >= today);
            (next != f.next_due).then_some((f.id, next))
        })
        .collect();
    store::set_next_due(&mut tx, &changed).await?;
    audit::record_now(
        &mut tx,
        Some(actor.user_id),
        SCHEDULE,
        1,
        "update",
        &[audit::Change {
            field: "months".to_owned(),
            old: json!(old),
            new: json!(months),
        }],
    )
    .await?;
    tx.commit().await?;
    Ok((current_with(months, version + 1), changed.len()))
}

fn current_with(months: Vec<i64>, version: i64) -> Schedule {
    Schedule {
        months,
        version: Some(version),
    }
}

// ---- The record kinds ----------------------------------------------------------------

/// Batches, trainees, applications, persons and the tracer schedule as records others
/// refer to. Trainees and applicants are named by their batch only: a person's name is
/// for their BLKK's pages.
pub fn kinds() -> Vec<records::Kind> {
    vec![
        crate::record_kind!(TRAINING, resolve_trainings, readable_trainings),
        crate::record_kind!(ENROLMENT, resolve_enrolments, readable_enrolments),
        crate::record_kind!(APPLICATION, resolve_applications, readable_applications),
        crate::record_kind!(PERSON, resolve_persons, readable_persons),
        crate::record_kind!(SCHEDULE, resolve_schedule, readable_schedule),
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

async fn resolve_applications(db: &Db, ids: &[i64]) -> Result<Vec<records::RecordRef>, AppError> {
    Ok(store::batch_of(db, "applications", ids)
        .await?
        .into_iter()
        .map(|(id, title, training)| records::RecordRef {
            entity: APPLICATION.to_owned(),
            id,
            name: format!("Pendaftar · {title}"),
            href: format!("/trainings/{training}#pendaftar"),
        })
        .collect())
}

async fn readable_applications(db: &Db, actor: &Actor, ids: &[i64]) -> Result<Vec<i64>, AppError> {
    let mut out = Vec::new();
    for (id, _, training) in store::batch_of(db, "applications", ids).await? {
        if for_edit(db, actor, training).await.is_ok() {
            out.push(id);
        }
    }
    Ok(out)
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

async fn resolve_schedule(_db: &Db, ids: &[i64]) -> Result<Vec<records::RecordRef>, AppError> {
    Ok(ids
        .iter()
        .map(|id| records::RecordRef {
            entity: SCHEDULE.to_owned(),
            id: *id,
            name: "Jadwal tracer study".to_owned(),
            href: "/trainings/schedule".to_owned(),
        })
        .collect())
}

async fn readable_schedule(_db: &Db, _actor: &Actor, ids: &[i64]) -> Result<Vec<i64>, AppError> {
    Ok(ids.to_vec())
}

// ---- The work queue ------------------------------------------------------------------

/// The training work of the actor: a BLKK's applications waiting (by batch) and graduates
/// to follow up; a partner's graduates to report on; a trainee's own follow-up questions.
pub async fn work(db: &Db, actor: &Actor) -> Result<Vec<WorkItem>, AppError> {
    let day = today();
    let mut out = Vec::new();
    match (actor.role, actor.org_id) {
        (Role::Pengelola, Some(centre)) => {
            for (id, title, start, n) in store::applications_waiting(db, centre).await? {
                let mut item = WorkItem::new(
                    "applications_waiting",
                    n,
                    format!("/trainings/{id}#pendaftar"),
                )
                .due(start, day);
                item.record = Some(records::RecordRef {
                    entity: TRAINING.to_owned(),
                    id,
                    name: title,
                    href: item.href.clone(),
                });
                out.push(item);
            }
            out.extend(follow_ups(
                store::follow_ups_due(db, store::FollowUpsOf::Centre(centre), day).await?,
                "tracer_due",
                "/trainings/tracer",
                day,
            ));
        }
        (Role::Mitra, Some(org)) => out.extend(follow_ups(
            store::follow_ups_due(db, store::FollowUpsOf::Partner(org), day).await?,
            "partner_follow_up",
            "/trainings",
            day,
        )),
        (Role::Peserta, _) => {
            for (id, due) in store::my_follow_ups(db, actor.user_id, day).await? {
                out.push(
                    WorkItem::new("my_follow_up", 1, format!("/enrolments/{id}/outcomes"))
                        .due(due, day),
                );
            }
        }
        _ => {}
    }
    Ok(out)
}

fn follow_ups(
    (n, first): (i64, Option<Date>),
    kind: &str,
    href: &str,
    day: Date,
) -> Option<WorkItem> {
    let item = WorkItem::new(kind, n, href);
    Some(match first {
        Some(d) => item.due(d, day),
        None => item,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn months_keep_the_day_or_take_the_last() {
        assert_eq!(add_months(date!(2026 - 01 - 31), 1), date!(2026 - 02 - 28));
        assert_eq!(add_months(date!(2026 - 11 - 15), 2), date!(2027 - 01 - 15));
        assert_eq!(add_months(date!(2026 - 06 - 30), 12), date!(2027 - 06 - 30));
    }

    #[test]
    fn follow_ups_fall_due_after_the_latest_answer() {
        let end = date!(2026 - 01 - 10);
        let s = [1, 6, 12];
        assert_eq!(next_due(end, &s, None), Some(date!(2026 - 02 - 10)));
        assert_eq!(
            next_due(end, &s, Some(date!(2026 - 02 - 20))),
            Some(date!(2026 - 07 - 10))
        );
        assert_eq!(next_due(end, &s, Some(date!(2027 - 01 - 10))), None);
    }
}
