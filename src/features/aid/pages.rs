//! Aid program pages: the programs, one program with its allocations and what each
//! realised, and the ministry's forms to define a program and allocate it.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::model::{AidKind, AllocationInput, AllocationRecord, ProgramInput, ProgramRecord};
use super::service;
use crate::kernel::error::AppError;
use crate::kernel::validate::{FieldErrors, Num, check};
use crate::kernel::web::AppState;
use crate::kernel::web::export;
use crate::kernel::web::extract::{FormBody, Path, Query};
use crate::kernel::web::form_answer::saved_or_again;
use crate::kernel::web::nav::href;
use crate::kernel::web::page::{Choice, Page};
use crate::kernel::web::paging::{Paged, Pager, page_number};
use crate::kernel::web::picker::{Picking, RecordPicker};

#[derive(Template, WebTemplate)]
#[template(path = "aid/list.html")]
pub struct ListPage {
    page: Page,
    programs: Vec<ProgramRecord>,
    /// The ministry's form to define a program, typed or empty.
    form: ProgramForm,
    errors: FieldErrors,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProgramForm {
    name: String,
    kind: String,
    budget_year: String,
    area_code: String,
    description: String,
}

impl ListPage {
    fn kind_options(&self) -> Vec<Choice> {
        self.page.choices("aid_kind", AidKind::ALL)
    }
}

async fn list_page(
    state: &AppState,
    page: Page,
    form: ProgramForm,
    errors: FieldErrors,
) -> Result<ListPage, AppError> {
    let actor = page.require()?;
    let programs = service::programs(&state.db, &actor).await?;
    let title = page.t("aid.title");
    Ok(ListPage {
        page: page.titled(title),
        programs,
        form,
        errors,
    })
}

pub async fn list(State(state): State<AppState>, page: Page) -> Result<ListPage, AppError> {
    list_page(&state, page, ProgramForm::default(), FieldErrors::new()).await
}

pub async fn create(
    State(state): State<AppState>,
    page: Page,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let f: ProgramForm = body.parse()?;
    let input = ProgramInput {
        name: f.name.clone(),
        kind: f.kind.clone(),
        budget_year: Num(f.budget_year.clone()),
        area_code: Some(f.area_code.clone()),
        description: f.description.clone(),
        obligations: Vec::new(),
    };
    saved_or_again(
        service::create_program(&state.db, &actor, &input).await,
        |p| format!("/aid/{}?done=aid_saved", p.id),
        |errors| list_page(&state, page, f, errors),
    )
    .await
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ShowQuery {
    page: String,
    /// `1`: only allocations behind schedule.
    behind: String,
    /// `lag`: the most behind first.
    sort: String,
    format: String,
}

impl ShowQuery {
    fn view(&self) -> service::AllocationView {
        service::AllocationView {
            behind: matches!(self.behind.as_str(), "1" | "true"),
            by_lag: self.sort == "lag",
        }
    }
}

/// The program page's link to a view of its allocations (and to its export).
fn view_href(base: &str, view: service::AllocationView, extra: &[(&str, &str)]) -> String {
    let mut q: Vec<(&str, &str)> = Vec::new();
    if view.behind {
        q.push(("behind", "1"));
    }
    if view.by_lag {
        q.push(("sort", "lag"));
    }
    q.extend_from_slice(extra);
    href(base, &q)
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AllocationForm {
    centre_id: String,
    amount_rupiah: String,
    packages: String,
    trainees_target: String,
    kejuruan: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "aid/show.html")]
pub struct ShowPage {
    page: Page,
    p: ProgramRecord,
    list: Paged<AllocationRecord>,
    pager: Pager,
    form: AllocationForm,
    /// The BLKK to allocate to, chosen by name or registration number.
    centre: RecordPicker,
    errors: FieldErrors,
    view: service::AllocationView,
}

impl ShowPage {
    /// This view with `behind` and `by_lag` as given.
    fn view_link(
        &self,
        behind: impl std::borrow::Borrow<bool>,
        by_lag: impl std::borrow::Borrow<bool>,
    ) -> String {
        let v = service::AllocationView {
            behind: *behind.borrow(),
            by_lag: *by_lag.borrow(),
        };
        format!(
            "{}#alokasi",
            view_href(&format!("/aid/{}", self.p.id), v, &[])
        )
    }

    fn export_link(&self, format: &str) -> String {
        view_href(
            &format!("/aid/{}/export", self.p.id),
            self.view,
            &[("format", format)],
        )
    }
}

#[allow(clippy::too_many_arguments)]
async fn show_page(
    state: &AppState,
    page: Page,
    id: i64,
    n: i64,
    view: service::AllocationView,
    form: AllocationForm,
    picking: &Picking,
    errors: FieldErrors,
) -> Result<ShowPage, AppError> {
    let actor = page.require()?;
    let (p, list) = service::allocations(&state.db, &actor, id, n, view).await?;
    let centre = service::centre_picker(
        &state.db,
        &actor,
        form.centre_id.trim().parse().ok(),
        picking.q("centre_id"),
    )
    .await?;
    let pager = list.pager(|n| view_href(&format!("/aid/{id}"), view, &[("page", &n.to_string())]));
    let title = p.program.name.clone();
    Ok(ShowPage {
        page: page.titled(title),
        p,
        list,
        pager,
        form,
        centre,
        errors,
        view,
    })
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Result<ShowPage, AppError> {
    let n = page_number(&q.page)?;
    show_page(
        &state,
        page,
        id,
        n,
        q.view(),
        AllocationForm::default(),
        &Picking::default(),
        FieldErrors::new(),
    )
    .await
}

/// A program's recipients and their realisation as XLSX or CSV.
pub async fn export(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(fq): Query<ShowQuery>,
) -> Result<Response, AppError> {
    let format = export::Format::parse(&fq.format)?;
    let view = fq.view();
    let actor = page.require()?;
    let headers = [
        "BLKK",
        "amount",
        "packages",
        "trainees_target",
        "batches",
        "trained",
        "graduated",
        "reports_sent",
        "visits_done",
        "lag",
        "behind",
    ]
    .iter()
    .map(|k| {
        if *k == "BLKK" {
            "BLKK".to_owned()
        } else {
            page.t(&format!("aid.{k}")).into_owned()
        }
    })
    .collect();
    let db = state.db.clone();
    let fetch: export::Fetch = Box::new(move |n| {
        let (db, actor) = (db.clone(), actor.clone());
        Box::pin(async move {
            // A chunk is the service's pages from `n * CHUNK` on.
            let per = export::CHUNK / service::PAGE_SIZE;
            let mut items = Vec::new();
            for page in n * per + 1..=(n + 1) * per {
                let (_, list) = service::allocations(&db, &actor, id, page, view).await?;
                let last = list.items.len() < service::PAGE_SIZE as usize;
                items.extend(list.items);
                if last {
                    break;
                }
            }
            Ok(items
                .into_iter()
                .map(|a| {
                    vec![
                        a.centre_name.clone(),
                        a.allocation.amount_rupiah.to_string(),
                        a.allocation.packages.to_string(),
                        a.allocation.trainees_target.to_string(),
                        a.realisation.batches.to_string(),
                        a.realisation.trainees.to_string(),
                        a.realisation.graduated.to_string(),
                        a.realisation.reports_sent.to_string(),
                        a.realisation.visits_done.to_string(),
                        a.lag.map(|l| l.to_string()).unwrap_or_default(),
                        if a.behind { "1" } else { "" }.to_owned(),
                    ]
                })
                .collect())
        })
    });
    export::respond(format, &format!("bantuan-{id}"), headers, fetch).await
}

pub async fn allocate(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let f: AllocationForm = body.parse()?;
    let picking = Picking::parse(&body.0);
    if picking.searching() {
        return Ok(show_page(
            &state,
            page,
            id,
            1,
            service::AllocationView::default(),
            f,
            &picking,
            FieldErrors::new(),
        )
        .await?
        .into_response());
    }
    let centre = check::int_in(&f.centre_id, 1, i64::MAX);
    let input = AllocationInput {
        centre_id: centre.clone().ok().flatten(),
        amount_rupiah: Num(f.amount_rupiah.clone()),
        packages: Num(f.packages.clone()),
        trainees_target: Num(f.trainees_target.clone()),
        kejuruan: f.kejuruan.clone(),
    };
    let done = match centre {
        Err(p) => Err(AppError::Invalid(FieldErrors::single("centre_id", p))),
        Ok(_) => service::allocate(&state.db, &actor, id, &input).await,
    };
    saved_or_again(
        done,
        |_| format!("/aid/{id}?done=allocation_saved"),
        |errors| {
            show_page(
                &state,
                page,
                id,
                1,
                service::AllocationView::default(),
                f,
                &picking,
                errors,
            )
        },
    )
    .await
}
