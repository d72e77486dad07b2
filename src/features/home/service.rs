//! What each role sees first after signing in: their work at a glance, gathered from the
//! features that own it (each checks its own access).

use crate::features::accounts::model::Account;
use crate::features::accounts::service as accounts;
use crate::features::centres::model::{
    DirectoryFilter, ProvinceCount, ScopeOverview, ScopeSort, Totals,
};
use crate::features::centres::service::{self as centres, CentreView};
use crate::features::orgs::model::OrgRecord;
use crate::features::orgs::service as orgs;
use crate::kernel::access::{self, Actor, Role};
use crate::kernel::audit::{self, RecentChange};
use crate::kernel::db::Db;
use crate::kernel::error::AppError;
use crate::kernel::records;
use crate::kernel::web::i18n::Lang;
use crate::kernel::work::WorkItem;

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
    let refs: Vec<(&str, i64)> = changes
        .iter()
        .map(|c| (c.entity.as_str(), c.entity_id))
        .collect();
    let named = records::resolve(db, &refs).await?;
    let recent = changes
        .into_iter()
        .zip(named)
        .map(|(change, r)| Recent {
            name: r.name,
            href: r.href,
            change,
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

/// The actor's work queue, each item's reason in `lang`.
pub async fn work(db: &Db, actor: &Actor, lang: Lang) -> Result<Vec<WorkItem>, AppError> {
    let mut items = crate::kernel::work::queue(db, actor).await?;
    for i in &mut items {
        i.reason = lang.tf(&format!("work.{}", i.kind), &[("n", &i.count.to_string())]);
    }
    Ok(items)
}
