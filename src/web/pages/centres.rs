//! A BLKK's profile page, its create/edit form, and its history.

use crate::web::extract::Form;
use crate::web::extract::Path;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::HistoryPage;
use super::areas::{AreaPicker, PickerQuery};
use crate::app::AppError;
use crate::app::centres::{self, Assignment, CentreView};
use crate::domain::access::Actor;
use crate::domain::centre::{CentreInput, CentreStatus, HostType};
use crate::domain::org::OrgKind;
use crate::domain::validation::FieldErrors;
use crate::storage::kejuruan::{self, Kejuruan};
use crate::storage::orgs::{self, OrgFilter, OrgRef};
use crate::web::AppState;
use crate::web::page::Page;

#[derive(Template, WebTemplate)]
#[template(path = "centre.html")]
pub struct CentrePage {
    page: Page,
    view: CentreView,
    kejuruan: Vec<Kejuruan>,
    can_view_pembina: bool,
}

impl CentrePage {
    fn kejuruan_name(&self, code: &str) -> String {
        kejuruan::name_of(&self.kejuruan, code, self.page.lang.code())
    }
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<CentrePage, AppError> {
    let actor = page.actor();
    let view = centres::view(&state.db, actor.as_ref(), id).await?;
    let kejuruan = kejuruan::all(&state.db).await?;
    let can_view_pembina = match (&actor, view.record.row.pembina_id) {
        (Some(a), Some(p)) => crate::domain::access::can_view_org(a, p, OrgKind::Uptp),
        _ => false,
    };
    let title = view.record.row.name.clone();
    Ok(CentrePage {
        page: page.titled(title),
        view,
        kejuruan,
        can_view_pembina,
    })
}

/// The form fields as posted.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CentreForm {
    name: String,
    reg_no: String,
    host_name: String,
    host_type: String,
    street: String,
    province: String,
    regency: String,
    district: String,
    village_code: String,
    village_q: String,
    latitude: String,
    longitude: String,
    year_built: String,
    aid_year: String,
    kejuruan: Vec<String>,
    head_name: String,
    contact_phone: String,
    contact_email: String,
    status: String,
    pembina_id: String,
    forum_ids: Vec<String>,
    version: String,
}

impl CentreForm {
    fn input(&self) -> CentreInput {
        CentreInput {
            name: self.name.clone(),
            reg_no: self.reg_no.clone(),
            host_name: self.host_name.clone(),
            host_type: self.host_type.clone(),
            street: self.street.clone(),
            village_code: self.village_code.clone(),
            latitude: self.latitude.clone(),
            longitude: self.longitude.clone(),
            year_built: self.year_built.clone(),
            aid_year: self.aid_year.clone(),
            kejuruan: self.kejuruan.clone(),
            head_name: self.head_name.clone(),
            contact_phone: self.contact_phone.clone(),
            contact_email: self.contact_email.clone(),
            status: self.status.clone(),
        }
    }

    fn assignment(&self) -> Result<Assignment, FieldErrors> {
        let mut e = FieldErrors::new();
        let pembina_id = match self.pembina_id.trim() {
            "" => None,
            s => s.parse().map(Some).unwrap_or_else(|_| {
                e.add("pembina_id", "invalid_choice");
                None
            }),
        };
        let forum_ids = self
            .forum_ids
            .iter()
            .filter_map(|f| {
                f.trim()
                    .parse()
                    .map_err(|_| e.add("forum_ids", "invalid_choice"))
                    .ok()
            })
            .collect();
        e.finish(Assignment {
            pembina_id,
            forum_ids,
        })
    }

