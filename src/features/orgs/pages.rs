//! Organisations: the admin's list and forms, and each organisation's own page.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::model::{self, OrgFilter, OrgInput, OrgKind, OrgRecord};
use super::service;
use crate::features::accounts::{self, model::Member};
use crate::features::areas::service::{Picker, PickerChoice, picker};
use crate::kernel::error::AppError;
use crate::kernel::validate::{FieldErrors, Patch, input_of};
use crate::kernel::web::AppState;
use crate::kernel::web::export;
use crate::kernel::web::extract::{FormBody, Path, Query};
use crate::kernel::web::form_answer::saved_or_again;
use crate::kernel::web::history::HistoryPage;
use crate::kernel::web::nav::href;
use crate::kernel::web::page::{Choice, Page, form_action, shown};
use crate::kernel::web::paging::{Paged, Pager, page_number};
use crate::kernel::web::picker::{Picking, RecordPicker};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    kind: String,
    q: String,
    page: String,
}

impl ListQuery {
    fn filter(&self) -> OrgFilter {
        OrgFilter {
            kind: OrgKind::parse(&self.kind),
            q: self.q.clone(),
            for_areas: None,
        }
    }

    /// The list's file, with its filters.
    fn export_href(&self, format: &str) -> String {
        href(
            "/orgs/export",
            &[("format", format), ("kind", &self.kind), ("q", &self.q)],
        )
    }

    fn href(&self, n: i64) -> String {
        href(
            "/orgs",
            &[
                ("kind", &self.kind),
                ("q", &self.q),
                ("page", &n.to_string()),
            ],
        )
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "orgs/list.html")]
pub struct ListPage {
    page: Page,
    query: ListQuery,
    results: Paged<OrgRecord>,
    pager: Pager,
    kinds: Vec<OrgKind>,
}

pub async fn list(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<ListQuery>,
) -> Result<ListPage, AppError> {
    let actor = page.require()?;
    let filter = query.filter();
    let results = service::list(&state.db, &actor, &filter, page_number(&query.page)?).await?;
    let pager = results.pager(|n| query.href(n));
    let title = page.t("orgs.title");
    Ok(ListPage {
        page: page.titled(title),
        query,
        results,
        pager,
        kinds: OrgKind::managed().collect(),
    })
}

/// The list as XLSX or CSV, with its filters (`/orgs/export?format=csv&kind=...`): admins.
pub async fn export(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<ListQuery>,
    Query(f): Query<export::FormatQuery>,
) -> Result<Response, AppError> {
    let format = export::Format::parse(&f.format)?;
    // Admins only: checked by the service when the first rows are read, before any answer.
    let actor = page.require()?;
    let filter = query.filter();
    let headers = [
        "name",
        "kind",
        "subtype",
        "area_code",
        "address",
        "phone",
        "email",
    ]
    .iter()
    .map(|f| page.field_label(f).into_owned())
    .collect();
    let kinds: Vec<(OrgKind, String)> = OrgKind::ALL
        .iter()
        .copied()
        .map(|k| (k, page.label("kind", k.as_str()).into_owned()))
        .collect();
    let subtypes: Vec<(String, String)> = OrgKind::ALL
        .iter()
        .copied()
        .flat_map(|k| k.subtypes().iter())
        .map(|s| ((*s).to_owned(), page.label("subtype", s).into_owned()))
        .collect();
    let national = page.t("orgs.national").into_owned();
    let db = state.db.clone();
    let fetch: export::Fetch = Box::new(move |n| {
        let (db, actor, filter) = (db.clone(), actor.clone(), filter.clone());
        let (kinds, subtypes, national) = (kinds.clone(), subtypes.clone(), national.clone());
        Box::pin(async move {
            let rows = service::export_chunk(&db, &actor, &filter, n, export::CHUNK).await?;
            Ok(rows
                .into_iter()
                .map(|o| {
                    let kind = kinds.iter().find(|(k, _)| *k == o.org.kind);
                    let subtype = subtypes.iter().find(|(s, _)| *s == o.org.subtype);
                    vec![
                        o.org.name,
                        kind.map(|(_, l)| l.clone()).unwrap_or_default(),
                        subtype.map_or(o.org.subtype.clone(), |(_, l)| l.clone()),
                        o.area_name.unwrap_or_else(|| national.clone()),
                        o.org.address,
                        o.org.phone,
                        o.org.email,
                    ]
                })
                .collect())
        })
    });
    export::respond(format, "organisasi", headers, fetch).await
}

