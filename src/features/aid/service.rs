//! Aid program use cases: the ministry defines programs and allocates them to BLKK (inside
//! the program's region); everyone with BLKK in their scope reads the programs and the
//! allocations in their scope, each with what it realised from the records.

use super::model::{
    self, AID_PROGRAM, AllocationInput, AllocationRecord, ProgramInput, ProgramRecord,
};
use super::store;
use crate::features::centres;
use crate::kernel::access::{self, Actor, Scope};
use crate::kernel::audit;
use crate::kernel::db::Db;
use crate::kernel::error::AppError;
use crate::kernel::time::{now, today};
use crate::kernel::web::paging::{Paged, Window};

pub const PAGE_SIZE: i64 = 50;

fn reader(actor: &Actor) -> Result<Scope, AppError> {
    let scope = actor.centre_scope();
    access::allow(scope != Scope::Nothing)?;
    Ok(scope)
}

pub async fn programs(db: &Db, actor: &Actor) -> Result<Vec<ProgramRecord>, AppError> {
    reader(actor)?;
    Ok(store::programs(db).await?)
}

pub async fn program(db: &Db, actor: &Actor, id: i64) -> Result<ProgramRecord, AppError> {
    reader(actor)?;
    store::program(db, id).await?.ok_or(AppError::NotFound)
}

/// The ministry defines a program.
pub async fn create_program(
    db: &Db,
    actor: &Actor,
    input: &ProgramInput,
) -> Result<ProgramRecord, AppError> {
    access::allow(actor.is_admin())?;
    let p = input.validate()?;
    if let Some(a) = &p.area_code
        && !store::area_exists(db, a).await?
    {
        return Err(AppError::invalid("area_code", "not_found"));
    }
    if store::known_types(db, &p.obligations).await?.len() != p.obligations.len() {
        return Err(AppError::invalid("obligations", "invalid_choice"));
    }
    let mut tx = db.begin().await?;
    let id = store::insert_program(&mut tx, &p, now()).await?;
    audit::record_now(
        &mut tx,
        Some(actor.user_id),
        AID_PROGRAM,
        id,
        "create",
        &audit::created(&audit::snapshot(&p)),
    )
    .await?;
    tx.commit().await?;
    store::program(db, id).await?.ok_or(AppError::NotFound)
}

/// The ministry allocates a program to a BLKK: an active BLKK, inside the program's region.
pub async fn allocate(
    db: &Db,
    actor: &Actor,
    program_id: i64,
    input: &AllocationInput,
) -> Result<AllocationRecord, AppError> {
    access::allow(actor.is_admin())?;
    let p = store::program(db, program_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let a = input.validate()?;
    if !crate::kernel::records::may_choose(db, actor, centres::model::ENTITY, a.centre_id).await? {
        return Err(AppError::invalid("centre_id", "not_choosable"));
    }
    let c = centres::service::find(db, a.centre_id)
        .await?
        .ok_or(AppError::invalid("centre_id", "not_found"))?;
    if let Some(area) = &p.program.area_code
        && &c.place.province_code != area
        && &c.place.regency_code != area
    {
        return Err(AppError::invalid("centre_id", "outside_region"));
    }
    let mut tx = db.begin().await?;
    let id = store::insert_allocation(&mut tx, program_id, &a, now()).await?;
    audit::record_now(
        &mut tx,
        Some(actor.user_id),
        AID_PROGRAM,
        program_id,
        "allocate",
        &audit::created(&audit::snapshot(&a)),
    )
    .await?;
    tx.commit().await?;
    let realisation = store::realisations(db, &p, std::slice::from_ref(&a))
        .await?
        .pop()
        .unwrap_or_default();
    Ok(store::record(
        id,
        program_id,
        a,
        c.profile.name.clone(),
        c.place.province_code.clone(),
        realisation,
        model::elapsed(p.program.budget_year, today()),
    ))
}

/// The form's BLKK picker: the one chosen (if the actor may choose it) and what `q` finds.
pub async fn centre_picker(
    db: &Db,
    actor: &Actor,
    chosen: Option<i64>,
    q: &str,
) -> Result<crate::kernel::web::picker::RecordPicker, AppError> {
    crate::kernel::web::picker::RecordPicker::load(
        db,
        actor,
        "centre_id",
        centres::model::ENTITY,
        chosen,
        q,
    )
    .await
}

/// Which of a program's allocations to list, and how.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AllocationView {
    /// Only those behind schedule.
    pub behind: bool,
    /// The most behind first (else by BLKK name).
    pub by_lag: bool,
}

