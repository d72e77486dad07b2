//! Partnership use cases: a BLKK (or a forum for its members) records and changes its
//! agreements, attaches the signed document; the partner's users see and confirm theirs;
//! everyone in scope reads them with what came of each; the holders are reminded 60 and 30
//! days before an agreement ends. Each checks access once, validates, and writes in one
//! transaction with its audit entry.

use time::Duration;

use super::model::{
    self, Holding, ListFilter, MAX_ATTACHMENTS, PARTNERSHIP, Partnership, PartnershipInput,
    PartnershipRealisation, PartnershipRecord, PartnershipStatus, REMIND_DAYS,
};
use super::store::{self, Seen};
use crate::features::notifications::{
    self,
    service::{Kind, Notice},
};
use crate::kernel::access::{self, Actor, Role};
use crate::kernel::attachments::{self, Attachment};
use crate::kernel::audit;
use crate::kernel::db::{Db, Tx};
use crate::kernel::error::AppError;
use crate::kernel::time::{now, today};
use crate::kernel::validate::{FieldErrors, Num, Patch};
use crate::kernel::web::paging::{Paged, Window};
use crate::kernel::web::picker::RecordPicker;

pub const PAGE_SIZE: i64 = 50;

fn seen(actor: &Actor) -> Seen {
    match (actor.role, actor.org_id) {
        (Role::Mitra, Some(org)) => Seen::Partner(org),
        _ => Seen::Members(actor.centre_scope()),
    }
}

fn holding(p: &PartnershipRecord) -> Holding {
    Holding {
        holder_id: p.partnership.holder_id,
        holder_is_centre: p.holder_kind == "blkk",
        partner_id: p.partnership.partner_id,
    }
}

/// An agreement the actor may see: one a BLKK in their scope takes part in, or (a partner's
/// users) their own organisation's. Others get 404, as if it did not exist.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> Result<PartnershipRecord, AppError> {
    if !store::visible(db, &seen(actor), id, today()).await? {
        return Err(AppError::NotFound);
    }
    store::get(db, id).await?.ok_or(AppError::NotFound)
}

/// May change the agreement and its files.
pub fn may_edit(actor: &Actor, p: &PartnershipRecord) -> bool {
    let h = holding(p);
    model::can_write(actor, h.holder_id, h.holder_is_centre)
}

/// May confirm it now.
pub fn may_confirm(actor: &Actor, p: &PartnershipRecord) -> bool {
    model::can_confirm(actor, &holding(p))
        && p.partnership.status == PartnershipStatus::Aktif
        && p.confirmed_at.is_none()
}

/// A forum's members to choose from (nothing for a BLKK).
pub async fn forum_choices(db: &Db, holder: i64) -> Result<Vec<(i64, String)>, AppError> {
    Ok(store::forum_choices(db, holder).await?)
}

/// An agreement with what came of it.
pub async fn show(
    db: &Db,
    actor: &Actor,
    id: i64,
) -> Result<(PartnershipRecord, PartnershipRealisation, Vec<Attachment>), AppError> {
    let p = get(db, actor, id).await?;
    let r = store::realisation(db, &p).await?;
    let files = attachments::list(db, PARTNERSHIP, id).await?;
    Ok((p, r, files))
}

pub async fn list(
    db: &Db,
    actor: &Actor,
    f: &ListFilter,
    page: i64,
) -> Result<Paged<PartnershipRecord>, AppError> {
    let w = Window::new(page, PAGE_SIZE);
    let (items, total) = store::list(db, &seen(actor), f, today(), w.size, w.offset()).await?;
    Ok(Paged::new(items, total, w))
}

/// Rows `offset..offset + limit` of the list, for an export.
pub async fn export_chunk(
    db: &Db,
    actor: &Actor,
    f: &ListFilter,
    offset: i64,
    limit: i64,
) -> Result<Vec<PartnershipRecord>, AppError> {
    Ok(store::list(db, &seen(actor), f, today(), limit, offset)
        .await?
        .0)
}

