//! BLKK pages: the public directory (htmx swaps just its results), a profile, the create
//! and edit form, and the history.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::model::{CentreInput, CentreStatus, DirectoryEntry, DirectoryQuery, HostType};
use super::service::{self, CentreView};
use crate::features::areas::service::{Picker, PickerChoice, picker};
use crate::features::kejuruan::model::{Kejuruan, name_of};
use crate::features::kejuruan::service::catalogue;
use crate::features::orgs::model::{OrgKind, OrgRef};
use crate::kernel::error::AppError;
use crate::kernel::validate::{FieldErrors, Num, Patch, input_of};
use crate::kernel::web::AppState;
use crate::kernel::web::export;
use crate::kernel::web::extract::{FormBody, Path, Query};
use crate::kernel::web::history::HistoryPage;
use crate::kernel::web::page::{Choice, Page, form_action, shown};
use crate::kernel::web::paging::{Paged, Pager, page_number};

/// Whether a query string has parameters with nothing in them (`q=&status=`).
fn has_empty_params(query: Option<&str>) -> bool {
    query.is_some_and(|q| form_urlencoded::parse(q.as_bytes()).any(|(_, v)| v.trim().is_empty()))
}

/// Whether htmx asked for a fragment (not a whole page).
fn is_htmx(headers: &HeaderMap) -> bool {
    headers.contains_key("hx-request") && !headers.contains_key("hx-boosted")
}

#[derive(Template, WebTemplate)]
#[template(path = "centres/directory.html")]
pub struct DirectoryPage {
    page: Page,
    query: DirectoryQuery,
    results: Paged<DirectoryEntry>,
    pager: Pager,
    picker: Picker,
    kejuruan: Vec<Kejuruan>,
    host_types: &'static [HostType],
    statuses: &'static [CentreStatus],
}

#[derive(Template, WebTemplate)]
#[template(path = "centres/directory.html", block = "results")]
pub struct DirectoryResults {
    page: Page,
    query: DirectoryQuery,
    results: Paged<DirectoryEntry>,
    pager: Pager,
    kejuruan: Vec<Kejuruan>,
}

impl DirectoryPage {
    fn kejuruan_name(&self, code: &str) -> String {
        name_of(&self.kejuruan, code, self.page.lang.code())
    }
}

impl DirectoryResults {
    fn kejuruan_name(&self, code: &str) -> String {
        name_of(&self.kejuruan, code, self.page.lang.code())
    }
}

