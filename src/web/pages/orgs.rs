//! Organisations: the admin's list and forms, and each organisation's own page.

use crate::web::extract::Path;
use crate::web::extract::{Form, Query};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use super::HistoryPage;
use super::areas::{AreaPicker, PickerQuery};
use crate::app::{self, AppError};
use crate::domain::org::{OrgInput, OrgKind};
use crate::domain::validation::FieldErrors;
use crate::storage::orgs::{Org, OrgFilter};
use crate::storage::users::Member;
use crate::web::AppState;
use crate::web::page::Page;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct OrgQuery {
    kind: String,
    q: String,
    page: String,
}

impl OrgQuery {
    fn page(&self) -> i64 {
        self.page.trim().parse().unwrap_or(1).max(1)
    }

    fn href(&self, n: i64) -> String {
        let pairs = [
            ("kind", self.kind.as_str()),
            ("q", &self.q),
            ("page", &n.to_string()),
        ];
        format!(
            "/orgs?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "orgs.html")]
pub struct OrgList {
    page: Page,
    query: OrgQuery,
    orgs: Vec<Org>,
    total: i64,
    current: i64,
    pages: i64,
    kinds: Vec<&'static str>,
}

pub async fn list(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<OrgQuery>,
) -> Result<OrgList, AppError> {
    let actor = page.require()?;
    let filter = OrgFilter {
        kind: OrgKind::parse(&query.kind),
        q: query.q.clone(),
        for_areas: None,
    };
    let current = query.page();
    let (orgs, total) = app::orgs::list(&state.db, &actor, &filter, current).await?;
    let title = page.t("orgs.title");
    Ok(OrgList {
        page: page.titled(title),
        query,
        orgs,
        total,
        current,
        pages: (total + app::orgs::PAGE_SIZE - 1) / app::orgs::PAGE_SIZE,
        kinds: admin_kinds(),
    })
}

/// The kinds an admin creates here (BLKK have their own form).
fn admin_kinds() -> Vec<&'static str> {
    OrgKind::ALL
        .iter()
        .filter(|k| **k != OrgKind::Blkk)
        .map(|k| k.as_str())
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "org.html")]
pub struct OrgPage {
    page: Page,
    org: Org,
    members: Vec<Member>,
    /// Link to the BLKK this organisation works with, if any.
    centres_href: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<OrgPage, AppError> {
    let actor = page.require()?;
    let (org, members) = app::orgs::view(&state.db, &actor, id).await?;
    let own = actor.org_id == Some(org.id);
    let centres_href = match org.kind() {
        OrgKind::Uptp => Some(format!("/centres?pembina={}", org.id)),
        OrgKind::Forum => Some(format!("/centres?forum={}", org.id)),
        OrgKind::Disnaker if own => Some("/centres?mine=1".to_owned()),
        OrgKind::Disnaker => org.area_code.as_ref().map(|a| {
            let key = if a.len() == 2 { "province" } else { "regency" };
            format!("/centres?{key}={a}")
        }),
        _ => None,
    };
    let title = org.name.clone();
    Ok(OrgPage {
        page: page.titled(title),
        org,
        members,
        centres_href,
    })
}

/// The form fields as posted.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OrgForm {
    kind: String,
    subtype: String,
    name: String,
    province: String,
    regency: String,
    address: String,
    phone: String,
    email: String,
    version: String,
}

impl OrgForm {
    fn from_org(o: &Org) -> OrgForm {
        let area = o.area_code.clone().unwrap_or_default();
        OrgForm {
            kind: o.kind.clone(),
            subtype: o.subtype.clone(),
            name: o.name.clone(),
            province: area.get(..2).unwrap_or_default().to_owned(),
            regency: area
                .get(..5)
                .filter(|_| area.len() >= 5)
                .unwrap_or_default()
                .to_owned(),
            address: o.address.clone(),
            phone: o.phone.clone(),
            email: o.email.clone(),
            version: o.version.to_string(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "org_form.html")]
pub struct OrgFormPage {
    page: Page,
    id: Option<i64>,
    form: OrgForm,
    errors: FieldErrors,
    picker: AreaPicker,
    kinds: Vec<&'static str>,
    /// `(kind, subtype)` pairs for the subtype select.
    subtypes: Vec<(&'static str, &'static str)>,
    stale: bool,
}

impl OrgFormPage {
    fn action(&self) -> String {
        match self.id {
            Some(id) => format!("/orgs/{id}/edit"),
            None => "/orgs".into(),
        }
    }
}

async fn form_page(
    state: &AppState,
    page: Page,
    id: Option<i64>,
    form: OrgForm,
    errors: FieldErrors,
    stale: bool,
) -> Result<OrgFormPage, AppError> {
    let picker = AreaPicker::load(
        &state.db,
        2,
        &PickerQuery {
            province: form.province.clone(),
            regency: form.regency.clone(),
            ..Default::default()
        },
    )
    .await?;
    let title = match id {
        Some(_) => page.tf_title("org_form.edit_title", &form.name),
        None => page.t("org_form.new_title").into_owned(),
    };
    Ok(OrgFormPage {
        page: page.titled(title),
        id,
        form,
        errors,
        picker,
        kinds: admin_kinds(),
        subtypes: OrgKind::ALL
            .iter()
            .filter(|k| **k != OrgKind::Blkk)
            .flat_map(|k| k.subtypes().iter().map(move |s| (k.as_str(), *s)))
            .collect(),
        stale,
    })
}

fn input(form: &OrgForm, picker_region: &str) -> OrgInput {
    OrgInput {
        kind: form.kind.clone(),
        subtype: form.subtype.clone(),
        name: form.name.clone(),
        area_code: picker_region.to_owned(),
        address: form.address.clone(),
        phone: form.phone.clone(),
        email: form.email.clone(),
    }
}

/// The region the form's selects name: the regency if chosen inside the province.
fn region(form: &OrgForm) -> String {
    if !form.regency.is_empty() && form.regency.starts_with(&format!("{}.", form.province)) {
        form.regency.clone()
    } else {
        form.province.clone()
    }
}

pub async fn new_form(State(state): State<AppState>, page: Page) -> Result<OrgFormPage, AppError> {
    let actor = page.require()?;
    if !actor.is_admin() {
        return Err(AppError::Forbidden);
    }
    let form = OrgForm {
        kind: OrgKind::Mitra.as_str().into(),
        ..Default::default()
    };
    form_page(&state, page, None, form, FieldErrors::new(), false).await
}

async fn refused(
    state: &AppState,
    page: Page,
    id: Option<i64>,
    form: OrgForm,
    e: AppError,
) -> Result<Response, AppError> {
    let (errors, stale, status) = match e {
        AppError::Invalid(errors) => (errors, false, StatusCode::UNPROCESSABLE_ENTITY),
        AppError::Stale => (FieldErrors::new(), true, StatusCode::CONFLICT),
        other => return Err(other),
    };
    let body = form_page(state, page, id, form, errors, stale).await?;
    Ok((status, body).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<OrgForm>,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    match app::orgs::create(&state.db, &actor, &input(&form, &region(&form))).await {
        Ok(id) => Ok(Redirect::to(&format!("/orgs/{id}")).into_response()),
        Err(e) => refused(&state, page, None, form, e).await,
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<OrgFormPage, AppError> {
    let actor = page.require()?;
    if !actor.is_admin() {
        return Err(AppError::Forbidden);
    }
    let (org, _) = app::orgs::view(&state.db, &actor, id).await?;
    form_page(
        &state,
        page,
        Some(id),
        OrgForm::from_org(&org),
        FieldErrors::new(),
        false,
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<OrgForm>,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let version = form
        .version
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest("missing version".into()))?;
    match app::orgs::update(
        &state.db,
        &actor,
        id,
        &input(&form, &region(&form)),
        version,
    )
    .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/orgs/{id}")).into_response()),
        Err(e) => refused(&state, page, Some(id), form, e).await,
    }
}

pub async fn history(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<HistoryPage, AppError> {
    let actor = page.require()?;
    let (org, entries) = app::orgs::history(&state.db, &actor, id).await?;
    HistoryPage::build(&state, page, org.name, format!("/orgs/{id}"), entries).await
}