/// The BLKK or forum an agreement recorded by `actor` is held by: their own, or (an
/// admin) the one named; whether it is a BLKK, and its name.
async fn holder_of(
    db: &Db,
    actor: &Actor,
    named: Option<i64>,
) -> Result<(i64, bool, String), AppError> {
    let id = match actor.role {
        Role::Admin => named.ok_or(AppError::invalid("holder_id", "required"))?,
        Role::Pengelola | Role::Forum => actor.org_id.ok_or(AppError::Forbidden)?,
        _ => return Err(AppError::Forbidden),
    };
    if named.is_some_and(|n| n != id) {
        return Err(AppError::Forbidden);
    }
    match store::org(db, id).await? {
        Some((kind, name)) if kind == "blkk" || kind == "forum" => Ok((id, kind == "blkk", name)),
        Some(_) => Err(AppError::invalid("holder_id", "invalid_choice")),
        None => Err(AppError::invalid("holder_id", "not_found")),
    }
}

/// What the records must say about an agreement: its partner exists and is not a BLKK,
/// and a forum's members are its own.
async fn check_references(
    db: &Db,
    p: &Partnership,
    holder_is_centre: bool,
    partner_added: bool,
) -> Result<(), AppError> {
    let mut e = FieldErrors::new();
    match store::org(db, p.partner_id).await? {
        Some((kind, _)) if kind != "blkk" => {}
        Some(_) => e.add("partner_id", "invalid_choice"),
        // Added in this transaction: not yet visible outside it.
        None if partner_added => {}
        None => e.add("partner_id", "not_found"),
    }
    if !holder_is_centre {
        let found = store::forum_members(db, p.holder_id, &p.member_ids).await?;
        if found.len() != p.member_ids.len() {
            e.add("member_ids", "not_a_member");
        }
    }
    e.finish(()).map_err(AppError::Invalid)
}

pub async fn create(
    db: &Db,
    actor: &Actor,
    input: &PartnershipInput,
) -> Result<PartnershipRecord, AppError> {
    let (holder, is_centre, holder_name) = holder_of(db, actor, input.holder_id).await?;
    access::allow(model::can_write(actor, holder, is_centre))?;
    let mut tx = db.begin().await?;
    let mut input = input.clone();
    let added = new_partner(db, &mut tx, actor, holder, &mut input).await?;
    let p = input.validate(None, holder, is_centre)?;
    check_references(db, &p, is_centre, added).await?;
    let id = store::insert(&mut tx, &p, now()).await?;
    audit::record_now(
        &mut tx,
        Some(actor.user_id),
        PARTNERSHIP,
        id,
        "create",
        &audit::created(&audit::snapshot(&p)),
    )
    .await?;
    if p.status == PartnershipStatus::Aktif {
        ask_confirmation(&mut tx, id, &p, &holder_name).await?;
    }
    tx.commit().await?;
    store::get(db, id).await?.ok_or(AppError::NotFound)
}

/// A partner named by its name (not yet in Simandiri) becomes the agreement's partner:
/// added, or found by name, in the holder's area, in the agreement's transaction. `true`
/// when the input named one.
async fn new_partner(
    db: &Db,
    tx: &mut crate::kernel::db::Tx,
    actor: &Actor,
    holder: i64,
    input: &mut PartnershipInput,
) -> Result<bool, AppError> {
    let named = input.new_partner_name.trim();
    let chosen = matches!(&input.partner_id, Patch::Set(n) if !n.text().trim().is_empty());
    if named.is_empty() || chosen {
        return Ok(false);
    }
    let area = store::holder_area(db, holder).await?;
    let id = crate::features::orgs::service::local_partner_in(
        tx,
        actor,
        named,
        input.new_partner_subtype.trim(),
        area.as_deref(),
    )
    .await?;
    input.partner_id = Patch::Set(Num(id.to_string()));
    Ok(true)
}

