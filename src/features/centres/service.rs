//! BLKK use cases: the public directory, a profile, creating and changing one, its history.
//! Each checks access first, then validates, then writes in one transaction with its audit
//! entry.

use serde::Serialize;
use serde_json::json;

use super::model::{
    self, Assignment, Centre, CentreInput, CentreRecord, DirectoryEntry, DirectoryFilter, ENTITY,
    ExportDetail, ProvinceCount, ScopeOverview, ScopeSort, Totals,
};
use super::store;
use crate::features::areas;
use crate::features::kejuruan;
use crate::features::orgs::model::OrgFilter;
use crate::features::orgs::model::{OrgKind, OrgRef};
use crate::features::orgs::service as orgs;
use crate::kernel::access::{self, Actor, Scope};
use crate::kernel::audit::{self, AuditEntry, Change, Entry, Labels};
use crate::kernel::db::{Db, Tx};
use crate::kernel::error::AppError;
use crate::kernel::records::{self, Pickable, RecordRef};
use crate::kernel::time::{now, this_year};
use crate::kernel::validate::FieldErrors;
use crate::kernel::web::paging::{Paged, Window};

pub const PAGE_SIZE: i64 = 20;

/// The public directory. With `mine`, only the BLKK in the signed-in user's scope.
pub async fn directory(
    db: &Db,
    actor: Option<&Actor>,
    filter: &DirectoryFilter,
    mine: bool,
    page: i64,
) -> Result<Paged<DirectoryEntry>, AppError> {
    let scope = match (mine, actor) {
        (false, _) => None,
        (true, Some(a)) => Some(a.centre_scope()),
        (true, None) => return Err(AppError::Unauthenticated),
    };
    let w = Window::new(page, PAGE_SIZE);
    let (entries, total) = store::directory(db, filter, scope.as_ref(), w.size, w.offset()).await?;
    Ok(Paged::new(entries, total, w))
}

/// The BLKK in the actor's scope at a glance: a page of the table (filtered, sorted) and
/// counts by status and kejuruan over the whole scope.
pub async fn overview(
    db: &Db,
    actor: &Actor,
    filter: &DirectoryFilter,
    sort: ScopeSort,
    page: i64,
) -> Result<ScopeOverview, AppError> {
    let scope = actor.centre_scope();
    access::allow(scope != Scope::Nothing)?;
    let w = Window::new(page, 50);
    let (rows, total) = store::scope_rows(db, filter, &scope, sort, w.size, w.offset()).await?;
    let (by_status, by_kejuruan) = store::scope_counts(db, &scope).await?;
    Ok(ScopeOverview {
        rows: Paged::new(rows, total, w),
        by_status,
        by_kejuruan,
    })
}

/// One chunk (`n`-th, from 0) of the directory as an export, with the same filters: each
/// line with the rest of its public profile, and its contacts when `contacts` (see
/// [`export_contacts`]).
pub async fn export_chunk(
    db: &Db,
    actor: Option<&Actor>,
    filter: &DirectoryFilter,
    mine: bool,
    n: i64,
    size: i64,
) -> Result<Vec<(DirectoryEntry, ExportDetail)>, AppError> {
    let scope = match (mine, actor) {
        (false, _) => None,
        (true, Some(a)) => Some(a.centre_scope()),
        (true, None) => return Err(AppError::Unauthenticated),
    };
    let contacts = export_contacts(actor, mine);
    let (mut entries, _) = store::directory(db, filter, scope.as_ref(), size, n * size).await?;
    let ids: Vec<i64> = entries.iter().map(|e| e.id).collect();
    let mut details = store::export_details(db, &ids).await?;
    let mut out = Vec::with_capacity(entries.len());
    for e in entries.drain(..) {
        let Some(i) = details.iter().position(|d| d.id == e.id) else {
            continue;
        };
        let mut d = details.swap_remove(i);
        if !contacts {
            d.contact_phone.clear();
            d.contact_email.clear();
        }
        out.push((e, d));
    }
    Ok(out)
}

