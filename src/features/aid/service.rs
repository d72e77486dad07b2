//! Aid program use cases: the ministry defines programs and allocates them to BLKK (inside
//! the program's region); everyone with BLKK in their scope reads the programs and the
//! allocations in their scope, each with what it realised from the records.

use super::model::{AID_PROGRAM, AllocationInput, AllocationRecord, ProgramInput, ProgramRecord};
use super::store;
use crate::features::centres;
use crate::kernel::access::{self, Actor, Scope};
use crate::kernel::audit;
use crate::kernel::db::Db;
use crate::kernel::error::AppError;
use crate::kernel::time::now;
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
    let c = centres::store::get(db, a.centre_id)
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
    let realisation = store::realisation(db, &p, &a).await?;
    Ok(store::record(
        id,
        program_id,
        a,
        c.profile.name.clone(),
        c.place.province_code.clone(),
        realisation,
    ))
}

/// A page of a program's allocations in the actor's scope, each with its realisation.
pub async fn allocations(
    db: &Db,
    actor: &Actor,
    program_id: i64,
    page: i64,
) -> Result<(ProgramRecord, Paged<AllocationRecord>), AppError> {
    let scope = reader(actor)?;
    let p = store::program(db, program_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let w = Window::new(page, PAGE_SIZE);
    let (rows, total) = store::allocations(db, program_id, &scope, w.size, w.offset()).await?;
    let mut items = Vec::new();
    for (id, a, name, province, pid) in rows {
        let r = store::realisation(db, &p, &a).await?;
        items.push(store::record(id, pid, a, name, province, r));
    }
    Ok((p, Paged::new(items, total, w)))
}
