//! Partnership pages: the agreements in a user's scope, one agreement (what came of it,
//! its files, the partner's confirmation), and the form to record or change one.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::model::{
    Coverage, Document, ListFilter, PartnershipInput, PartnershipRealisation, PartnershipRecord,
    PartnershipStatus,
};
use super::service;
use crate::features::orgs;
use crate::kernel::access::{Actor, Role};
use crate::kernel::attachments::Attachment;
use crate::kernel::code::Rupiah;
use crate::kernel::error::AppError;
use crate::kernel::files::UPLOAD_READ;
use crate::kernel::time::today;
use crate::kernel::validate::{FieldErrors, Num, Patch, check, input_of};
use crate::kernel::web::AppState;
use crate::kernel::web::export;
use crate::kernel::web::extract::{FormBody, Path, Query, Upload};
use crate::kernel::web::history::HistoryPage;
use crate::kernel::web::nav::href;
use crate::kernel::web::page::{Choice, Page, form_action, shown};
use crate::kernel::web::paging::{Paged, Pager, page_number};
use crate::kernel::web::picker::{Picking, RecordPicker};

// ---- The list ------------------------------------------------------------------------

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    status: String,
    coverage: String,
    /// Only the agreements of this BLKK (`/partnerships?centre=12`).
    centre: String,
    page: String,
}

impl ListQuery {
    fn centre(&self) -> Option<i64> {
        check::int_in(&self.centre, 1, i64::MAX).ok().flatten()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "partnerships/list.html")]
pub struct ListPage {
    page: Page,
    list: Paged<PartnershipRecord>,
    pager: Pager,
    query: ListQuery,
    may_create: bool,
}

impl ListPage {
    fn status_options(&self) -> Vec<Choice> {
        self.page
            .choices("partnership_status", PartnershipStatus::ALL)
    }

    fn coverage_options(&self) -> Vec<Choice> {
        self.page.choices("coverage", Coverage::ALL)
    }

    fn status_of(&self, p: &PartnershipRecord) -> String {
        self.page
            .label("partnership_status", p.status_on(today()).as_str())
            .into_owned()
    }

    fn export_href(&self, format: &str) -> String {
        href(
            "/partnerships/export",
            &[
                ("format", format),
                ("status", &self.query.status),
                ("coverage", &self.query.coverage),
                ("centre", &self.query.centre),
            ],
        )
    }
}

pub async fn list(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<ListQuery>,
) -> Result<ListPage, AppError> {
    let actor = page.require()?;
    let mut e = FieldErrors::new();
    let status = match q.status.as_str() {
        "" => None,
        s => PartnershipStatus::parse(s).or_else(|| {
            e.add("status", "invalid_choice");
            None
        }),
    };
    let coverage = match q.coverage.as_str() {
        "" => None,
        s => Coverage::parse(s).or_else(|| {
            e.add("coverage", "invalid_choice");
            None
        }),
    };
    let centre = e.take("centre", check::int_in(&q.centre, 1, i64::MAX));
    e.finish(()).map_err(AppError::Invalid)?;
    let f = ListFilter {
        status,
        coverage,
        centre,
        ..Default::default()
    };
    let list = service::list(&state.db, &actor, &f, page_number(&q.page)?).await?;
    let pager = list.pager(|n| {
        href(
            "/partnerships",
            &[
                ("status", &q.status),
                ("coverage", &q.coverage),
                ("centre", &q.centre),
                ("page", &n.to_string()),
            ],
        )
    });
    let title = page.t("partnerships.title");
    let may_create = matches!(actor.role, Role::Pengelola | Role::Forum | Role::Admin);
    Ok(ListPage {
        page: page.titled(title),
        list,
        pager,
        query: q,
        may_create,
    })
}