/// Whether a directory export carries contacts: for admins, and for a user's own scope
/// (`mine`), whose every BLKK they may see in full.
pub fn export_contacts(actor: Option<&Actor>, mine: bool) -> bool {
    actor.is_some_and(|a| a.is_admin() || (mine && a.centre_scope() != Scope::Nothing))
}

/// The ids of the BLKK with these registration numbers (as stored: upper case).
pub async fn ids_by_reg_no(db: &Db, reg_nos: &[String]) -> Result<Vec<(String, i64)>, AppError> {
    Ok(store::ids_by_reg_no(db, reg_nos).await?)
}

/// BLKK per province and status, live from the counters (public figures).
pub async fn province_counts(db: &Db) -> Result<Vec<ProvinceCount>, AppError> {
    Ok(store::province_counts(db).await?)
}

/// Indexes the names of BLKK written before name search had its index (at start-up).
pub async fn index_missing_terms(db: &Db) -> Result<usize, AppError> {
    Ok(store::index_missing_terms(db).await?)
}

/// National figures, live.
pub async fn totals(db: &Db) -> Result<Totals, AppError> {
    Ok(store::totals(db).await?)
}

/// A BLKK profile and what the viewer may do with it.
#[derive(Debug, Clone)]
pub struct CentreView {
    pub record: CentreRecord,
    /// May see contacts and history.
    pub in_scope: bool,
    pub can_edit: bool,
    pub can_assign: bool,
}

impl CentreView {
    fn of(record: CentreRecord, actor: Option<&Actor>) -> CentreView {
        let facts = record.facts();
        CentreView {
            in_scope: model::can_view(actor, &facts),
            can_edit: actor.is_some_and(|a| model::can_edit(a, &facts)),
            can_assign: actor.is_some_and(model::can_administer),
            record,
        }
    }
}

/// Anyone may open a public profile; contacts only show to users in scope.
pub async fn view(db: &Db, actor: Option<&Actor>, id: i64) -> Result<CentreView, AppError> {
    let record = store::get(db, id).await?.ok_or(AppError::NotFound)?;
    Ok(CentreView::of(record, actor))
}

/// The record for editing: refused unless the user may edit it.
pub async fn for_edit(db: &Db, actor: &Actor, id: i64) -> Result<CentreView, AppError> {
    let v = view(db, Some(actor), id).await?;
    access::allow(v.can_edit)?;
    Ok(v)
}

/// May open the form for a new BLKK: admins.
pub fn for_new(actor: &Actor) -> Result<(), AppError> {
    access::allow(model::can_administer(actor))
}

/// Whether the actor assigns BLKK to their pembina and forums (the form shows those fields).
pub fn may_assign(actor: &Actor) -> bool {
    model::can_administer(actor)
}

/// What the audit trail compares: the profile, and the assignment when it is in play.
#[derive(Serialize)]
struct Audited<'a> {
    #[serde(flatten)]
    centre: &'a Centre,
    #[serde(flatten)]
    assignment: Option<&'a Assignment>,
}

fn changes(
    old: Option<(&Centre, Option<&Assignment>)>,
    new: (&Centre, Option<&Assignment>),
) -> Vec<Change> {
    let snap = |(centre, assignment)| audit::snapshot(&Audited { centre, assignment });
    match old {
        Some(old) => audit::diff(&snap(old), &snap(new)),
        None => audit::created(&snap(new)),
    }
}

