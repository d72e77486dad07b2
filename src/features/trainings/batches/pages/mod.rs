//! Batch pages: a BLKK's batches and their export, and the batch form; one batch and what
//! is done on it are in [`batch`].

pub mod batch;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::model::{self, Funding, TrainingFilter, TrainingInput, TrainingRecord};
use super::service;
use crate::features::kejuruan::model::Kejuruan;
use crate::features::kejuruan::service::catalogue;
use crate::features::orgs;
use crate::kernel::access::{Actor, Role};
use crate::kernel::code::Rupiah;
use crate::kernel::error::AppError;
use crate::kernel::validate::{FieldErrors, Flag, Num, Patch, check, input_of};
use crate::kernel::web::AppState;
use crate::kernel::web::export;
use crate::kernel::web::extract::{FormBody, Path, Query};
use crate::kernel::web::nav::href;
use crate::kernel::web::page::{Choice, Page, form_action, shown};
use crate::kernel::web::paging::{Paged, Pager, page_number};

pub(crate) fn rupiah(n: &i64) -> String {
    if *n == 0 {
        "Gratis".to_owned()
    } else {
        Rupiah(*n).to_string()
    }
}

// ---- The batch list ------------------------------------------------------------------

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    centre: String,
    year: String,
    kejuruan: String,
    funding: String,
    page: String,
}

impl ListQuery {
    fn filter(&self) -> Result<TrainingFilter, AppError> {
        let mut e = FieldErrors::new();
        let centre = e.take("centre", check::int_in(&self.centre, 1, i64::MAX));
        let year = e.take("year", check::int_in(&self.year, 2000, 2100));
        e.finish(()).map_err(AppError::Invalid)?;
        Ok(TrainingFilter {
            centre,
            year,
            kejuruan: self.kejuruan.trim().to_owned(),
            funding: Funding::parse(self.funding.trim()),
            ..Default::default()
        })
    }

    fn pairs(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("centre", &self.centre),
            ("year", &self.year),
            ("kejuruan", &self.kejuruan),
            ("funding", &self.funding),
        ]
    }

    fn href(&self, n: i64) -> String {
        let page = n.to_string();
        let mut p = self.pairs();
        p.push(("page", if n > 1 { &page } else { "" }));
        href("/trainings", &p)
    }

    fn export_href(&self, format: &str) -> String {
        let mut p = self.pairs();
        p.push(("format", format));
        href("/trainings/export", &p)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "trainings/list.html")]
pub struct ListPage {
    page: Page,
    query: ListQuery,
    results: Paged<TrainingRecord>,
    pager: Pager,
    kejuruan: Vec<Kejuruan>,
    fundings: &'static [Funding],
    can_plan: bool,
    tracer_href: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<ListQuery>,
) -> Result<ListPage, AppError> {
    let actor = page.require()?;
    let results = service::list(
        &state.db,
        &actor,
        &query.filter()?,
        page_number(&query.page)?,
    )
    .await?;
    let pager = results.pager(|n| query.href(n));
    let title = page.t("trainings.title");
    let own = matches!(actor.role, Role::Pengelola | Role::Instruktur);
    Ok(ListPage {
        can_plan: model::can_plan(&actor),
        tracer_href: own.then(|| "/trainings/tracer".to_owned()),
        page: page.titled(title),
        query,
        results,
        pager,
        kejuruan: catalogue(&state.db).await?,
        fundings: Funding::ALL,
    })
}

/// The batch list as XLSX or CSV, with its filters.
pub async fn export(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<ListQuery>,
    Query(f): Query<export::FormatQuery>,
) -> Result<Response, AppError> {
    let format = export::Format::parse(&f.format)?;
    let actor = page.require()?;
    let filter = query.filter()?;
    let headers = [
        "title",
        "centre_name",
        "kejuruan",
        "start_date",
        "end_date",
        "hours",
        "quota",
        "enrolled",
        "fee",
        "funding",
    ]
    .iter()
    .map(|f| page.field_label(f).into_owned())
    .collect();
    let fundings: Vec<(Funding, String)> = Funding::ALL
        .iter()
        .map(|f| (*f, page.label("funding", f.as_str()).into_owned()))
        .collect();
    let db = state.db.clone();
    let fetch: export::Fetch = Box::new(move |n| {
        let (db, actor, filter, fundings) =
            (db.clone(), actor.clone(), filter.clone(), fundings.clone());
        Box::pin(async move {
            let rows = service::export_chunk(&db, &actor, &filter, n, export::CHUNK).await?;
            Ok(rows
                .into_iter()
                .map(|r| {
                    let funding = fundings.iter().find(|(f, _)| *f == r.training.funding);
                    vec![
                        r.training.title,
                        r.centre_name,
                        r.kejuruan_name,
                        r.training.start_date.to_string(),
                        r.training.end_date.to_string(),
                        r.training.hours.to_string(),
                        r.training.quota.to_string(),
                        r.enrolled.to_string(),
                        r.training.fee.to_string(),
                        funding.map(|(_, l)| l.clone()).unwrap_or_default(),
                    ]
                })
                .collect())
        })
    });
    export::respond(format, "pelatihan", headers, fetch).await
}