/// A page of a program's allocations in the actor's scope, each with its realisation (read
/// for the whole page at once) and how it lags the time elapsed. Filtered to those behind
/// or sorted by lag, every allocation of the scope is weighed first (a program has at most
/// a few thousand), then paged.
pub async fn allocations(
    db: &Db,
    actor: &Actor,
    program_id: i64,
    page: i64,
    view: AllocationView,
) -> Result<(ProgramRecord, Paged<AllocationRecord>), AppError> {
    let scope = reader(actor)?;
    let p = store::program(db, program_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let w = Window::new(page, PAGE_SIZE);
    let whole = view.behind || view.by_lag;
    let (limit, offset) = if whole {
        (i64::MAX, 0)
    } else {
        (w.size, w.offset())
    };
    let (rows, total) = store::allocations(db, program_id, &scope, limit, offset).await?;
    let allocations: Vec<_> = rows.iter().map(|(_, a, ..)| a.clone()).collect();
    let realised = store::realisations(db, &p, &allocations).await?;
    let elapsed = model::elapsed(p.program.budget_year, today());
    let mut items: Vec<AllocationRecord> = rows
        .into_iter()
        .zip(realised)
        .map(|((id, a, name, province, pid), r)| {
            store::record(id, pid, a, name, province, r, elapsed)
        })
        .collect();
    if !whole {
        return Ok((p, Paged::new(items, total, w)));
    }
    if view.behind {
        items.retain(|a| a.behind);
    }
    if view.by_lag {
        items.sort_by(|a, b| {
            b.lag
                .unwrap_or(f64::MIN)
                .partial_cmp(&a.lag.unwrap_or(f64::MIN))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
    }
    let total = items.len() as i64;
    let items = items
        .into_iter()
        .skip(w.offset() as usize)
        .take(w.size as usize)
        .collect();
    Ok((p, Paged::new(items, total, w)))
}

// ---- The record kind -----------------------------------------------------------------

/// Aid programs as records others refer to, and choose (a visit checking one).
pub fn kinds() -> Vec<crate::kernel::records::Kind> {
    vec![crate::record_kind!(
        AID_PROGRAM,
        resolve,
        readable,
        pick,
        readable
    )]
}

async fn resolve(db: &Db, ids: &[i64]) -> Result<Vec<crate::kernel::records::RecordRef>, AppError> {
    let rows = store::names(db, ids).await?;
    Ok(crate::kernel::records::named(AID_PROGRAM, rows, |id| {
        format!("/aid/{id}")
    }))
}

async fn readable(db: &Db, actor: &Actor, ids: &[i64]) -> Result<Vec<i64>, AppError> {
    Ok(crate::kernel::records::each_readable(ids, |id| program(db, actor, id)).await)
}

/// Programs by name or year, newest first.
async fn pick(
    db: &Db,
    actor: &Actor,
    q: &str,
    limit: i64,
) -> Result<Vec<crate::kernel::records::Pickable>, AppError> {
    let words: Vec<String> = q.split_whitespace().map(str::to_lowercase).collect();
    Ok(programs(db, actor)
        .await?
        .into_iter()
        .filter(|p| {
            let name = p.program.name.to_lowercase();
            let year = p.program.budget_year.to_string();
            words
                .iter()
                .all(|w| name.contains(w.as_str()) || year == *w)
        })
        .take(usize::try_from(limit).unwrap_or(0))
        .map(|p| crate::kernel::records::Pickable {
            id: p.id,
            detail: p.program.budget_year.to_string(),
            name: p.program.name,
        })
        .collect())
}

// ---- The work queue ------------------------------------------------------------------

/// The ministry's aid work: this year's PBK allocations with no batch started yet.
pub async fn work(db: &Db, actor: &Actor) -> Result<Vec<crate::kernel::work::WorkItem>, AppError> {
    if !actor.is_admin() {
        return Ok(Vec::new());
    }
    let year = crate::kernel::time::this_year();
    let n = store::allocations_without_batch(db, year).await?;
    Ok(vec![crate::kernel::work::WorkItem::new(
        "allocation_behind",
        n,
        "/aid",
    )])
}

/// An aid program, if it exists, for another feature that has checked access itself (a
/// visit planned under a program).
pub async fn find_program(db: &Db, id: i64) -> Result<Option<ProgramRecord>, AppError> {
    Ok(store::program(db, id).await?)
}