/// What only the database can tell, checked in the writing transaction: the village
/// exists, the kejuruan are in the catalogue, the pembina is an UPTP, the forums are
/// forums. Returns the names the new record shows.
async fn references(
    tx: &mut Tx,
    c: &Centre,
    a: &Assignment,
) -> Result<(areas::model::Place, Option<OrgRef>, Vec<OrgRef>), AppError> {
    let mut e = FieldErrors::new();
    let place = areas::service::place_in(tx, &c.profile.village_code).await?;
    if place.is_none() {
        e.add("village_code", "unknown_area");
    }
    if !kejuruan::service::unknown(tx, &c.profile.kejuruan)
        .await?
        .is_empty()
    {
        e.add("kejuruan", "invalid_choice");
    }
    let mut ids = a.forum_ids.clone();
    ids.extend(a.pembina_id);
    let mut refs = orgs::refs_in(tx, &ids).await?;
    let pembina = a.pembina_id.and_then(|p| {
        let i = refs
            .iter()
            .position(|r| r.id == p && r.kind == OrgKind::Uptp);
        if i.is_none() {
            e.add("pembina_id", "invalid_choice");
        }
        i.map(|i| refs.remove(i))
    });
    refs.retain(|r| a.forum_ids.contains(&r.id));
    if refs.len() != a.forum_ids.len() || refs.iter().any(|r| r.kind != OrgKind::Forum) {
        e.add("forum_ids", "invalid_choice");
    }
    match place {
        Some(place) if e.is_empty() => Ok((place, pembina, refs)),
        _ => Err(AppError::Invalid(e)),
    }
}

/// Creates a BLKK (admins). Returns it as stored.
pub async fn create(db: &Db, actor: &Actor, input: &CentreInput) -> Result<CentreRecord, AppError> {
    let mut tx = db.begin().await?;
    let r = create_in(&mut tx, actor, input).await?;
    tx.commit().await?;
    Ok(r)
}

/// [`create`] inside the caller's transaction (a bulk import writes a row's BLKK and its
/// manager's invitation together).
pub async fn create_in(
    tx: &mut Tx,
    actor: &Actor,
    input: &CentreInput,
) -> Result<CentreRecord, AppError> {
    access::allow(model::can_administer(actor))?;
    let (centre, assignment) = validated(input, None, &Assignment::default())?;
    let at = now();
    let (place, pembina, forums) = references(tx, &centre, &assignment).await?;
    let id = orgs::insert_in(tx, &store::org_of(&centre), at).await?;
    store::insert(tx, id, &centre, &assignment).await?;
    super::figures::keep(tx, id, None, Some((&centre, &assignment))).await?;
    audit::record(
        tx,
        Entry {
            actor_id: Some(actor.user_id),
            entity: ENTITY,
            entity_id: id,
            action: "create",
            changes: &changes(None, (&centre, Some(&assignment))),
            at,
        },
    )
    .await?;
    Ok(CentreRecord {
        id,
        version: 1,
        updated_at: at,
        profile: centre.profile,
        place,
        pembina,
        forums,
        contact_phone: centre.contact_phone,
        contact_email: centre.contact_email,
        phone_public: centre.phone_public,
    })
}

/// The profile and assignment an input makes, or every problem of both.
fn validated(
    input: &CentreInput,
    current: Option<&Centre>,
    assignment: &Assignment,
) -> Result<(Centre, Assignment), FieldErrors> {
    let mut e = FieldErrors::new();
    let centre = input
        .validate(current, this_year())
        .map_err(|x| e.merge(x))
        .ok();
    let assignment = input.assignment(assignment).map_err(|x| e.merge(x)).ok();
    match (centre, assignment) {
        (Some(c), Some(a)) => Ok((c, a)),
        _ => Err(e),
    }
}

/// Changes a BLKK: its manager or an admin; the assignment, registration number and aid
/// year are the ministry's. `input.version` guards against overwriting someone else's
/// change. A change that changes nothing writes nothing (no new version, no history).
/// Reads the record once.
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: &CentreInput,
) -> Result<CentreRecord, AppError> {
    // Read before the transaction: holding a connection while waiting for another would
    // let a burst of writes take the whole pool and wait on each other.
    let current = for_edit(db, actor, id).await?;
    let mut tx = db.begin().await?;
    let (r, _) = update_in(&mut tx, actor, current, input).await?;
    tx.commit().await?;
    Ok(r)
}