// ---- The batch form ------------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "trainings/form.html")]
pub struct FormPage {
    page: Page,
    id: Option<i64>,
    input: TrainingInput,
    errors: FieldErrors,
    kejuruan: Vec<Kejuruan>,
    partners: Vec<Choice>,
    instructors: Vec<(i64, String)>,
    stale: bool,
}

impl FormPage {
    fn action(&self) -> String {
        form_action("/trainings", self.id)
    }

    fn version(&self) -> String {
        shown(self.input.version)
    }

    fn centre(&self) -> String {
        shown(self.input.centre_id)
    }

    fn kejuruan_options(&self) -> Vec<Choice> {
        let en = self.page.is_en();
        self.kejuruan
            .iter()
            .map(|k| Choice::new(&k.code, if en { &k.name_en } else { &k.name_id }.clone()))
            .collect()
    }

    fn funding_options(&self) -> Vec<Choice> {
        self.page.choices("funding", Funding::ALL)
    }

    fn open_options(&self) -> Vec<Choice> {
        vec![
            Choice::new("true", self.page.t("form.yes")),
            Choice::new("false", self.page.t("form.no")),
        ]
    }

    fn teaches(&self, id: &i64) -> bool {
        self.input.instructor_ids.has(&id.to_string())
    }
}

/// The partner organisations (mitra) to choose from: a batch's partner, a graduate's
/// employer.
pub(crate) async fn partner_choices(state: &AppState) -> Result<Vec<Choice>, AppError> {
    let filter = orgs::model::OrgFilter {
        kind: Some(orgs::model::OrgKind::Mitra),
        ..Default::default()
    };
    Ok(orgs::service::choices(&state.db, &filter)
        .await?
        .into_iter()
        .map(|o| Choice::new(o.id, o.name))
        .collect())
}

async fn form_page(
    state: &AppState,
    page: Page,
    actor: &Actor,
    id: Option<i64>,
    input: TrainingInput,
    errors: FieldErrors,
    stale: bool,
) -> Result<FormPage, AppError> {
    let title = match id {
        Some(id) => {
            let stored = service::view(&state.db, actor, id).await?;
            page.tf("training_form.edit_title", &stored.training.title)
        }
        None => page.t("training_form.new_title").into_owned(),
    };
    let centre = input.centre_id.or(actor.org_id);
    let partners = partner_choices(state).await?;
    let instructors = match centre {
        Some(c) => service::instructors(&state.db, c).await?,
        None => Vec::new(),
    };
    Ok(FormPage {
        page: page.titled(title),
        id,
        input,
        errors,
        kejuruan: catalogue(&state.db).await?,
        partners,
        instructors,
        stale,
    })
}

pub async fn new_form(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<ListQuery>,
) -> Result<FormPage, AppError> {
    let actor = page.require()?;
    let given = check::int_in(&q.centre, 1, i64::MAX).ok().flatten();
    let centre = match service::planning_centre(&actor, given) {
        Err(AppError::Invalid(_)) => None,
        other => Some(other?),
    };
    let input = TrainingInput {
        centre_id: centre,
        hours: Patch::Set(Num(model::PBK_HOURS.to_string())),
        quota: Patch::Set(Num(model::PBK_QUOTA.to_string())),
        fee: Patch::Set(Num("0".into())),
        funding: Patch::Set(Funding::Pbk.as_str().into()),
        open_to_public: Patch::Set(Flag(true)),
        ..Default::default()
    };
    form_page(&state, page, &actor, None, input, FieldErrors::new(), false).await
}

async fn refused_form(
    state: &AppState,
    page: Page,
    actor: &Actor,
    id: Option<i64>,
    input: TrainingInput,
    e: AppError,
) -> Result<Response, AppError> {
    let (errors, stale, status) = match e {
        AppError::Invalid(errors) => (errors, false, StatusCode::UNPROCESSABLE_ENTITY),
        AppError::Stale => (FieldErrors::new(), true, StatusCode::CONFLICT),
        other => return Err(other),
    };
    let body = form_page(state, page, actor, id, input, errors, stale).await?;
    Ok((status, body).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    page: Page,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let input: TrainingInput = body.parse()?;
    match service::create(&state.db, &actor, &input).await {
        Ok(t) => {
            Ok(Redirect::to(&format!("/trainings/{}?done=training_saved", t.id)).into_response())
        }
        Err(e) => refused_form(&state, page, &actor, None, input, e).await,
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<FormPage, AppError> {
    let actor = page.require()?;
    let t = service::for_edit(&state.db, &actor, id).await?;
    let mut input: TrainingInput = input_of(&t.training).map_err(AppError::internal)?;
    input.version = Some(t.version);
    form_page(
        &state,
        page,
        &actor,
        Some(id),
        input,
        FieldErrors::new(),
        false,
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let input: TrainingInput = body.parse()?;
    match service::update(&state.db, &actor, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/trainings/{id}?done=training_saved")).into_response()),
        Err(e) => refused_form(&state, page, &actor, Some(id), input, e).await,
    }
}
