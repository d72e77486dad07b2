//! Tracer study use cases: what became of a graduate (recorded by their BLKK, themself or
//! the batch's partner), a BLKK's tracer list, the follow-up schedule, and the follow-ups
//! due. Each checks access once, validates, and writes in one transaction with its audit
//! entry and the figures it changes.

use serde_json::json;
use time::{Date, Month};

use super::model::{OutcomeInput, OutcomeRecord, Reporter, SCHEDULE, Schedule};
use super::store;
pub use super::store::Due;
use crate::features::centres;
use crate::features::orgs;
use crate::features::trainings::batches::model::{
    ENROLMENT, Enrolment, TRAINING, TrainingFilter, TrainingRecord,
};
use crate::features::trainings::batches::service::PAGE_SIZE;
use crate::features::trainings::figures::model::Figures;
use crate::features::trainings::{batches, figures, trainees};
use crate::kernel::access::{self, Actor, Role, Scope};
use crate::kernel::audit;
use crate::kernel::db::Db;
use crate::kernel::error::AppError;
use crate::kernel::records;
use crate::kernel::time::now;
use crate::kernel::web::paging::{Paged, Window};
use crate::kernel::work::WorkItem;

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

/// How the actor relates to an enrolment's outcomes: who reports when they record one.
async fn outcome_access(
    db: &Db,
    actor: &Actor,
    e: &Enrolment,
) -> Result<(TrainingRecord, Reporter), AppError> {
    let t = batches::service::get(db, e.training_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if actor.role == Role::Peserta {
        let own = trainees::service::person_of_user(db, actor.user_id).await?;
        access::allow(own.is_some_and(|(id, _, _)| id == e.person_id))?;
        return Ok((t, Reporter::Alumni));
    }
    if actor.role == Role::Mitra {
        access::allow(t.training.partner_id.is_some() && t.training.partner_id == actor.org_id)?;
        return Ok((t, Reporter::Mitra));
    }
    let c = batches::service::centre(db, t.training.centre_id).await?;
    access::allow(centres::model::can_view(Some(actor), &c.facts()))?;
    Ok((t, Reporter::Blkk))
}

/// A graduate's outcomes, newest first.
pub async fn outcomes(
    db: &Db,
    actor: &Actor,
    enrolment_id: i64,
) -> Result<Vec<OutcomeRecord>, AppError> {
    let e = batches::service::enrolment_record(db, enrolment_id)
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
    let e = batches::service::enrolment_record(db, enrolment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (t, reporter) = outcome_access(db, actor, &e).await?;
    if reporter == Reporter::Blkk {
        // Of the BLKK's own people (or an admin), not those who only watch over it.
        access::allow(batches::model::sees_personal_data(
            actor,
            t.training.centre_id,
        ))?;
    }
    if !e.result.is_some_and(batches::model::Competence::graduated) {
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
        figures::service::refresh_figures(&mut tx, t.id).await?;
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
    let c = batches::service::centre(db, centre_id).await?;
    access::allow(centres::model::can_view(Some(actor), &c.facts()))?;
    let w = Window::new(page, PAGE_SIZE);
    let until = today() + time::Duration::days(14);
    let (items, total) = store::due(db, centre_id, until, w.size, w.offset()).await?;
    let f = TrainingFilter {
        centre: Some(centre_id),
        ..Default::default()
    };
    let figures = figures::service::figures(db, &f, &Scope::Centre(centre_id)).await?;
    Ok((Paged::new(items, total, w), figures))
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
    let e = batches::service::enrolment_record(db, enrolment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (t, reporter) = outcome_access(db, actor, &e).await?;
    let may_record = reporter != Reporter::Blkk
        || batches::model::sees_personal_data(actor, t.training.centre_id);
    Ok((e.masked(), t, outcomes, may_record))
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

// ---- For the other parts of trainings ------------------------------------------------

/// The follow-up schedule's months.
pub(crate) async fn schedule_months(db: &Db) -> Result<Vec<i64>, AppError> {
    Ok(store::schedule(db).await?)
}

/// A graduate's outcomes, newest first, whoever asks (the caller checks access).
pub(crate) async fn outcomes_of(
    db: &Db,
    enrolment_id: i64,
) -> Result<Vec<OutcomeRecord>, AppError> {
    Ok(store::outcomes(db, enrolment_id).await?)
}

// ---- The record kinds ----------------------------------------------------------------

/// The tracer schedule as a record others refer to.
pub fn kinds() -> Vec<records::Kind> {
    vec![crate::record_kind!(
        SCHEDULE,
        resolve_schedule,
        readable_schedule
    )]
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

/// The follow-ups of the actor on `day`: a BLKK's graduates to follow up, a partner's
/// graduates to report on, a trainee's own follow-up questions.
pub async fn work(db: &Db, actor: &Actor, day: Date) -> Result<Vec<WorkItem>, AppError> {
    let mut out = Vec::new();
    match (actor.role, actor.org_id) {
        (Role::Pengelola, Some(centre)) => {
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