#[derive(Template, WebTemplate)]
#[template(path = "orgs/show.html")]
pub struct ShowPage {
    page: Page,
    org: OrgRecord,
    members: Vec<Member>,
    /// Link to the BLKK this organisation works with, if any.
    centres_href: Option<String>,
    can_edit: bool,
    /// Where the viewer invites a user to this organisation, if they may.
    invite_href: Option<String>,
    /// The organisation's accounts, for those who manage them.
    users_href: Option<String>,
    /// For an admin looking at a partner: the partner to merge it into.
    merge: Option<RecordPicker>,
    errors: FieldErrors,
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<ShowPage, AppError> {
    show_page(&state, page, id, &Picking::default(), FieldErrors::new()).await
}

async fn show_page(
    state: &AppState,
    page: Page,
    id: i64,
    picking: &Picking,
    errors: FieldErrors,
) -> Result<ShowPage, AppError> {
    let actor = page.require()?;
    let org = service::view(&state.db, &actor, id).await?;
    let members = accounts::service::members(&state.db, &actor, id).await?;
    let own = actor.org_id == Some(org.id);
    let centres_href = match org.org.kind {
        OrgKind::Uptp => Some(format!("/centres?pembina={}", org.id)),
        OrgKind::Forum => Some(format!("/centres?forum={}", org.id)),
        OrgKind::Disnaker if own => Some("/centres?mine=1".to_owned()),
        OrgKind::Disnaker => org.org.area_code.as_ref().map(|a| {
            let key = if a.as_str().len() == 2 {
                "province"
            } else {
                "regency"
            };
            format!("/centres?{key}={a}")
        }),
        _ => None,
    };
    let title = org.org.name.clone();
    Ok(ShowPage {
        page: page.titled(title),
        can_edit: model::can_edit(&actor, org.id, org.org.kind),
        invite_href: accounts::model::invite_href(&actor, org.id, org.org.kind),
        users_href: accounts::model::may_manage(
            &actor,
            accounts::model::role_for(org.org.kind),
            Some(org.id),
        )
        .then(|| format!("/users?org_id={}", org.id)),
        merge: service::merge_picker(&state.db, &actor, &org, picking.q("into_id")).await?,
        errors,
        org,
        members,
        centres_href,
    })
}

/// An admin merges this partner into another chosen by name.
pub async fn merge(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let picking = Picking::parse(&body.0);
    let form: MergeForm = body.parse()?;
    if picking.searching() {
        return Ok(show_page(&state, page, id, &picking, FieldErrors::new())
            .await?
            .into_response());
    }
    let into = form.into_id.trim().parse().unwrap_or(0);
    saved_or_again(
        service::merge(&state.db, &actor, id, into).await,
        |kept| format!("/orgs/{}?done=merged", kept.id),
        |errors| show_page(&state, page, id, &picking, errors),
    )
    .await
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MergeForm {
    into_id: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "orgs/form.html")]
pub struct FormPage {
    page: Page,
    id: Option<i64>,
    input: OrgInput,
    errors: FieldErrors,
    picker: Picker,
    kinds: Vec<OrgKind>,
    /// `(kind, subtype)` pairs for the subtype select.
    subtypes: Vec<(OrgKind, &'static str)>,
    stale: bool,
}

impl FormPage {
    fn action(&self) -> String {
        form_action("/orgs", self.id)
    }

    fn version(&self) -> String {
        shown(self.input.version)
    }

    fn kind_options(&self) -> Vec<Choice> {
        self.page.choices("kind", &self.kinds)
    }

