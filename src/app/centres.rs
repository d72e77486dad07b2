//! BLKK use cases: the public directory, a profile, creating and editing, history.

use serde_json::json;

use super::{AppError, now, this_year};
use crate::domain::access::{self, Actor};
use crate::domain::audit;
use crate::domain::centre::{CentreFields, CentreInput};
use crate::domain::org::OrgKind;
use crate::domain::validation::FieldErrors;
use crate::storage::audit::{AuditEntry, Entity};
use crate::storage::centres::{self, CentreRecord, DirectoryEntry, DirectoryFilter};
use crate::storage::{Db, StoreError, Tx, orgs};

pub const PAGE_SIZE: i64 = 20;

/// One page of directory results.
#[derive(Debug, Clone)]
pub struct DirectoryPage {
    pub entries: Vec<DirectoryEntry>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

/// The public directory. With `mine`, only the BLKK in the signed-in user's scope.
pub async fn directory(
    db: &Db,
    actor: Option<&Actor>,
    filter: &DirectoryFilter,
    mine: bool,
    page: i64,
) -> Result<DirectoryPage, AppError> {
    let scope = match (mine, actor) {
        (false, _) => None,
        (true, Some(a)) => Some(a.centre_scope()),
        (true, None) => return Err(AppError::Unauthenticated),
    };
    let page = page.max(1);
    let (entries, total) = centres::directory(
        db,
        filter,
        scope.as_ref(),
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE,
    )
    .await?;
    Ok(DirectoryPage {
        entries,
        total,
        page,
        pages: (total + PAGE_SIZE - 1) / PAGE_SIZE,
    })
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

/// Anyone may open a public profile; contacts only show to users in scope.
pub async fn view(db: &Db, actor: Option<&Actor>, id: i64) -> Result<CentreView, AppError> {
    let record = centres::get(db, id).await?.ok_or(AppError::NotFound)?;
    let facts = record.facts();
    Ok(CentreView {
        in_scope: access::can_view_centre(actor, &facts),
        can_edit: actor.is_some_and(|a| access::can_edit_centre(a, &facts)),
        can_assign: actor.is_some_and(access::can_administer),
        record,
    })
}

/// The record for editing: refused unless the user may edit it.
pub async fn for_edit(db: &Db, actor: &Actor, id: i64) -> Result<CentreView, AppError> {
    let v = view(db, Some(actor), id).await?;
    if v.can_edit {
        Ok(v)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Where a BLKK sits in the national structure: set by admins only.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Assignment {
    pub pembina_id: Option<i64>,
    pub forum_ids: Vec<i64>,
}

impl Assignment {
    fn audit_values(&self) -> Vec<(&'static str, serde_json::Value)> {
        let mut forums = self.forum_ids.clone();
        forums.sort_unstable();
        forums.dedup();
        vec![
            ("pembina_id", json!(self.pembina_id)),
            ("forum_ids", json!(forums)),
        ]
    }
}

fn audit_values(
    f: &CentreFields,
    a: Option<&Assignment>,
) -> Vec<(&'static str, serde_json::Value)> {
    let mut v = f.audit_values();
    if let Some(a) = a {
        v.extend(a.audit_values());
    }
    v
}

/// Checks what only the database can tell: the village exists, the kejuruan are in the
/// catalogue, the registration number is free, the pembina is an UPTP, forums are forums.
async fn check_references(
    tx: &mut Tx,
    f: &CentreFields,
    a: Option<&Assignment>,
    id: Option<i64>,
) -> Result<(), AppError> {
    let mut e = FieldErrors::new();
    if !centres::village_exists(tx, f.village_code.as_str()).await? {
        e.add("village_code", "unknown_area");
    }
    if !centres::unknown_kejuruan(tx, &f.kejuruan).await?.is_empty() {
        e.add("kejuruan", "invalid_choice");
    }
    if centres::reg_no_taken(tx, &f.reg_no, id).await? {
        e.add("reg_no", "duplicate");
    }
    if let Some(a) = a {
        if let Some(p) = a.pembina_id {
            let k = orgs::kinds(tx, &[p]).await?;
            if k.len() != 1 || k[0].1 != OrgKind::Uptp.as_str() {
                e.add("pembina_id", "invalid_choice");
            }
        }
        let forums = orgs::kinds(tx, &a.forum_ids).await?;
        let all_forums = a.forum_ids.iter().all(|id| {
            forums
                .iter()
                .any(|(fid, kind)| fid == id && kind == OrgKind::Forum.as_str())
        });
        if !all_forums {
            e.add("forum_ids", "invalid_choice");
        }
    }
    e.finish(()).map_err(AppError::Invalid)
}

async fn store_assignment(tx: &mut Tx, id: i64, a: &Assignment) -> Result<(), StoreError> {
    let mut forums = a.forum_ids.clone();
    forums.sort_unstable();
    forums.dedup();
    centres::set_pembina(tx, id, a.pembina_id).await?;
    centres::set_forums(tx, id, &forums).await
}

/// Creates a BLKK (admins only). Returns its id.
pub async fn create(
    db: &Db,
    actor: &Actor,
    input: &CentreInput,
    assignment: &Assignment,
) -> Result<i64, AppError> {
    if !access::can_administer(actor) {
        return Err(AppError::Forbidden);
    }
    let fields = input.validate(this_year())?;
    let mut tx = db.begin().await?;
    check_references(&mut tx, &fields, Some(assignment), None).await?;
    let at = now();
    let id = centres::insert(&mut tx, &fields, at).await?;
    store_assignment(&mut tx, id, assignment).await?;
    let changes = audit::created(&audit_values(&fields, Some(assignment)));
    crate::storage::audit::record(
        &mut tx,
        Some(actor.user_id),
        Entity::Centre,
        id,
        "create",
        &changes,
        at,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Saves an edited profile. `assignment` is admin-only; `version` guards against
/// overwriting someone else's change (the version the editor started from).
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: &CentreInput,
    assignment: Option<&Assignment>,
    version: Option<i64>,
) -> Result<(), AppError> {
    let current = view(db, Some(actor), id).await?;
    if !current.can_edit || (assignment.is_some() && !current.can_assign) {
        return Err(AppError::Forbidden);
    }
    let fields = input.validate(this_year())?;
    if !current.can_assign {
        // The registration number and aid year are the ministry's to set.
        let old = current.record.fields();
        let mut e = FieldErrors::new();
        if fields.reg_no != old.reg_no {
            e.add("reg_no", "admin_only");
        }
        if fields.aid_year != old.aid_year {
            e.add("aid_year", "admin_only");
        }
        e.finish(())?;
    }
    let version = version.unwrap_or(current.record.row.version);
    let mut tx = db.begin().await?;
    check_references(&mut tx, &fields, assignment, Some(id)).await?;
    let at = now();
    centres::update(&mut tx, id, version, &fields, at).await?;
    if let Some(a) = assignment {
        store_assignment(&mut tx, id, a).await?;
    }
    let old_assignment = assignment.map(|_| Assignment {
        pembina_id: current.record.row.pembina_id,
        forum_ids: current.record.forums.iter().map(|f| f.id).collect(),
    });
    let changes = audit::diff(
        &audit_values(&current.record.fields(), old_assignment.as_ref()),
        &audit_values(&fields, assignment),
    );
    crate::storage::audit::record(
        &mut tx,
        Some(actor.user_id),
        Entity::Centre,
        id,
        "update",
        &changes,
        at,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The change history of a BLKK, for users whose scope covers it.
pub async fn history(
    db: &Db,
    actor: &Actor,
    id: i64,
) -> Result<(CentreView, Vec<AuditEntry>), AppError> {
    let v = view(db, Some(actor), id).await?;
    if !v.in_scope {
        return Err(AppError::Forbidden);
    }
    let entries = crate::storage::audit::history(db, Entity::Centre, id, 200).await?;
    Ok((v, entries))
}

/// The ids of every BLKK the user may work with.
pub async fn scope_ids(db: &Db, actor: &Actor) -> Result<Vec<i64>, AppError> {
    Ok(centres::ids_in_scope(db, &actor.centre_scope()).await?)
}
