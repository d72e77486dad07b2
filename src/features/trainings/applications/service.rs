//! Public application use cases: upcoming batches for the public, an application with
//! consent to the notice, and its BLKK's decision (accepting enrols the applicant). Each
//! checks access once, validates, and writes in one transaction with its audit entry.

use serde_json::json;
use time::Date;

use super::model::{
    self, APPLICATION, Application, ApplicationStatus, PublicFilter, PublicTraining,
};
use super::store;
use crate::features::accounts;
use crate::features::notifications::service::{self as notifications, Kind, Notice};
use crate::features::trainings::batches::model::{ENROLMENT, TRAINING, TrainingRecord};
use crate::features::trainings::batches::service::PAGE_SIZE;
use crate::features::trainings::trainees::model::{NOTICE_VERSION, Person, PersonInput};
use crate::features::trainings::{batches, figures, trainees};
use crate::kernel::access::{Actor, Role};
use crate::kernel::audit;
use crate::kernel::db::Db;
use crate::kernel::error::AppError;
use crate::kernel::records;
use crate::kernel::time::{now, today};
use crate::kernel::validate::FieldErrors;
use crate::kernel::web::paging::{Paged, Window};
use crate::kernel::work::WorkItem;

/// The public search counts its matches up to this many.
pub const PUBLIC_COUNT_CAP: i64 = 1000;

/// One application, for those who manage its batch.
pub async fn application(
    db: &Db,
    actor: &Actor,
    application_id: i64,
) -> Result<Application, AppError> {
    let a = store::application(db, application_id)
        .await?
        .ok_or(AppError::NotFound)?;
    batches::service::for_edit(db, actor, a.training_id).await?;
    Ok(a)
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
    let t = batches::service::get(db, id)
        .await?
        .ok_or(AppError::NotFound)?;
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
    let t = batches::service::get(db, training_id)
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
    let (person_id, new) = trainees::service::find_or_add_person(db, &mut tx, &p).await?;
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
    trainees::service::add_consent(
        &mut tx,
        person_id,
        trainees::model::ConsentPurpose::Pendaftaran,
        NOTICE_VERSION,
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
        &batches::service::created(json!({"training_id": training_id, "person_id": person_id})),
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
    let t = batches::service::for_edit(db, actor, training_id).await?;
    let list = store::applications(db, training_id).await?;
    let persons: Vec<i64> = list.iter().map(|a| a.person_id).collect();
    trainees::service::log_access(
        db,
        &persons,
        actor.user_id,
        trainees::model::AccessAction::View,
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
    let t = batches::service::for_edit(db, actor, a.training_id).await?;
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
        let enrolment = batches::service::enrol_person(&mut tx, &t, a.person_id).await?;
        let typed = Person {
            nik: None,
            name: a.name.clone(),
            sex: a.sex,
            birth_date: None,
            phone: a.phone.clone().unwrap_or_default(),
            address: a.address.clone().unwrap_or_default(),
            email: a.email.clone().unwrap_or_default(),
        };
        trainees::service::keep_person_record(
            &mut tx,
            a.person_id,
            t.training.centre_id,
            &typed,
            a.new_person,
            now(),
        )
        .await?;
        let own = trainees::service::person_in(&mut tx, a.person_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let same_person = a.new_person || own.email.eq_ignore_ascii_case(&typed.email);
        if !typed.email.is_empty()
            && same_person
            && !trainees::service::has_account(&mut tx, a.person_id).await?
            && let Some(user) = accounts::service::invite_trainee_in(
                &mut tx,
                actor,
                base,
                &typed.email,
                &typed.name,
            )
            .await?
        {
            trainees::service::link_user(&mut tx, a.person_id, user).await?;
        }
        if !a.new_person {
            trainees::service::tell_enrolled(&mut tx, a.person_id, &t).await?;
        }
        figures::service::refresh_figures(&mut tx, t.id).await?;
        audit::record_now(
            &mut tx,
            Some(actor.user_id),
            ENROLMENT,
            enrolment,
            "create",
            &batches::service::created(json!({"training_id": t.id, "person_id": a.person_id, "application_id": application_id})),
        )
        .await?;
    }
    audit::record_now(
        &mut tx,
        Some(actor.user_id),
        APPLICATION,
        application_id,
        "decide",
        &batches::service::created(json!({"status": status})),
    )
    .await?;
    let decided = store::application_in(&mut tx, application_id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(decided)
}

/// The batch an application is for.
pub async fn training_of_application(db: &Db, application_id: i64) -> Result<i64, AppError> {
    let a = store::application(db, application_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(a.training_id)
}

// ---- The record kinds ----------------------------------------------------------------

/// Applications as records others refer to. Applicants are named by their batch only: a
/// person's name is for their BLKK's pages.
pub fn kinds() -> Vec<records::Kind> {
    vec![crate::record_kind!(
        APPLICATION,
        resolve_applications,
        readable_applications
    )]
}

async fn resolve_applications(db: &Db, ids: &[i64]) -> Result<Vec<records::RecordRef>, AppError> {
    Ok(batches::service::batch_of(db, "applications", ids)
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
    for (id, _, training) in batches::service::batch_of(db, "applications", ids).await? {
        if batches::service::for_edit(db, actor, training)
            .await
            .is_ok()
        {
            out.push(id);
        }
    }
    Ok(out)
}

// ---- The work queue ------------------------------------------------------------------

/// A BLKK's applications waiting, by batch, for its managers on `day`.
pub async fn work(db: &Db, actor: &Actor, day: Date) -> Result<Vec<WorkItem>, AppError> {
    let mut out = Vec::new();
    if let (Role::Pengelola, Some(centre)) = (actor.role, actor.org_id) {
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
    }
    Ok(out)
}