/// [`update`] inside the caller's transaction, over the record as read with [`for_edit`];
/// also says whether anything changed.
pub async fn update_in(
    tx: &mut Tx,
    actor: &Actor,
    current: CentreView,
    input: &CentreInput,
) -> Result<(CentreRecord, bool), AppError> {
    let id = current.record.id;
    if input.changes_assignment() && !current.can_assign {
        return Err(AppError::Forbidden);
    }
    let version = AppError::based_on(input.version)?;
    let old = current.record.centre();
    let old_assignment = current.record.assignment();
    let (centre, assignment) = validated(input, Some(&old), &old_assignment)?;
    if !current.can_assign {
        let mut e = FieldErrors::new();
        if centre.profile.reg_no != old.profile.reg_no {
            e.add("reg_no", "admin_only");
        }
        if centre.profile.aid_year != old.profile.aid_year {
            e.add("aid_year", "admin_only");
        }
        e.finish(())?;
    }
    if version != current.record.version {
        return Err(AppError::Stale);
    }
    let assigned = input.changes_assignment();
    let diff = changes(
        Some((&old, assigned.then_some(&old_assignment))),
        (&centre, assigned.then_some(&assignment)),
    );
    if diff.is_empty() {
        return Ok((current.record, false));
    }
    let at = now();
    let (place, pembina, forums) = references(tx, &centre, &assignment).await?;
    orgs::update_in(tx, id, version, &store::org_of(&centre), at).await?;
    store::update(tx, id, &old, &centre).await?;
    if assigned && assignment != old_assignment {
        store::set_assignment(tx, id, &assignment).await?;
    }
    let new_assignment = if assigned {
        &assignment
    } else {
        &old_assignment
    };
    super::figures::keep(
        tx,
        id,
        Some((&old, &old_assignment)),
        Some((&centre, new_assignment)),
    )
    .await?;
    audit::record(
        tx,
        Entry {
            actor_id: Some(actor.user_id),
            entity: ENTITY,
            entity_id: id,
            action: "update",
            changes: &diff,
            at,
        },
    )
    .await?;
    Ok((
        CentreRecord {
            id,
            version: version + 1,
            updated_at: at,
            profile: centre.profile,
            place,
            pembina,
            forums,
            contact_phone: centre.contact_phone,
            contact_email: centre.contact_email,
            phone_public: centre.phone_public,
        },
        true,
    ))
}

/// The change history of a BLKK, for users whose scope covers it, with the names its
/// values refer to.
pub async fn history(
    db: &Db,
    actor: &Actor,
    id: i64,
    lang: &str,
) -> Result<(CentreView, Vec<AuditEntry>, Labels), AppError> {
    let v = view(db, Some(actor), id).await?;
    access::allow(v.in_scope)?;
    let entries = audit::history(db, ENTITY, id, 200).await?;
    let mut labels = Labels::coded(&["host_type", "status"]);
    orgs::label_references(db, &entries, &["pembina_id", "forum_ids"], &mut labels).await?;
    let villages: Vec<&str> = audit::referenced(&entries, &["village_code"])
        .into_iter()
        .filter_map(|v| v.as_str())
        .collect();
    for (code, name) in areas::service::names(db, &villages).await? {
        labels.name("village_code", &json!(code), format!("{name} ({code})"));
    }
    for k in kejuruan::service::catalogue(db).await? {
        labels.name("kejuruan", &json!(k.code), k.name(lang));
    }
    Ok((v, entries, labels))
}

/// What the admin's form offers: every UPTP, and the forums that fit where the BLKK is
/// (national ones and those of its province or regency).
pub async fn assignment_choices(
    db: &Db,
    actor: &Actor,
    province: &str,
    regency: &str,
) -> Result<(Vec<OrgRef>, Vec<OrgRef>), AppError> {
    access::allow(model::can_administer(actor))?;
    let uptps = orgs::choices(
        db,
        &OrgFilter {
            kind: Some(OrgKind::Uptp),
            ..Default::default()
        },
    )
    .await?;
    let areas: Vec<String> = [province, regency]
        .into_iter()
        .filter(|a| !a.is_empty())
        .map(str::to_owned)
        .collect();
    let forums = orgs::choices(
        db,
        &OrgFilter {
            kind: Some(OrgKind::Forum),
            for_areas: Some(areas),
            ..Default::default()
        },
    )
    .await?;
    Ok((uptps, forums))
}