/// Changes an agreement (its holder). A change of its partner, dates, coverage or value
/// needs the partner's confirmation again.
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: &PartnershipInput,
) -> Result<PartnershipRecord, AppError> {
    let current = get(db, actor, id).await?;
    let h = holding(&current);
    access::allow(model::can_write(actor, h.holder_id, h.holder_is_centre))?;
    let version = AppError::based_on(input.version)?;
    if input.holder_id.is_some_and(|x| x != h.holder_id) {
        return Err(AppError::invalid("holder_id", "cannot_change"));
    }
    if version != current.version {
        return Err(AppError::Stale);
    }
    let old = &current.partnership;
    let mut tx = db.begin().await?;
    let mut input = input.clone();
    let added = new_partner(db, &mut tx, actor, h.holder_id, &mut input).await?;
    let p = input.validate(Some(old), h.holder_id, h.holder_is_centre)?;
    check_references(db, &p, h.holder_is_centre, added).await?;
    let changes = audit::diff(&audit::snapshot(old), &audit::snapshot(&p));
    if changes.is_empty() {
        return Ok(current);
    }
    let reconfirm = p.partner_id != old.partner_id
        || p.start_date != old.start_date
        || p.end_date != old.end_date
        || p.coverage != old.coverage
        || p.value_rupiah != old.value_rupiah
        || p.in_kind_rupiah != old.in_kind_rupiah;
    // The partner is asked when the change leaves it waiting for them and it was not before.
    let waited = old.status == PartnershipStatus::Aktif && current.confirmed_at.is_none();
    let waits =
        p.status == PartnershipStatus::Aktif && (reconfirm || current.confirmed_at.is_none());
    store::update(&mut tx, id, version, &p, reconfirm, now()).await?;
    audit::record_now(
        &mut tx,
        Some(actor.user_id),
        PARTNERSHIP,
        id,
        "update",
        &changes,
    )
    .await?;
    if waits && !waited {
        ask_confirmation(&mut tx, id, &p, &current.holder_name).await?;
    }
    tx.commit().await?;
    store::get(db, id).await?.ok_or(AppError::NotFound)
}

/// The partner's user confirms an active agreement as recorded.
pub async fn confirm(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: Option<i64>,
) -> Result<PartnershipRecord, AppError> {
    let p = get(db, actor, id).await?;
    access::allow(model::can_confirm(actor, &holding(&p)))?;
    let version = AppError::based_on(version)?;
    if version != p.version {
        return Err(AppError::Stale);
    }
    if p.partnership.status != PartnershipStatus::Aktif {
        return Err(AppError::invalid("status", "not_active"));
    }
    if p.confirmed_at.is_some() {
        return Ok(p);
    }
    let mut tx = db.begin().await?;
    store::confirm(&mut tx, id, version, actor.user_id, now()).await?;
    audit::record_now(
        &mut tx,
        Some(actor.user_id),
        PARTNERSHIP,
        id,
        "confirm",
        &[audit::Change {
            field: "confirmed_by".into(),
            old: serde_json::Value::Null,
            new: actor.user_id.into(),
        }],
    )
    .await?;
    notifications::service::tell(
        &mut tx,
        p.partnership.holder_id,
        HOLDER_ROLES,
        &Notice {
            kind: Kind::PartnershipConfirmed,
            entity: PARTNERSHIP,
            entity_id: id,
            link: &format!("/partnerships/{id}"),
            reference: "",
            text: &format!(
                "{} mengonfirmasi kerja sama \"{}\"",
                p.partner_name, p.partnership.title
            ),
        },
    )
    .await?;
    tx.commit().await?;
    store::get(db, id).await?.ok_or(AppError::NotFound)
}

/// An agreement's history, its codes and organisations named.
pub async fn history(
    db: &Db,
    actor: &Actor,
    id: i64,
) -> Result<(PartnershipRecord, Vec<audit::AuditEntry>, audit::Labels), AppError> {
    let p = get(db, actor, id).await?;
    let entries = audit::history(db, PARTNERSHIP, id, 200).await?;
    let mut labels = audit::Labels::coded(&["document", "status"]);
    crate::features::orgs::service::label_references(
        db,
        &entries,
        &["partner_id", "holder_id"],
        &mut labels,
    )
    .await?;
    Ok((p, entries, labels))
}

// ---- The signed document and other files ---------------------------------------------

// ---- Notifications -------------------------------------------------------------------

/// Who is told on an agreement's holding side: a BLKK's managers, a forum's users.
const HOLDER_ROLES: &[&str] = &["pengelola", "forum"];

/// Tells the partner's users that agreement `id` waits for their confirmation.
async fn ask_confirmation(
    tx: &mut Tx,
    id: i64,
    p: &Partnership,
    holder_name: &str,
) -> Result<(), AppError> {
    notifications::service::tell(
        tx,
        p.partner_id,
        &["mitra"],
        &Notice {
            kind: Kind::PartnershipToConfirm,
            entity: PARTNERSHIP,
            entity_id: id,
            link: &format!("/partnerships/{id}"),
            reference: "",
            text: &format!(
                "{holder_name} mencatat kerja sama \"{}\" dengan organisasi Anda; mohon periksa dan konfirmasi",
                p.title
            ),
        },
    )
    .await?;
    Ok(())
}

// ---- Reminders -----------------------------------------------------------------------

