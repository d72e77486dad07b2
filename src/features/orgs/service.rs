//! Organisation use cases: admins manage them; each organisation's own users see theirs.

use serde_json::json;

use super::model::{self, ENTITY, Org, OrgFilter, OrgInput, OrgKind, OrgRecord, OrgRef};
use super::store;
use crate::features::areas;
use crate::kernel::access::{self, Actor};
use crate::kernel::audit::{self, AuditEntry, Entry, Labels};
use crate::kernel::db::Db;
use crate::kernel::error::AppError;
use crate::kernel::records::{Pickable, RecordRef};
use crate::kernel::time::now;
use crate::kernel::web::paging::{Paged, Window};

pub const PAGE_SIZE: i64 = 50;

/// One page of organisations (admins).
pub async fn list(
    db: &Db,
    actor: &Actor,
    filter: &OrgFilter,
    page: i64,
) -> Result<Paged<OrgRecord>, AppError> {
    access::admin(actor)?;
    let w = Window::new(page, PAGE_SIZE);
    let (items, total) = store::list(db, filter, w.size, w.offset()).await?;
    Ok(Paged::new(items, total, w))
}

/// The `n`-th chunk (from 0) of `size` organisations of the list, for its export (admins).
pub async fn export_chunk(
    db: &Db,
    actor: &Actor,
    filter: &OrgFilter,
    n: i64,
    size: i64,
) -> Result<Vec<OrgRecord>, AppError> {
    access::admin(actor)?;
    Ok(store::list(db, filter, size, n * size).await?.0)
}

/// An organisation the actor may see.
pub async fn view(db: &Db, actor: &Actor, id: i64) -> Result<OrgRecord, AppError> {
    let org = store::get(db, id).await?.ok_or(AppError::NotFound)?;
    access::allow(model::can_view(actor, org.id, org.org.kind))?;
    Ok(org)
}

/// May open the form for a new organisation: admins.
pub fn for_new(actor: &Actor) -> Result<(), AppError> {
    access::admin(actor)
}

/// An organisation to change in the form: admins, and a partner's own users.
pub async fn for_edit(db: &Db, actor: &Actor, id: i64) -> Result<OrgRecord, AppError> {
    let org = view(db, actor, id).await?;
    if org.org.kind == OrgKind::Blkk {
        return Err(AppError::NotFound);
    }
    access::allow(model::can_edit(actor, org.id, org.org.kind))?;
    Ok(org)
}

/// The name of the organisation's area; the area must exist.
async fn area_name(db: &Db, org: &Org) -> Result<Option<String>, AppError> {
    let Some(code) = &org.area_code else {
        return Ok(None);
    };
    match areas::service::names(db, &[code.as_str()]).await?.pop() {
        Some((_, name)) => Ok(Some(name)),
        None => Err(AppError::invalid("area_code", "unknown_area")),
    }
}