// ---- The record kind -----------------------------------------------------------------

/// BLKK as records others refer to: named by their name, linked to their profile, read by
/// everyone (the profile is public), chosen in forms within the user's scope.
pub fn kinds() -> Vec<records::Kind> {
    vec![crate::record_kind!(
        ENTITY, resolve, readable, pick, choosable
    )]
}

async fn resolve(db: &Db, ids: &[i64]) -> Result<Vec<RecordRef>, AppError> {
    Ok(store::names(db, ids)
        .await?
        .into_iter()
        .map(|(id, name)| RecordRef {
            entity: ENTITY.to_owned(),
            id,
            name,
            href: format!("/centres/{id}"),
        })
        .collect())
}

async fn readable(db: &Db, _actor: &Actor, ids: &[i64]) -> Result<Vec<i64>, AppError> {
    Ok(store::names(db, ids)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect())
}

/// The BLKK a user may choose, by name or registration number (the place tells two of
/// the same name apart).
async fn pick(db: &Db, actor: &Actor, q: &str, limit: i64) -> Result<Vec<Pickable>, AppError> {
    let scope = actor.centre_scope();
    if scope == Scope::Nothing {
        return Ok(Vec::new());
    }
    let by_reg_no = store::ids_by_reg_no(db, &[q.trim().to_uppercase()]).await?;
    let mut filter = DirectoryFilter {
        q: q.to_owned(),
        ..Default::default()
    };
    let mut out = Vec::new();
    if let Some((_, id)) = by_reg_no.first()
        && !store::in_scope(db, &[*id], &scope).await?.is_empty()
        && let Some(c) = store::get(db, *id).await?
    {
        filter.q = c.profile.name.clone();
        let (found, _) = store::directory(db, &filter, Some(&scope), 20, 0).await?;
        out.extend(found.into_iter().filter(|e| e.id == *id));
        filter.q = q.to_owned();
    }
    if out.is_empty() {
        let (found, _) = store::directory(db, &filter, Some(&scope), limit, 0).await?;
        out = found;
    }
    Ok(out
        .into_iter()
        .map(|e| Pickable {
            id: e.id,
            detail: format!("{}, {}", e.regency_name, e.province_name),
            name: e.name,
        })
        .collect())
}

async fn choosable(db: &Db, actor: &Actor, ids: &[i64]) -> Result<Vec<i64>, AppError> {
    Ok(store::in_scope(db, ids, &actor.centre_scope()).await?)
}

// ---- The work queue ------------------------------------------------------------------

/// A BLKK manager's profile gaps.
pub async fn work(db: &Db, actor: &Actor) -> Result<Vec<crate::kernel::work::WorkItem>, AppError> {
    let (access::Role::Pengelola, Some(id)) = (actor.role, actor.org_id) else {
        return Ok(Vec::new());
    };
    let Some(c) = store::get(db, id).await? else {
        return Ok(Vec::new());
    };
    let missing = c.centre().completeness().missing().len();
    Ok(vec![crate::kernel::work::WorkItem::new(
        "profile_gaps",
        i64::try_from(missing).unwrap_or(0),
        format!("/centres/{id}/edit"),
    )])
}

/// One BLKK, if it exists, for another feature that checks access with the record's scope
/// facts itself.
pub async fn find(db: &Db, id: i64) -> Result<Option<CentreRecord>, AppError> {
    Ok(store::get(db, id).await?)
}

/// The BLKK of a forum (its figures are summed from theirs).
pub async fn forum_members(db: &Db, forum_id: i64) -> Result<Vec<i64>, AppError> {
    Ok(store::forum_members(db, forum_id).await?)
}
