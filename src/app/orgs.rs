//! Organisation use cases (admins manage; members see their own).

use super::{AppError, now};
use crate::domain::access::{self, Actor};
use crate::domain::audit;
use crate::domain::org::{OrgFields, OrgInput, OrgKind};
use crate::storage::audit::{AuditEntry, Entity};
use crate::storage::orgs::{self, Org, OrgFilter};
use crate::storage::{Db, users};

pub const PAGE_SIZE: i64 = 50;

pub async fn list(
    db: &Db,
    actor: &Actor,
    filter: &OrgFilter,
    page: i64,
) -> Result<(Vec<Org>, i64), AppError> {
    if !access::can_administer(actor) {
        return Err(AppError::Forbidden);
    }
    let page = page.max(1);
    Ok(orgs::list(db, filter, PAGE_SIZE, (page - 1) * PAGE_SIZE).await?)
}

/// An organisation the actor may see, with its member accounts.
pub async fn view(db: &Db, actor: &Actor, id: i64) -> Result<(Org, Vec<users::Member>), AppError> {
    let org = orgs::get(db, id).await?.ok_or(AppError::NotFound)?;
    if !access::can_view_org(actor, org.id, org.kind()) {
        return Err(AppError::Forbidden);
    }
    let members = users::members(db, id).await?;
    Ok((org, members))
}

/// The area must exist in the reference data.
async fn check_area(db: &Db, fields: &OrgFields) -> Result<(), AppError> {
    if let Some(code) = &fields.area_code
        && crate::storage::areas::get(db, code.as_str())
            .await?
            .is_none()
    {
        return Err(AppError::invalid("area_code", "unknown_area"));
    }
    Ok(())
}

pub async fn create(db: &Db, actor: &Actor, input: &OrgInput) -> Result<i64, AppError> {
    if !access::can_administer(actor) {
        return Err(AppError::Forbidden);
    }
    let fields = input.validate()?;
    check_area(db, &fields).await?;
    let at = now();
    let mut tx = db.begin().await?;
    let id = orgs::insert(&mut tx, &fields, at).await?;
    let changes = audit::created(&fields.audit_values());
    crate::storage::audit::record(
        &mut tx,
        Some(actor.user_id),
        Entity::Org,
        id,
        "create",
        &changes,
        at,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: &OrgInput,
    version: i64,
) -> Result<(), AppError> {
    if !access::can_administer(actor) {
        return Err(AppError::Forbidden);
    }
    let current = orgs::get(db, id).await?.ok_or(AppError::NotFound)?;
    if current.kind() == OrgKind::Blkk {
        return Err(AppError::NotFound);
    }
    let mut input = input.clone();
    // The kind of an organisation never changes: users and scopes depend on it.
    input.kind = current.kind.clone();
    let fields = input.validate()?;
    check_area(db, &fields).await?;
    let at = now();
    let mut tx = db.begin().await?;
    orgs::update(&mut tx, id, version, &fields, at).await?;
    let changes = audit::diff(&current.fields().audit_values(), &fields.audit_values());
    crate::storage::audit::record(
        &mut tx,
        Some(actor.user_id),
        Entity::Org,
        id,
        "update",
        &changes,
        at,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn history(db: &Db, actor: &Actor, id: i64) -> Result<(Org, Vec<AuditEntry>), AppError> {
    let (org, _) = view(db, actor, id).await?;
    let entries = crate::storage::audit::history(db, Entity::Org, id, 200).await?;
    Ok((org, entries))
}
