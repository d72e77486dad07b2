//! `/`: the public front page for visitors; for a signed-in user, the home of their role,
//! where their work starts (and where later features add theirs).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::service::{self, AdminHome};
use crate::features::centres::model::{
    CentreStatus, DirectoryQuery, ScopeOverview, ScopeSort, Totals,
};
use crate::features::centres::service::{self as centres, CentreView};
use crate::features::kejuruan::model::{Kejuruan, name_of};
use crate::features::kejuruan::service::catalogue;
use crate::features::orgs::model::OrgRecord;
use crate::kernel::access::Role;
use crate::kernel::error::AppError;
use crate::kernel::web::AppState;
use crate::kernel::web::extract::Query;
use crate::kernel::web::nav::href;
use crate::kernel::web::page::Page;
use crate::kernel::web::paging::{Pager, page_number};
use crate::kernel::work::WorkItem;

#[derive(Template, WebTemplate)]
#[template(path = "home/index.html")]
pub struct HomePage {
    page: Page,
    totals: Totals,
}

#[derive(Template, WebTemplate)]
#[template(path = "home/admin.html")]
pub struct AdminPage {
    page: Page,
    home: AdminHome,
    work: Vec<WorkItem>,
}

#[derive(Template, WebTemplate)]
#[template(path = "home/manager.html")]
pub struct ManagerPage {
    page: Page,
    work: Vec<WorkItem>,
    view: CentreView,
    missing: Vec<&'static str>,
    kejuruan: Vec<Kejuruan>,
}

impl ManagerPage {
    fn kejuruan_name(&self, code: &str) -> String {
        name_of(&self.kejuruan, code, self.page.lang.code())
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "home/supervisor.html")]
pub struct SupervisorPage {
    page: Page,
    work: Vec<WorkItem>,
    query: HomeQuery,
    home: ScopeOverview,
    pager: Pager,
    kejuruan: Vec<Kejuruan>,
    statuses: &'static [CentreStatus],
    sorts: &'static [ScopeSort],
}

impl SupervisorPage {
    fn kejuruan_name(&self, code: &str) -> String {
        name_of(&self.kejuruan, code, self.page.lang.code())
    }

    fn sort_href(&self, sort: &ScopeSort) -> String {
        HomeQuery {
            sort: sort.as_str().to_owned(),
            page: String::new(),
            ..self.query.clone()
        }
        .href(1)
    }

    fn export_href(&self, format: &str) -> String {
        href(
            "/centres/export",
            &[
                ("format", format),
                ("mine", "1"),
                ("q", &self.query.q),
                ("status", &self.query.status),
                ("kejuruan", &self.query.kejuruan),
            ],
        )
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "home/partner.html")]
pub struct PartnerPage {
    page: Page,
    work: Vec<WorkItem>,
    org: OrgRecord,
}

/// A trainee's home: what is theirs to do, and the way to their trainings.
#[derive(Template, WebTemplate)]
#[template(path = "home/trainee.html")]
pub struct TraineePage {
    page: Page,
    work: Vec<WorkItem>,
}

/// The supervisor table's filters, sort and page, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HomeQuery {
    q: String,
    status: String,
    kejuruan: String,
    sort: String,
    page: String,
}

impl HomeQuery {
    fn href(&self, n: i64) -> String {
        let page = n.to_string();
        href(
            "/",
            &[
                ("q", &self.q),
                ("status", &self.status),
                ("kejuruan", &self.kejuruan),
                ("sort", &self.sort),
                ("page", if n > 1 { &page } else { "" }),
            ],
        )
    }

    fn sort(&self) -> Result<ScopeSort, AppError> {
        match self.sort.trim() {
            "" => Ok(ScopeSort::Name),
            s => ScopeSort::parse(s).ok_or_else(|| AppError::BadRequest("unknown sort".into())),
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<HomeQuery>,
) -> Result<Response, AppError> {
    let Some(actor) = page.actor() else {
        let totals = centres::totals(&state.db).await?;
        let title = page.t("home.title");
        return Ok(HomePage {
            page: page.titled(title),
            totals,
        }
        .into_response());
    };
    let title = page.t("home.mine");
    let page = page.titled(title);
    let work = service::work(&state.db, &actor, page.lang).await?;
    Ok(match actor.role {
        Role::Admin => AdminPage {
            home: service::admin(&state.db, &actor).await?,
            page,
            work,
        }
        .into_response(),
        Role::Pengelola => {
            let (view, missing) = service::manager(&state.db, &actor).await?;
            ManagerPage {
                page,
                work,
                view,
                missing,
                kejuruan: catalogue(&state.db).await?,
            }
            .into_response()
        }
        Role::Pembina | Role::Disnaker | Role::Forum => {
            let filter = DirectoryQuery {
                q: q.q.clone(),
                status: q.status.clone(),
                kejuruan: q.kejuruan.clone(),
                ..Default::default()
            }
            .filter()?;
            let home =
                service::supervisor(&state.db, &actor, &filter, q.sort()?, page_number(&q.page)?)
                    .await?;
            SupervisorPage {
                pager: home.rows.pager(|n| q.href(n)),
                page,
                work,
                home,
                query: q,
                kejuruan: catalogue(&state.db).await?,
                statuses: CentreStatus::ALL,
                sorts: ScopeSort::ALL,
            }
            .into_response()
        }
        // Their work is in their trainings.
        Role::Instruktur => axum::response::Redirect::to("/trainings").into_response(),
        Role::Peserta => TraineePage { page, work }.into_response(),
        Role::Mitra => PartnerPage {
            org: service::partner(&state.db, &actor).await?,
            page,
            work,
        }
        .into_response(),
    })
}