pub async fn directory(
    State(state): State<AppState>,
    page: Page,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Query(query): Query<DirectoryQuery>,
) -> Result<Response, AppError> {
    let current = page_number(&query.page)?;
    let canonical = query.href(current);
    let target = uri.path_and_query().map_or("", |p| p.as_str());
    if !is_htmx(&headers) && target != canonical && has_empty_params(uri.query()) {
        // A form sends its empty fields too: show the same list at its short address.
        return Ok(Redirect::to(&canonical).into_response());
    }
    let results = service::directory(
        &state.db,
        page.actor().as_ref(),
        &query.filter()?,
        query.mine()?,
        page_number(&query.page)?,
    )
    .await?;
    let kejuruan = catalogue(&state.db).await?;
    let title = page.t("directory.title");
    let pager = results.pager(|n| query.href(n));
    if is_htmx(&headers) {
        let mut res = DirectoryResults {
            page: page.titled(title),
            query,
            results,
            pager,
            kejuruan,
        }
        .into_response();
        // The address bar shows the list's short address, not the form's every field.
        if let Ok(v) = axum::http::HeaderValue::from_str(&canonical) {
            res.headers_mut().insert("hx-push-url", v);
        }
        return Ok(res);
    }
    let choice = PickerChoice {
        province: query.province.clone(),
        regency: query.regency.clone(),
        ..Default::default()
    };
    Ok(DirectoryPage {
        page: page.titled(title),
        picker: picker(&state.db, 2, &choice).await?,
        query,
        results,
        pager,
        kejuruan,
        host_types: HostType::ALL,
        statuses: CentreStatus::ALL,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "centres/show.html")]
pub struct ShowPage {
    page: Page,
    view: CentreView,
    kejuruan: Vec<Kejuruan>,
    /// The user may open the pembina's page.
    can_view_pembina: bool,
}

impl ShowPage {
    fn kejuruan_name(&self, code: &str) -> String {
        name_of(&self.kejuruan, code, self.page.lang.code())
    }
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<ShowPage, AppError> {
    let actor = page.actor();
    let view = service::view(&state.db, actor.as_ref(), id).await?;
    let can_view_pembina = match (&actor, &view.record.pembina) {
        (Some(a), Some(p)) => crate::features::orgs::model::can_view(a, p.id, OrgKind::Uptp),
        _ => false,
    };
    let title = view.record.profile.name.clone();
    Ok(ShowPage {
        page: page.titled(title),
        view,
        kejuruan: catalogue(&state.db).await?,
        can_view_pembina,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "centres/form.html")]
pub struct FormPage {
    page: Page,
    /// `None` when creating.
    id: Option<i64>,
    input: CentreInput,
    errors: FieldErrors,
    picker: Picker,
    kejuruan: Vec<Kejuruan>,
    host_types: &'static [HostType],
    statuses: &'static [CentreStatus],
    can_assign: bool,
    uptps: Vec<OrgRef>,
    forums: Vec<OrgRef>,
    /// Someone else saved the record since this form was opened.
    stale: bool,
    /// A map link as pasted (kept when it could not be read).
    map_link: String,
}

impl FormPage {
    /// The two answers of a yes/no choice, "no" first.
    fn yes_no(&self) -> &'static [&'static str] {
        &["false", "true"]
    }

    fn action(&self) -> String {
        form_action("/centres", self.id)
    }

    fn version(&self) -> String {
        shown(self.input.version)
    }

    fn kejuruan_options(&self) -> Vec<Choice> {
        self.kejuruan
            .iter()
            .map(|k| Choice::new(&k.code, k.name(self.page.lang.code())))
            .collect()
    }

    fn kejuruan_chosen(&self) -> Vec<String> {
        match &self.input.kejuruan {
            Patch::Set(list) => list.clone(),
            _ => Vec::new(),
        }
    }

    fn org_options(&self, orgs: &[OrgRef]) -> Vec<Choice> {
        orgs.iter().map(|o| Choice::new(o.id, &o.name)).collect()
    }

    fn pembina_selected(&self) -> &str {
        self.input.pembina_id.text().trim()
    }

    fn forums_chosen(&self) -> Vec<String> {
        match &self.input.forum_ids {
            Patch::Set(list) => list.iter().map(|n| n.text().trim().to_owned()).collect(),
            _ => Vec::new(),
        }
    }
}

/// Everything the form needs besides the values being edited.
#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    page: Page,
    id: Option<i64>,
    input: CentreInput,
    choice: PickerChoice,
    errors: FieldErrors,
    stale: bool,
    map_link: String,
) -> Result<FormPage, AppError> {
    let actor = page.require()?;
    let picker = Picker {
        in_form: true,
        ..picker(&state.db, 4, &choice).await?
    };
    let can_assign = service::may_assign(&actor);
    let (uptps, forums) = if can_assign {
        service::assignment_choices(&state.db, &actor, &picker.province, &picker.regency).await?
    } else {
        (Vec::new(), Vec::new())
    };
    let title = match id {
        // The record's stored name: the typed one may be empty or wrong.
        Some(id) => {
            let stored = service::view(&state.db, Some(&actor), id).await?;
            page.tf("centre_form.edit_title", &stored.record.profile.name)
        }
        None => page.t("centre_form.new_title").into_owned(),
    };
    Ok(FormPage {
        page: page.titled(title),
        id,
        input,
        errors,
        picker,
        kejuruan: catalogue(&state.db).await?,
        host_types: HostType::ALL,
        statuses: CentreStatus::ALL,
        can_assign,
        uptps,
        forums,
        stale,
        map_link,
    })
}

pub async fn new_form(State(state): State<AppState>, page: Page) -> Result<FormPage, AppError> {
    service::for_new(&page.require()?)?;
    let input = CentreInput {
        status: Patch::Set(CentreStatus::Aktif.as_str().into()),
        host_type: Patch::Set(HostType::Pesantren.as_str().into()),
        ..Default::default()
    };
    form_page(
        &state,
        page,
        None,
        input,
        PickerChoice::default(),
        FieldErrors::new(),
        false,
        String::new(),
    )
    .await
}

/// Shows the form again with its problems (422) or the conflict (409), keeping what the
/// user typed.
async fn refused(
    state: &AppState,
    page: Page,
    id: Option<i64>,
    body: &FormBody,
    input: CentreInput,
    e: AppError,
) -> Result<Response, AppError> {
    match e {
        AppError::Invalid(errors) => again(state, page, id, body, input, errors, false).await,
        AppError::Stale => again(state, page, id, body, input, FieldErrors::new(), true).await,
        other => Err(other),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct MapLink {
    map_link: String,
}

/// What a posted form asks for.
enum Posted {
    Save(CentreInput),
    /// Show it again: with these problems, or with none when the area lists were only
    /// refreshed (no JavaScript).
    Again(CentreInput, FieldErrors),
}

/// The posted profile. A pasted map link fills the coordinates; one that holds none, or a
/// village outside the province, regency or district chosen above it, is a problem beside
/// its field.
fn posted(body: &FormBody) -> Result<Posted, AppError> {
    let mut input: CentreInput = body.parse()?;
    let link: MapLink = body.parse()?;
    let choice: PickerChoice = body.parse()?;
    if choice.refresh_only() {
        return Ok(Posted::Again(input, FieldErrors::new()));
    }
    let mut errors = FieldErrors::new();
    if choice.village_outside() {
        errors.add("village_code", "village_outside_area");
    }
    if !link.map_link.trim().is_empty() {
        match super::model::coordinates_from(&link.map_link) {
            Some((lat, lon)) => {
                input.latitude = Patch::Set(Num(format!("{lat}")));
                input.longitude = Patch::Set(Num(format!("{lon}")));
            }
            None => errors.add("map_link", "invalid_map_link"),
        }
    }
    Ok(if errors.is_empty() {
        Posted::Save(input)
    } else {
        Posted::Again(input, errors)
    })
}

/// The form shown again as it was sent: with its problems (422), after someone else's
/// save (409), or only with refreshed area lists (200).
async fn again(
    state: &AppState,
    page: Page,
    id: Option<i64>,
    body: &FormBody,
    input: CentreInput,
    errors: FieldErrors,
    stale: bool,
) -> Result<Response, AppError> {
    let status = match (stale, errors.is_empty()) {
        (true, _) => StatusCode::CONFLICT,
        (false, false) => StatusCode::UNPROCESSABLE_ENTITY,
        (false, true) => StatusCode::OK,
    };
    let choice: PickerChoice = body.parse()?;
    let link: MapLink = body.parse()?;
    let form = form_page(state, page, id, input, choice, errors, stale, link.map_link).await?;
    Ok((status, form).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    page: Page,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let input = match posted(&body)? {
        Posted::Save(input) => input,
        Posted::Again(input, errors) => {
            return again(&state, page, None, &body, input, errors, false).await;
        }
    };
    match service::create(&state.db, &actor, &input).await {
        Ok(c) => Ok(Redirect::to(&format!("/centres/{}?saved=1", c.id)).into_response()),
        Err(e) => refused(&state, page, None, &body, input, e).await,
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<FormPage, AppError> {
    let actor = page.require()?;
    let view = service::for_edit(&state.db, &actor, id).await?;
    let r = &view.record;
    let mut input: CentreInput = input_of(&r.centre()).map_err(AppError::internal)?;
    input.version = Some(r.version);
    if view.can_assign {
        let a = r.assignment();
        input.pembina_id = a
            .pembina_id
            .map_or(Patch::Null, |p| Patch::Set(Num(p.to_string())));
        input.forum_ids = Patch::Set(a.forum_ids.iter().map(|f| Num(f.to_string())).collect());
    }
    let choice = PickerChoice {
        village_code: r.profile.village_code.to_string(),
        ..Default::default()
    };
    form_page(
        &state,
        page,
        Some(id),
        input,
        choice,
        FieldErrors::new(),
        false,
        String::new(),
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
    let input = match posted(&body)? {
        Posted::Save(input) => input,
        Posted::Again(input, errors) => {
            return again(&state, page, Some(id), &body, input, errors, false).await;
        }
    };
    match service::update(&state.db, &actor, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/centres/{id}?saved=1")).into_response()),
        Err(e) => refused(&state, page, Some(id), &body, input, e).await,
    }
}

pub async fn history(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<HistoryPage, AppError> {
    history_page(&state, page, id).await
}

/// A BLKK's history, for those who may read it: the page, and its file.
async fn history_page(state: &AppState, page: Page, id: i64) -> Result<HistoryPage, AppError> {
    let actor = page.require()?;
    let (view, entries, labels) = service::history(&state.db, &actor, id, page.lang.code()).await?;
    let back = format!("/centres/{id}");
    Ok(HistoryPage::new(
        page,
        view.record.profile.name,
        back,
        entries,
        labels,
    ))
}

/// The directory as XLSX or CSV, with its filters (`/centres/export?format=csv&...`).
pub async fn export(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<DirectoryQuery>,
    Query(f): Query<export::FormatQuery>,
) -> Result<Response, AppError> {
    let format = export::Format::parse(&f.format)?;
    let filter = query.filter()?;
    let mine = query.mine()?;
    let actor = page.actor();
    let contacts = service::export_contacts(actor.as_ref(), mine);
    let lang = page.lang.code();
    let kejuruan = catalogue(&state.db).await?;
    let label = |group: &str, v: &str| page.label(group, v).into_owned();
    let mut headers: Vec<String> = [
        "name",
        "reg_no",
        "host_name",
        "host_type",
        "status",
        "kejuruan",
        "street",
    ]
    .iter()
    .map(|f| page.field_label(f).into_owned())
    .collect();
    headers.extend([
        page.t("export.village").into_owned(),
        page.t("export.district").into_owned(),
        page.t("export.regency").into_owned(),
        page.t("export.province").into_owned(),
    ]);
    headers.extend(
        [
            "pembina_id",
            "aid_year",
            "year_built",
            "head_name",
            "latitude",
            "longitude",
        ]
        .iter()
        .map(|f| page.field_label(f).into_owned()),
    );
    headers.push(page.t("centre.updated").into_owned());
    if contacts {
        headers.push(page.field_label("contact_phone").into_owned());
        headers.push(page.field_label("contact_email").into_owned());
    }
    // Labels are resolved now; the rows are fetched chunk by chunk as the file is written.
    let host_types: Vec<(HostType, String)> = HostType::ALL
        .iter()
        .map(|h| (*h, label("host_type", h.as_str())))
        .collect();
    let statuses: Vec<(CentreStatus, String)> = CentreStatus::ALL
        .iter()
        .map(|s| (*s, label("status", s.as_str())))
        .collect();
    let names: Vec<(String, String)> = kejuruan
        .iter()
        .map(|k| (k.code.clone(), k.name(lang).to_owned()))
        .collect();
    let db = state.db.clone();
    let fetch: export::Fetch = Box::new(move |n| {
        let (db, actor, filter) = (db.clone(), actor.clone(), filter.clone());
        let (host_types, statuses, names) = (host_types.clone(), statuses.clone(), names.clone());
        Box::pin(async move {
            let rows =
                service::export_chunk(&db, actor.as_ref(), &filter, mine, n, export::CHUNK).await?;
            let of = |list: &[(HostType, String)], v: HostType| {
                list.iter()
                    .find(|(k, _)| *k == v)
                    .map(|(_, l)| l.clone())
                    .unwrap_or_default()
            };
            Ok(rows
                .into_iter()
                .map(|(e, d)| {
                    let mut r = vec![
                        e.name,
                        d.reg_no,
                        e.host_name,
                        of(&host_types, e.host_type),
                        statuses
                            .iter()
                            .find(|(k, _)| *k == e.status)
                            .map(|(_, l)| l.clone())
                            .unwrap_or_default(),
                        e.kejuruan
                            .iter()
                            .map(|c| {
                                names
                                    .iter()
                                    .find(|(k, _)| k == c)
                                    .map_or(c.clone(), |(_, n)| n.clone())
                            })
                            .collect::<Vec<_>>()
                            .join("; "),
                        d.street,
                        e.village_name,
                        e.district_name,
                        e.regency_name,
                        e.province_name,
                        e.pembina_name.unwrap_or_default(),
                        e.aid_year.to_string(),
                        d.year_built.map(|y| y.to_string()).unwrap_or_default(),
                        d.head_name,
                        d.latitude.map(|v| v.to_string()).unwrap_or_default(),
                        d.longitude.map(|v| v.to_string()).unwrap_or_default(),
                        d.updated_at
                            .to_offset(crate::kernel::time::Zone::Wib.offset())
                            .date()
                            .to_string(),
                    ];
                    if contacts {
                        r.push(d.contact_phone);
                        r.push(d.contact_email);
                    }
                    r
                })
                .collect())
        })
    });
    export::respond(format, "blkk", headers, fetch).await
}

/// The history as XLSX or CSV (`/centres/{id}/history/export?format=csv`): for those who may
/// read it.
pub async fn history_export(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(f): Query<export::FormatQuery>,
) -> Result<Response, AppError> {
    let format = export::Format::parse(&f.format)?;
    history_page(&state, page, id)
        .await?
        .export(format, "riwayat-blkk")
        .await
}