/// The list as XLSX or CSV, with its filters (`/partnerships/export?format=xlsx`).
pub async fn export(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<ListQuery>,
    Query(fq): Query<export::FormatQuery>,
) -> Result<Response, AppError> {
    let format = export::Format::parse(&fq.format)?;
    let actor = page.require()?;
    let f = ListFilter {
        status: PartnershipStatus::parse(&q.status),
        coverage: Coverage::parse(&q.coverage),
        centre: q.centre(),
        ..Default::default()
    };
    let headers = [
        page.t("partnership_form.title"),
        page.field_label("holder_id"),
        page.field_label("partner_id"),
        page.field_label("coverage"),
        page.field_label("start_date"),
        page.field_label("end_date"),
        page.field_label("status"),
        page.field_label("value_rupiah"),
        page.field_label("in_kind_rupiah"),
        page.t("partnerships.confirmation"),
    ]
    .into_iter()
    .map(|h| h.into_owned())
    .collect();
    let labels: Vec<(String, String)> = PartnershipStatus::ALL
        .iter()
        .map(|s| {
            (
                s.as_str().to_owned(),
                page.label("partnership_status", s.as_str()).into_owned(),
            )
        })
        .chain(Coverage::ALL.iter().map(|c| {
            (
                c.as_str().to_owned(),
                page.label("coverage", c.as_str()).into_owned(),
            )
        }))
        .collect();
    let db = state.db.clone();
    let fetch: export::Fetch = Box::new(move |n| {
        let (db, actor, f, labels) = (db.clone(), actor.clone(), f.clone(), labels.clone());
        Box::pin(async move {
            let label = |code: &str| {
                labels
                    .iter()
                    .find(|(c, _)| c == code)
                    .map_or_else(|| code.to_owned(), |(_, l)| l.clone())
            };
            let day = today();
            Ok(
                service::export_chunk(&db, &actor, &f, n * export::CHUNK, export::CHUNK)
                    .await?
                    .into_iter()
                    .map(|p| {
                        let a = &p.partnership;
                        vec![
                            a.title.clone(),
                            p.holder_name.clone(),
                            p.partner_name.clone(),
                            a.coverage
                                .iter()
                                .map(|c| label(c.as_str()))
                                .collect::<Vec<_>>()
                                .join(", "),
                            a.start_date.to_string(),
                            a.end_date.to_string(),
                            label(p.status_on(day).as_str()),
                            a.value_rupiah.to_string(),
                            a.in_kind_rupiah.to_string(),
                            p.confirmed_at
                                .map(|t| t.date().to_string())
                                .unwrap_or_default(),
                        ]
                    })
                    .collect(),
            )
        })
    });
    export::respond(format, "kerja-sama", headers, fetch).await
}

// ---- One agreement -------------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "partnerships/show.html")]
pub struct ShowPage {
    page: Page,
    p: PartnershipRecord,
    realisation: PartnershipRealisation,
    files: Vec<Attachment>,
    edit: bool,
    confirm: bool,
    errors: FieldErrors,
}

impl ShowPage {
    fn status(&self) -> String {
        self.page
            .label("partnership_status", self.p.status_on(today()).as_str())
            .into_owned()
    }