/// Reminds the holders of active agreements ending within 60 days, and again within 30
/// (once per agreement, point and end date, also when the server was down on the day).
/// Answers how many users were told.
pub async fn remind(db: &Db) -> Result<usize, AppError> {
    let day = today();
    let mut told = 0;
    let [far, near] = REMIND_DAYS;
    for (days, from, to) in [
        (
            far,
            day + Duration::days(near + 1),
            day + Duration::days(far),
        ),
        (near, day, day + Duration::days(near)),
    ] {
        for e in store::ending(db, from, to, days).await? {
            let mut tx = db.begin().await?;
            if !store::reminded(&mut tx, e.id, days, e.end_date).await? {
                continue;
            }
            let text = format!(
                "Kerja sama \"{}\" dengan {} berakhir {}",
                e.title, e.partner_name, e.end_date
            );
            told += notifications::service::tell(
                &mut tx,
                e.holder_id,
                HOLDER_ROLES,
                &Notice {
                    kind: Kind::PartnershipEnding,
                    entity: PARTNERSHIP,
                    entity_id: e.id,
                    link: &format!("/partnerships/{}", e.id),
                    reference: &format!("{days}:{}", e.end_date),
                    text: &text,
                },
            )
            .await?;
            tx.commit().await?;
        }
    }
    Ok(told)
}

// ---- The record kind -----------------------------------------------------------------

/// Agreements as records others refer to.
pub fn kinds() -> Vec<crate::kernel::records::Kind> {
    vec![crate::kernel::records::Kind {
        files: Some(crate::file_rules!(
            "partnerships",
            max: MAX_ATTACHMENTS,
            images_only: false,
            may_change: files_may_change
        )),
        ..crate::record_kind!(PARTNERSHIP, resolve, readable)
    }]
}

/// An agreement's documents: its holder's to add and remove.
async fn files_may_change(db: &Db, actor: &Actor, id: i64) -> Result<(), AppError> {
    let p = get(db, actor, id).await?;
    let h = holding(&p);
    access::allow(model::can_write(actor, h.holder_id, h.holder_is_centre))
}

async fn resolve(db: &Db, ids: &[i64]) -> Result<Vec<crate::kernel::records::RecordRef>, AppError> {
    let rows = store::names(db, ids).await?;
    Ok(crate::kernel::records::named(PARTNERSHIP, rows, |id| {
        format!("/partnerships/{id}")
    }))
}

async fn readable(db: &Db, actor: &Actor, ids: &[i64]) -> Result<Vec<i64>, AppError> {
    Ok(crate::kernel::records::each_readable(ids, |id| get(db, actor, id)).await)
}

/// The form's pickers: its partner (any organisation but a BLKK) and, for an admin's new
/// agreement, the BLKK holding it.
pub async fn pickers(
    db: &Db,
    actor: &Actor,
    partner: Option<i64>,
    partner_q: &str,
    holder: Option<i64>,
    holder_q: &str,
) -> Result<(RecordPicker, RecordPicker), AppError> {
    let partner = RecordPicker::load(db, actor, "partner_id", "org", partner, partner_q).await?;
    let holder = RecordPicker::load(db, actor, "holder_id", "centre", holder, holder_q).await?;
    Ok((partner, holder))
}

// ---- The work queue ------------------------------------------------------------------

/// The agreements work of the actor: a holder's agreements ending within 60 days; a
/// partner's agreements to confirm.
pub async fn work(db: &Db, actor: &Actor) -> Result<Vec<crate::kernel::work::WorkItem>, AppError> {
    use crate::kernel::work::WorkItem;
    let day = today();
    let (kind, rows) = match (actor.role, actor.org_id) {
        (Role::Pengelola | Role::Forum, Some(holder)) => (
            "agreement_ending",
            store::ending_of(db, holder, day, day + Duration::days(60)).await?,
        ),
        (Role::Mitra, Some(partner)) => (
            "agreement_to_confirm",
            store::to_confirm(db, partner).await?,
        ),
        _ => return Ok(Vec::new()),
    };
    let ids: Vec<i64> = rows.iter().map(|(id, _)| *id).collect();
    let named = resolve(db, &ids).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, date)| {
            let r = named.iter().find(|r| r.id == id)?.clone();
            let item = WorkItem::about(kind, r);
            Some(if kind == "agreement_ending" {
                item.due(date, day)
            } else {
                item
            })
        })
        .collect())
}