    /// Every kind's subtypes, labelled with their kind; the script offers only the chosen
    /// kind's.
    fn subtype_options(&self) -> Vec<Choice> {
        self.subtypes
            .iter()
            .map(|(k, s)| Choice {
                value: (*s).to_owned(),
                label: format!(
                    "{} — {}",
                    self.page.label("kind", k.as_str()),
                    self.page.label("subtype", s)
                ),
                group: k.to_string(),
            })
            .collect()
    }
}

async fn form_page(
    state: &AppState,
    page: Page,
    id: Option<i64>,
    input: OrgInput,
    errors: FieldErrors,
    stale: bool,
) -> Result<FormPage, AppError> {
    let area = input.area_code.text();
    let choice = PickerChoice {
        province: area.get(..2).unwrap_or_default().to_owned(),
        regency: area.get(..5).unwrap_or_default().to_owned(),
        ..Default::default()
    };
    let picker = Picker {
        in_form: true,
        ..picker(&state.db, 2, &choice).await?
    };
    let title = match id {
        // The stored name: the typed one may be empty or wrong.
        Some(id) => {
            let stored = service::view(&state.db, &page.require()?, id).await?;
            page.tf("org_form.edit_title", &stored.org.name)
        }
        None => page.t("org_form.new_title").into_owned(),
    };
    Ok(FormPage {
        page: page.titled(title),
        id,
        input,
        errors,
        picker,
        kinds: OrgKind::managed().collect(),
        subtypes: OrgKind::managed()
            .flat_map(|k| k.subtypes().iter().map(move |s| (k, *s)))
            .collect(),
        stale,
    })
}

/// The posted form: the organisation's fields, its area taken from the picker (the
/// regency when one is chosen inside the province), and whether it was sent only to refresh
/// the area lists (no JavaScript: show it again, save nothing).
fn posted(body: &FormBody) -> Result<(OrgInput, bool), AppError> {
    let mut input: OrgInput = body.parse()?;
    let choice: PickerChoice = body.parse()?;
    let refresh = choice.refresh_only();
    let region = if !choice.regency.is_empty()
        && choice.regency.starts_with(&format!("{}.", choice.province))
    {
        choice.regency
    } else {
        choice.province
    };
    input.area_code = Patch::Set(region);
    Ok((input, refresh))
}

pub async fn new_form(State(state): State<AppState>, page: Page) -> Result<FormPage, AppError> {
    service::for_new(&page.require()?)?;
    let input = OrgInput {
        kind: Patch::Set(OrgKind::Mitra.as_str().into()),
        ..Default::default()
    };
    form_page(&state, page, None, input, FieldErrors::new(), false).await
}

/// Shows the form again with its problems (422), or the conflict (409).
async fn refused(
    state: &AppState,
    page: Page,
    id: Option<i64>,
    input: OrgInput,
    e: AppError,
) -> Result<Response, AppError> {
    let (errors, stale, status) = match e {
        AppError::Invalid(errors) => (errors, false, StatusCode::UNPROCESSABLE_ENTITY),
        AppError::Stale => (FieldErrors::new(), true, StatusCode::CONFLICT),
        other => return Err(other),
    };
    let body = form_page(state, page, id, input, errors, stale).await?;
    Ok((status, body).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    page: Page,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let (input, refresh) = posted(&body)?;
    if refresh {
        let form = form_page(&state, page, None, input, FieldErrors::new(), false).await?;
        return Ok(form.into_response());
    }
    match service::create(&state.db, &actor, &input).await {
        Ok(org) => Ok(Redirect::to(&format!("/orgs/{}?saved=1", org.id)).into_response()),
        Err(e) => refused(&state, page, None, input, e).await,
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<FormPage, AppError> {
    let org = service::for_edit(&state.db, &page.require()?, id).await?;
    let mut input: OrgInput = input_of(&org.org).map_err(AppError::internal)?;
    input.version = Some(org.version);
    form_page(&state, page, Some(id), input, FieldErrors::new(), false).await
}

pub async fn update(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let (input, refresh) = posted(&body)?;
    if refresh {
        let form = form_page(&state, page, Some(id), input, FieldErrors::new(), false).await?;
        return Ok(form.into_response());
    }
    if input.version.is_none() {
        return Err(AppError::BadRequest("missing version".into()));
    }
    match service::update(&state.db, &actor, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/orgs/{id}?saved=1")).into_response()),
        Err(e) => refused(&state, page, Some(id), input, e).await,
    }
}

pub async fn history(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<HistoryPage, AppError> {
    history_page(&state, page, id).await
}

/// An organisation's history, for those who may read it: the page, and its file.
async fn history_page(state: &AppState, page: Page, id: i64) -> Result<HistoryPage, AppError> {
    let actor = page.require()?;
    let (org, entries, labels) = service::history(&state.db, &actor, id).await?;
    let back = format!("/orgs/{id}");
    Ok(HistoryPage::new(page, org.org.name, back, entries, labels))
}

/// The history as XLSX or CSV (`/orgs/{id}/history/export?format=csv`): for those who may
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
        .export(format, "riwayat-organisasi")
        .await
}
