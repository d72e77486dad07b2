//! What each role sees first after signing in: their work at a glance, gathered from the
//! features that own it (each checks its own access).

use crate::features::accounts::model::Account;
use crate::features::accounts::service as accounts;
use crate::features::accounts::store as account_store;
use crate::features::centres::model::{
    DirectoryFilter, ProvinceCount, ScopeOverview, ScopeSort, Totals,
};
use crate::features::centres::service::{self as centres, CentreView};
use crate::features::orgs::model::OrgRecord;
use crate::features::orgs::service as orgs;
use crate::features::orgs::store as org_store;
use crate::kernel::access::{self, Actor, Role};
use crate::kernel::audit::{self, RecentChange};
use crate::kernel::db::Db;
use crate::kernel::error::AppError;

/// A recent change with the name of the record and where it is.
#[derive(Debug, Clone)]
pub struct Recent {
    pub change: RecentChange,
    pub name: String,
    pub href: String,
}

/// The ministry admin's home.
#[derive(Debug, Clone)]
pub struct AdminHome {
    pub totals: Totals,
    pub provinces: Vec<ProvinceCount>,
    pub recent: Vec<Recent>,
    pub pending: Vec<Account>,
    pub pending_count: i64,
}

pub async fn admin(db: &Db, actor: &Actor) -> Result<AdminHome, AppError> {
    access::admin(actor)?;
    let changes = audit::recent(db, 12).await?;
    let org_ids: Vec<i64> = changes
        .iter()
        .filter(|c| c.entity != "user")
        .map(|c| c.entity_id)
        .collect();
    let user_ids: Vec<i64> = changes
        .iter()
        .filter(|c| c.entity == "user")
        .map(|c| c.entity_id)
        .collect();
    let org_names = org_store::refs_by_id(db, &org_ids).await?;
    let user_names = account_store::names(db, &user_ids).await?;
    let recent = changes
        .into_iter()
        .map(|change| {
            let (name, href) = match change.entity.as_str() {
                "user" => (
                    user_names
                        .iter()
                        .find(|(id, _)| *id == change.entity_id)
                        .map(|(_, n)| n.clone()),
                    format!("/users/{}", change.entity_id),
                ),
                "centre" => (
                    org_names
                        .iter()
                        .find(|o| o.id == change.entity_id)
                        .map(|o| o.name.clone()),
                    format!("/centres/{}", change.entity_id),
                ),
                _ => (
                    org_names
                        .iter()
                        .find(|o| o.id == change.entity_id)
                        .map(|o| o.name.clone()),
                    format!("/orgs/{}", change.entity_id),
                ),
            };
            Recent {
                name: name.unwrap_or_else(|| format!("#{}", change.entity_id)),
                href,
                change,
            }
        })
        .collect();
    let (pending, pending_count) = accounts::pending(db, actor).await?;
    Ok(AdminHome {
        totals: centres::totals(db).await?,
        provinces: centres::province_counts(db).await?,
        recent,
        pending,
        pending_count,
    })
}

/// A BLKK manager's home: their BLKK and what its profile still lacks.
pub async fn manager(db: &Db, actor: &Actor) -> Result<(CentreView, Vec<&'static str>), AppError> {
    let id = actor.org_id.ok_or(AppError::Forbidden)?;
    access::allow(actor.role == Role::Pengelola)?;
    let view = centres::view(db, Some(actor), id).await?;
    let missing = view.record.centre().completeness().missing();
    Ok((view, missing))
}

/// A supervisor's home (pembina, Disnaker, forum): the BLKK in their scope.
pub async fn supervisor(
    db: &Db,
    actor: &Actor,
    filter: &DirectoryFilter,
    sort: ScopeSort,
    page: i64,
) -> Result<ScopeOverview, AppError> {
    access::allow(matches!(
        actor.role,
        Role::Pembina | Role::Disnaker | Role::Forum
    ))?;
    centres::overview(db, actor, filter, sort, page).await
}

/// A partner's home: their organisation.
pub async fn partner(db: &Db, actor: &Actor) -> Result<OrgRecord, AppError> {
    let id = actor.org_id.ok_or(AppError::Forbidden)?;
    orgs::view(db, actor, id).await
}