    fn picker_query(&self) -> PickerQuery {
        PickerQuery {
            levels: "4".into(),
            province: self.province.clone(),
            regency: self.regency.clone(),
            district: self.district.clone(),
            village_code: self.village_code.clone(),
            village_q: self.village_q.clone(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "centre_form.html")]
pub struct CentreFormPage {
    page: Page,
    /// `None` when creating.
    id: Option<i64>,
    version: String,
    input: CentreInput,
    errors: FieldErrors,
    picker: AreaPicker,
    kejuruan: Vec<Kejuruan>,
    host_types: Vec<&'static str>,
    statuses: Vec<&'static str>,
    can_assign: bool,
    uptps: Vec<OrgRef>,
    forums: Vec<OrgRef>,
    pembina_id: String,
    forum_ids: Vec<String>,
    /// Someone else saved the record since this form was opened.
    stale: bool,
}

impl CentreFormPage {
    fn action(&self) -> String {
        match self.id {
            Some(id) => format!("/centres/{id}/edit"),
            None => "/centres".into(),
        }
    }

    fn has_kejuruan(&self, code: &str) -> bool {
        self.input.kejuruan.iter().any(|k| k == code)
    }

    fn has_forum(&self, id: &i64) -> bool {
        self.forum_ids.iter().any(|f| f == &id.to_string())
    }
}

/// Everything the form needs besides the values being edited.
async fn form_page(
    state: &AppState,
    page: Page,
    id: Option<i64>,
    form: &CentreForm,
    errors: FieldErrors,
    can_assign: bool,
    stale: bool,
) -> Result<CentreFormPage, AppError> {
    let picker = AreaPicker::load(&state.db, 4, &form.picker_query()).await?;
    let (uptps, forums) = if can_assign {
        let uptps = orgs::refs(
            &state.db,
            &OrgFilter {
                kind: Some(OrgKind::Uptp),
                ..Default::default()
            },
        )
        .await?;
        // Forums that fit where the BLKK is: national ones and those of its province/regency.
        let mut areas: Vec<String> = vec![picker.province.clone(), picker.regency.clone()];
        areas.retain(|a| !a.is_empty());
        let forums = orgs::refs(
            &state.db,
            &OrgFilter {
                kind: Some(OrgKind::Forum),
                for_areas: Some(areas),
                ..Default::default()
            },
        )
        .await?;
        (uptps, forums)
    } else {
        (Vec::new(), Vec::new())
    };
    let title = match id {
        Some(_) => page.tf_title("centre_form.edit_title", &form.name),
        None => page.t("centre_form.new_title").into_owned(),
    };
    Ok(CentreFormPage {
        page: page.titled(title),
        id,
        version: form.version.clone(),
        input: form.input(),
        errors,
        picker,
        kejuruan: kejuruan::all(&state.db).await?,
        host_types: HostType::ALL.iter().map(|h| h.as_str()).collect(),
        statuses: CentreStatus::ALL.iter().map(|s| s.as_str()).collect(),
        can_assign,
        uptps,
        forums,
        pembina_id: form.pembina_id.clone(),
        forum_ids: form.forum_ids.clone(),
        stale,
    })
}

fn admin(page: &Page) -> Result<Actor, AppError> {
    let actor = page.require()?;
    if actor.is_admin() {
        Ok(actor)
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn new_form(
    State(state): State<AppState>,
    page: Page,
) -> Result<CentreFormPage, AppError> {
    admin(&page)?;
    let form = CentreForm {
        status: CentreStatus::Aktif.as_str().into(),
        host_type: HostType::Pesantren.as_str().into(),
        ..Default::default()
    };
    form_page(&state, page, None, &form, FieldErrors::new(), true, false).await
}

/// Re-renders the form with its errors (422), or maps other failures to their pages.
async fn refused(
    state: &AppState,
    page: Page,
    id: Option<i64>,
    form: &CentreForm,
    e: AppError,
    can_assign: bool,
) -> Result<Response, AppError> {
    let (errors, stale, status) = match e {
        AppError::Invalid(errors) => (errors, false, StatusCode::UNPROCESSABLE_ENTITY),
        AppError::Stale => (FieldErrors::new(), true, StatusCode::CONFLICT),
        other => return Err(other),
    };
    let body = form_page(state, page, id, form, errors, can_assign, stale).await?;
    Ok((status, body).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<CentreForm>,
) -> Result<Response, AppError> {
    let actor = admin(&page)?;
    let result = match form.assignment() {
        Ok(a) => centres::create(&state.db, &actor, &form.input(), &a).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/centres/{id}")).into_response()),
        Err(e) => refused(&state, page, None, &form, e, true).await,
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<CentreFormPage, AppError> {
    let actor = page.require()?;
    let view = centres::for_edit(&state.db, &actor, id).await?;
    let input = view.record.fields().to_input();
    let form = CentreForm {
        name: input.name,
        reg_no: input.reg_no,
        host_name: input.host_name,
        host_type: input.host_type,
        street: input.street,
        village_code: input.village_code,
        latitude: input.latitude,
        longitude: input.longitude,
        year_built: input.year_built,
        aid_year: input.aid_year,
        kejuruan: input.kejuruan,
        head_name: input.head_name,
        contact_phone: input.contact_phone,
        contact_email: input.contact_email,
        status: input.status,
        pembina_id: view
            .record
            .row
            .pembina_id
            .map(|p| p.to_string())
            .unwrap_or_default(),
        forum_ids: view
            .record
            .forums
            .iter()
            .map(|f| f.id.to_string())
            .collect(),
        version: view.record.row.version.to_string(),
        ..Default::default()
    };
    form_page(
        &state,
        page,
        Some(id),
        &form,
        FieldErrors::new(),
        view.can_assign,
        false,
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<CentreForm>,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let can_assign = actor.is_admin();
    let version = form.version.trim().parse::<i64>().ok();
    let result = match (can_assign, form.assignment()) {
        (true, Ok(a)) => {
            centres::update(&state.db, &actor, id, &form.input(), Some(&a), version).await
        }
        (true, Err(e)) => Err(AppError::Invalid(e)),
        (false, _) => centres::update(&state.db, &actor, id, &form.input(), None, version).await,
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/centres/{id}?saved=1")).into_response()),
        Err(e) => refused(&state, page, Some(id), &form, e, can_assign).await,
    }
}

pub async fn history(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<HistoryPage, AppError> {
    let actor = page.require()?;
    let (view, entries) = centres::history(&state.db, &actor, id).await?;
    HistoryPage::build(
        &state,
        page,
        view.record.row.name,
        format!("/centres/{id}"),
        entries,
    )
    .await
}