    fn coverage(&self) -> String {
        self.p
            .partnership
            .coverage
            .iter()
            .map(|c| self.page.label("coverage", c.as_str()).into_owned())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

async fn show_page(
    state: &AppState,
    page: Page,
    id: i64,
    errors: FieldErrors,
) -> Result<ShowPage, AppError> {
    let actor = page.require()?;
    let (p, realisation, files) = service::show(&state.db, &actor, id).await?;
    let edit = service::may_edit(&actor, &p);
    let confirm = service::may_confirm(&actor, &p);
    let title = p.partnership.title.clone();
    Ok(ShowPage {
        page: page.titled(title),
        p,
        realisation,
        files,
        edit,
        confirm,
        errors,
    })
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<ShowPage, AppError> {
    show_page(&state, page, id, FieldErrors::new()).await
}

async fn refused_show(
    state: &AppState,
    page: Page,
    id: i64,
    e: AppError,
) -> Result<Response, AppError> {
    match e {
        AppError::Invalid(errors) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            show_page(state, page, id, errors).await?,
        )
            .into_response()),
        e => Err(e),
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ConfirmForm {
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    version: Option<i64>,
}

pub async fn confirm(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let f: ConfirmForm = body.parse()?;
    match service::confirm(&state.db, &actor, id, f.version).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/partnerships/{id}?done=partnership_confirmed")).into_response(),
        ),
        Err(AppError::Stale) => Ok(Redirect::to(&format!("/partnerships/{id}")).into_response()),
        Err(e) => refused_show(&state, page, id, e).await,
    }
}

pub async fn attach(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    upload: Result<Upload<UPLOAD_READ>, AppError>,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let done = match upload {
        Ok(up) => crate::features::records::service::attach(
            &state.db,
            &state.config.files,
            &actor,
            "partnerships",
            id,
            &up.file_name,
            up.bytes,
        )
        .await
        .map(|_| ()),
        Err(AppError::TooLarge) => Err(AppError::invalid("file", "file_too_large")),
        Err(e) => Err(e),
    };
    match done {
        Ok(()) => {
            Ok(Redirect::to(&format!("/partnerships/{id}?done=attachment_saved")).into_response())
        }
        Err(e) => refused_show(&state, page, id, e).await,
    }
}

pub async fn attachment(
    State(state): State<AppState>,
    page: Page,
    Path((id, aid)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    crate::features::records::pages::download(&state, &page, "partnerships", id, aid).await
}

pub async fn detach(
    State(state): State<AppState>,
    page: Page,
    Path((id, aid)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    match crate::features::records::service::detach(
        &state.db,
        &state.config.files,
        &actor,
        "partnerships",
        id,
        aid,
    )
    .await
    {
        Ok(()) => Ok(
            Redirect::to(&format!("/partnerships/{id}?done=attachment_removed")).into_response(),
        ),
        Err(e) => refused_show(&state, page, id, e).await,
    }
}

pub async fn history(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<HistoryPage, AppError> {
    let actor = page.require()?;
    let (p, entries, labels) = service::history(&state.db, &actor, id).await?;
    Ok(HistoryPage::new(
        page,
        p.partnership.title,
        format!("/partnerships/{id}"),
        entries,
        labels,
    ))
}

// ---- The form ------------------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "partnerships/form.html")]
pub struct FormPage {
    page: Page,
    id: Option<i64>,
    input: PartnershipInput,
    errors: FieldErrors,
    /// The partner, chosen by name.
    partner: RecordPicker,
    /// The BLKK holding a new agreement an admin records.
    holder: RecordPicker,
    /// The kinds a partner not yet in Simandiri may be.
    partner_kinds: Vec<Choice>,
    /// A forum's members to choose from (empty for a BLKK's agreement).
    members: Vec<Choice>,
    stale: bool,
    /// Changing it asks the partner to confirm again.
    confirmed: bool,
}

impl FormPage {
    fn action(&self) -> String {
        form_action("/partnerships", self.id)
    }

    fn version(&self) -> String {
        shown(self.input.version)
    }

    fn holder_id(&self) -> String {
        shown(self.input.holder_id)
    }

    fn document_options(&self) -> Vec<Choice> {
        self.page.choices("document", Document::ALL)
    }

    fn status_options(&self) -> Vec<Choice> {
        self.page
            .choices("partnership_status", PartnershipStatus::ALL)
    }

    fn coverage_options(&self) -> Vec<Choice> {
        self.page.choices("coverage", Coverage::ALL)
    }

    fn coverage_chosen(&self) -> Vec<String> {
        match &self.input.coverage {
            Patch::Set(v) => v.clone(),
            _ => Vec::new(),
        }
    }

    fn members_chosen(&self) -> Vec<String> {
        match &self.input.member_ids {
            Patch::Set(v) => v.iter().map(|n| n.text().to_owned()).collect(),
            _ => Vec::new(),
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    page: Page,
    actor: &Actor,
    id: Option<i64>,
    input: PartnershipInput,
    picking: &Picking,
    errors: FieldErrors,
    stale: bool,
) -> Result<FormPage, AppError> {
    let title = match id {
        Some(id) => {
            let p = service::get(&state.db, actor, id).await?;
            page.tf("partnership_form.edit_title", &p.partnership.title)
        }
        None => page.t("partnership_form.new_title").into_owned(),
    };
    let chosen_partner = match &input.partner_id {
        Patch::Set(n) => n.text().trim().parse().ok(),
        _ => None,
    };
    let (partner, holder) = service::pickers(
        &state.db,
        actor,
        chosen_partner,
        picking.q("partner_id"),
        input.holder_id,
        picking.q("holder_id"),
    )
    .await?;
    let partner_kinds = page.choices("subtype", orgs::model::OrgKind::Mitra.subtypes());
    let confirmed = match id {
        Some(id) => service::get(&state.db, actor, id)
            .await?
            .confirmed_at
            .is_some(),
        None => false,
    };
    let members = match input.holder_id.or(actor.org_id) {
        Some(h) => service::forum_choices(&state.db, h)
            .await?
            .into_iter()
            .map(|(id, name)| Choice::new(id, name))
            .collect(),
        None => Vec::new(),
    };
    Ok(FormPage {
        page: page.titled(title),
        id,
        input,
        errors,
        partner,
        holder,
        partner_kinds,
        members,
        stale,
        confirmed,
    })
}

async fn refused_form(
    state: &AppState,
    page: Page,
    actor: &Actor,
    id: Option<i64>,
    input: PartnershipInput,
    e: AppError,
) -> Result<Response, AppError> {
    let (errors, stale, status) = match e {
        AppError::Invalid(errors) => (errors, false, StatusCode::UNPROCESSABLE_ENTITY),
        AppError::Stale => (FieldErrors::new(), true, StatusCode::CONFLICT),
        other => return Err(other),
    };
    let body = form_page(
        state,
        page,
        actor,
        id,
        input,
        &Picking::default(),
        errors,
        stale,
    )
    .await?;
    Ok((status, body).into_response())
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NewQuery {
    holder: String,
}

pub async fn new_form(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<NewQuery>,
) -> Result<FormPage, AppError> {
    let actor = page.require()?;
    let holder = match actor.role {
        Role::Admin => check::int_in(&q.holder, 1, i64::MAX).ok().flatten(),
        Role::Pengelola | Role::Forum => actor.org_id,
        _ => return Err(AppError::Forbidden),
    };
    let input = PartnershipInput {
        holder_id: holder,
        document: Patch::Set(Document::Pks.as_str().into()),
        status: Patch::Set(PartnershipStatus::Aktif.as_str().into()),
        ..Default::default()
    };
    form_page(
        &state,
        page,
        &actor,
        None,
        input,
        &Picking::default(),
        FieldErrors::new(),
        false,
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    page: Page,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let input: PartnershipInput = body.parse()?;
    let picking = Picking::parse(&body.0);
    if picking.searching() {
        let form = form_page(
            &state,
            page,
            &actor,
            None,
            input,
            &picking,
            FieldErrors::new(),
            false,
        )
        .await?;
        return Ok(form.into_response());
    }
    match service::create(&state.db, &actor, &input).await {
        Ok(p) => Ok(
            Redirect::to(&format!("/partnerships/{}?done=partnership_saved", p.id)).into_response(),
        ),
        Err(e) => refused_form(&state, page, &actor, None, input, e).await,
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<FormPage, AppError> {
    let actor = page.require()?;
    let p = service::get(&state.db, &actor, id).await?;
    if !service::may_edit(&actor, &p) {
        return Err(AppError::Forbidden);
    }
    let mut input: PartnershipInput = input_of(&p.partnership).map_err(AppError::internal)?;
    input.version = Some(p.version);
    // Money as people write it.
    for (field, n) in [
        (&mut input.value_rupiah, p.partnership.value_rupiah),
        (&mut input.in_kind_rupiah, p.partnership.in_kind_rupiah),
    ] {
        *field = Patch::Set(Num(if n == 0 {
            String::new()
        } else {
            Rupiah(n).to_string()
        }));
    }
    form_page(
        &state,
        page,
        &actor,
        Some(id),
        input,
        &Picking::default(),
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
    let input: PartnershipInput = body.parse()?;
    let picking = Picking::parse(&body.0);
    if picking.searching() {
        let form = form_page(
            &state,
            page,
            &actor,
            Some(id),
            input,
            &picking,
            FieldErrors::new(),
            false,
        )
        .await?;
        return Ok(form.into_response());
    }
    match service::update(&state.db, &actor, id, &input).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/partnerships/{id}?done=partnership_saved")).into_response())
        }
        Err(e) => refused_form(&state, page, &actor, Some(id), input, e).await,
    }
}