/// Creates an organisation (admins); returns it as stored.
pub async fn create(db: &Db, actor: &Actor, input: &OrgInput) -> Result<OrgRecord, AppError> {
    access::admin(actor)?;
    let org = input.validate(None)?;
    let area_name = area_name(db, &org).await?;
    let at = now();
    let mut tx = db.begin().await?;
    let id = store::insert(&mut tx, &org, at).await?;
    audit::record(
        &mut tx,
        Entry {
            actor_id: Some(actor.user_id),
            entity: ENTITY,
            entity_id: id,
            action: "create",
            changes: &audit::created(&audit::snapshot(&org)),
            at,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(OrgRecord {
        id,
        version: 1,
        org,
        area_name,
    })
}

/// Changes an organisation (admins). Its kind never changes. A change that changes
/// nothing writes nothing: no new version, no history entry.
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: &OrgInput,
) -> Result<OrgRecord, AppError> {
    let current = store::get(db, id).await?.ok_or(AppError::NotFound)?;
    if current.org.kind == OrgKind::Blkk {
        // BLKK change through their profile.
        return Err(AppError::NotFound);
    }
    access::allow(model::can_view(actor, id, current.org.kind))?;
    access::allow(model::can_edit(actor, id, current.org.kind))?;
    let version = AppError::based_on(input.version)?;
    if version != current.version {
        return Err(AppError::Stale);
    }
    let org = input.validate(Some(&current.org))?;
    let changes = audit::diff(&audit::snapshot(&current.org), &audit::snapshot(&org));
    if changes.is_empty() {
        return Ok(current);
    }
    let area_name = area_name(db, &org).await?;
    let at = now();
    let mut tx = db.begin().await?;
    store::update(&mut tx, id, version, &org, at).await?;
    audit::record(
        &mut tx,
        Entry {
            actor_id: Some(actor.user_id),
            entity: ENTITY,
            entity_id: id,
            action: "update",
            changes: &changes,
            at,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(OrgRecord {
        id,
        version: version + 1,
        org,
        area_name,
    })
}

/// An organisation's change history, with the names its values refer to.
pub async fn history(
    db: &Db,
    actor: &Actor,
    id: i64,
) -> Result<(OrgRecord, Vec<AuditEntry>, Labels), AppError> {
    let org = view(db, actor, id).await?;
    let entries = audit::history(db, ENTITY, id, 200).await?;
    let mut labels = Labels::coded(&["kind", "subtype"]);
    let codes: Vec<&str> = audit::referenced(&entries, &["area_code"])
        .into_iter()
        .filter_map(|v| v.as_str())
        .collect();
    for (code, name) in areas::service::names(db, &codes).await? {
        labels.name("area_code", &json!(code), format!("{name} ({code})"));
    }
    Ok((org, entries, labels))
}

/// Organisations to choose from in a form (e.g. a BLKK's pembina and forums).
pub async fn choices(db: &Db, filter: &OrgFilter) -> Result<Vec<OrgRef>, AppError> {
    Ok(store::refs(db, filter).await?)
}

/// Shows the organisations that `fields` of a history refer to by name.
pub async fn label_references(
    db: &Db,
    entries: &[AuditEntry],
    fields: &[&'static str],
    labels: &mut Labels,
) -> Result<(), AppError> {
    for field in fields {
        let ids: Vec<i64> = audit::referenced(entries, &[field])
            .into_iter()
            .filter_map(|v| v.as_i64())
            .collect();
        for (id, name) in store::names(db, &ids).await? {
            labels.name(field, &json!(id), name);
        }
    }
    Ok(())
}

// ---- The record kind -----------------------------------------------------------------

/// Organisations as records others refer to: named, linked to their page (a BLKK to its
/// profile), read by admins and their own users, chosen as partners by anyone signed in.
pub fn kinds() -> Vec<crate::kernel::records::Kind> {
    vec![crate::record_kind!(
        ENTITY, resolve, readable, pick, choosable
    )]
}

async fn resolve(db: &Db, ids: &[i64]) -> Result<Vec<RecordRef>, AppError> {
    Ok(store::refs_by_id(db, ids)
        .await?
        .into_iter()
        .map(|o| RecordRef {
            entity: ENTITY.to_owned(),
            href: if o.kind == OrgKind::Blkk {
                format!("/centres/{}", o.id)
            } else {
                format!("/orgs/{}", o.id)
            },
            id: o.id,
            name: o.name,
        })
        .collect())
}

async fn readable(db: &Db, actor: &Actor, ids: &[i64]) -> Result<Vec<i64>, AppError> {
    Ok(store::refs_by_id(db, ids)
        .await?
        .into_iter()
        .filter(|o| o.kind == OrgKind::Blkk || model::can_view(actor, o.id, o.kind))
        .map(|o| o.id)
        .collect())
}

/// Organisations other than BLKK, by name: partners for an agreement, with their kind.
async fn pick(db: &Db, _actor: &Actor, q: &str, limit: i64) -> Result<Vec<Pickable>, AppError> {
    let filter = OrgFilter {
        q: q.to_owned(),
        ..Default::default()
    };
    let (found, _) = store::list(db, &filter, limit, 0).await?;
    Ok(found
        .into_iter()
        .map(|o| Pickable {
            id: o.id,
            detail: o.area_name.clone().unwrap_or_default(),
            name: o.org.name,
        })
        .collect())
}

async fn choosable(db: &Db, _actor: &Actor, ids: &[i64]) -> Result<Vec<i64>, AppError> {
    Ok(store::refs_by_id(db, ids)
        .await?
        .into_iter()
        .filter(|o| o.kind != OrgKind::Blkk)
        .map(|o| o.id)
        .collect())
}

/// A partner not in the national list (a local company, an UMKM, a person), named in an
/// agreement by the BLKK or forum that works with it, in the caller's transaction: the
/// partner of that name in the area if there is one, else a new one (an admin may merge
/// duplicates later). `subtype` is one of a partner's subtypes (`umkm`, `perorangan`, ...).
pub async fn local_partner_in(
    tx: &mut crate::kernel::db::Tx,
    actor: &Actor,
    name: &str,
    subtype: &str,
    area_code: Option<&str>,
) -> Result<i64, AppError> {
    let mut e = crate::kernel::validate::FieldErrors::new();
    let name = e.take(
        "new_partner_name",
        crate::kernel::validate::check::required(name, 200),
    );
    if !OrgKind::Mitra.subtypes().contains(&subtype) {
        e.add("new_partner_subtype", "invalid_choice");
    }
    e.finish(()).map_err(AppError::Invalid)?;
    if let Some(id) = store::find_by_name(tx, OrgKind::Mitra, &name).await? {
        return Ok(id);
    }
    let org = Org {
        kind: OrgKind::Mitra,
        subtype: subtype.to_owned(),
        name,
        area_code: area_code.and_then(crate::features::areas::model::AreaCode::parse),
        address: String::new(),
        phone: String::new(),
        email: String::new(),
    };
    let at = now();
    let id = store::insert(tx, &org, at).await?;
    audit::record(
        tx,
        Entry {
            actor_id: Some(actor.user_id),
            entity: ENTITY,
            entity_id: id,
            action: "create",
            changes: &audit::created(&audit::snapshot(&org)),
            at,
        },
    )
    .await?;
    Ok(id)
}

/// An admin merges a partner into another (a local partner added twice, or one that is
/// already in the national list): its users, batches, graduates' outcomes and agreements
/// move to the one kept, and it is deleted; both histories say so.
pub async fn merge(db: &Db, actor: &Actor, from: i64, into: i64) -> Result<OrgRecord, AppError> {
    access::admin(actor)?;
    let gone = store::get(db, from).await?.ok_or(AppError::NotFound)?;
    if gone.org.kind != OrgKind::Mitra {
        return Err(AppError::invalid("into_id", "merge_partners_only"));
    }
    let kept = match store::get(db, into).await? {
        Some(k) if k.org.kind == OrgKind::Mitra && k.id != from => k,
        Some(_) => return Err(AppError::invalid("into_id", "merge_partners_only")),
        None => return Err(AppError::invalid("into_id", "required")),
    };
    let at = now();
    let mut tx = db.begin().await?;
    store::merge(&mut tx, from, into).await?;
    for (entity_id, field, value) in [
        (from, "merged_into", kept.org.name.as_str()),
        (into, "merged_from", gone.org.name.as_str()),
    ] {
        audit::record(
            &mut tx,
            Entry {
                actor_id: Some(actor.user_id),
                entity: ENTITY,
                entity_id,
                action: "merge",
                changes: &audit::note(field, value),
                at,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(kept)
}

/// For an admin looking at a partner: the picker of the partner to merge it into.
pub async fn merge_picker(
    db: &Db,
    actor: &Actor,
    org: &OrgRecord,
    q: &str,
) -> Result<Option<crate::kernel::web::picker::RecordPicker>, AppError> {
    if !actor.is_admin() || org.org.kind != OrgKind::Mitra {
        return Ok(None);
    }
    let p = crate::kernel::web::picker::RecordPicker::load(db, actor, "into_id", ENTITY, None, q)
        .await?;
    Ok(Some(p))
}

// What other features read about organisations. These do not check access: the calling
// feature has already decided the caller may see what it shows.

/// One organisation, if it exists.
pub async fn find(db: &Db, id: i64) -> Result<Option<OrgRecord>, AppError> {
    Ok(store::get(db, id).await?)
}

/// [`find`] inside a transaction.
pub async fn find_in(
    tx: &mut crate::kernel::db::Tx,
    id: i64,
) -> Result<Option<OrgRecord>, AppError> {
    Ok(store::get_in(tx, id).await?)
}

/// Inserts the organisation row of a record that is also an organisation (a BLKK); the
/// caller audits the whole record.
pub async fn insert_in(
    tx: &mut crate::kernel::db::Tx,
    o: &Org,
    at: time::OffsetDateTime,
) -> Result<i64, AppError> {
    Ok(store::insert(tx, o, at).await?)
}

/// Stores the organisation row of such a record if it is still at `version`.
pub async fn update_in(
    tx: &mut crate::kernel::db::Tx,
    id: i64,
    version: i64,
    o: &Org,
    at: time::OffsetDateTime,
) -> Result<(), AppError> {
    Ok(store::update(tx, id, version, o, at).await?)
}

/// The names of these organisations (those that exist), as `(id, name)`.
pub async fn names(db: &Db, ids: &[i64]) -> Result<Vec<(i64, String)>, AppError> {
    Ok(store::names(db, ids).await?)
}

/// References (id, kind, name) to these organisations, by name, inside a transaction.
pub async fn refs_in(tx: &mut crate::kernel::db::Tx, ids: &[i64]) -> Result<Vec<OrgRef>, AppError> {
    Ok(store::refs_of(tx, ids).await?)
}
