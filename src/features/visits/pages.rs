//! Visit pages: the visits and open actions in a user's scope (and the pembina's form to
//! plan one), and one visit: the instrument filled on the spot, findings with photos, the
//! actions the BLKK answers and the pembina closes. Every form works without JavaScript.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::Value;

use super::model::{
    ActionRecord, ActionStatus, ActionUpdate, FindingRecord, NewAction, NewFinding, NewVisit,
    Question, QuestionKind, Severity, VisitRecord, VisitStatus, VisitUpdate, can_answer, can_visit,
};
use super::service;
use crate::kernel::access::Role;
use crate::kernel::attachments::Attachment;
use crate::kernel::error::AppError;
use crate::kernel::files::UPLOAD_READ;
use crate::kernel::time::today;
use crate::kernel::validate::{FieldErrors, check};
use crate::kernel::web::AppState;
use crate::kernel::web::export;
use crate::kernel::web::extract::{FormBody, Path, Query, Upload};
use crate::kernel::web::form_answer::saved_or_again;
use crate::kernel::web::nav::href;
use crate::kernel::web::page::{Choice, Page};
use crate::kernel::web::paging::{Paged, Pager, page_number};
use crate::kernel::web::picker::{Picking, RecordPicker};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    page: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "visits/list.html")]
pub struct ListPage {
    page: Page,
    list: Paged<VisitRecord>,
    pager: Pager,
    actions: Paged<ActionRecord>,
    /// The BLKK the pembina may plan a visit to.
    centres: Vec<Choice>,
    /// The aid program a visit checks, chosen by name.
    program: RecordPicker,
    typed: HashMap<String, String>,
    errors: FieldErrors,
}

impl ListPage {
    fn typed(&self, name: &str) -> String {
        self.typed.get(name).cloned().unwrap_or_default()
    }

    fn overdue(&self, a: &ActionRecord) -> bool {
        a.overdue(today())
    }
}

async fn list_page(
    state: &AppState,
    page: Page,
    n: i64,
    typed: HashMap<String, String>,
    picking: &Picking,
    errors: FieldErrors,
) -> Result<ListPage, AppError> {
    let actor = page.require()?;
    let list = service::list(&state.db, &actor, None, n).await?;
    let chosen = typed
        .get("aid_program_id")
        .and_then(|v| v.trim().parse().ok());
    let program =
        service::program_picker(&state.db, &actor, chosen, picking.q("aid_program_id")).await?;
    let pager = list.pager(|n| href("/visits", &[("page", &n.to_string())]));
    let actions = service::open_actions(&state.db, &actor, false, 1).await?;
    let centres = match (actor.role, actor.org_id) {
        (Role::Pembina, Some(org)) => service::supervised(&state.db, org)
            .await?
            .into_iter()
            .map(|(id, name)| Choice::new(id, name))
            .collect(),
        _ => Vec::new(),
    };
    let title = page.t("visits.title");
    Ok(ListPage {
        page: page.titled(title),
        list,
        pager,
        actions,
        centres,
        program,
        typed,
        errors,
    })
}

pub async fn list(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<ListQuery>,
) -> Result<ListPage, AppError> {
    let n = page_number(&q.page)?;
    list_page(
        &state,
        page,
        n,
        HashMap::new(),
        &Picking::default(),
        FieldErrors::new(),
    )
    .await
}

pub async fn plan(
    State(state): State<AppState>,
    page: Page,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let form: HashMap<String, String> = body.parse()?;
    let picking = Picking::parse(&body.0);
    if picking.searching() {
        return Ok(
            list_page(&state, page, 1, form, &picking, FieldErrors::new())
                .await?
                .into_response(),
        );
    }
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let input = NewVisit {
        centre_id: check::int_in(&get("centre_id"), 1, i64::MAX).ok().flatten(),
        planned_date: get("planned_date"),
        purpose: get("purpose"),
        aid_program_id: check::int_in(&get("aid_program_id"), 1, i64::MAX)
            .ok()
            .flatten(),
    };
    saved_or_again(
        service::plan(&state.db, &actor, &input).await,
        |v| format!("/visits/{}?done=visit_saved", v.id),
        |errors| list_page(&state, page, 1, form, &picking, errors),
    )
    .await
}

/// Open actions as XLSX or CSV (`/visits/actions.xlsx`... `?format=xlsx`).
pub async fn export_actions(
    State(state): State<AppState>,
    page: Page,
    Query(fq): Query<export::FormatQuery>,
) -> Result<Response, AppError> {
    let format = export::Format::parse(&fq.format)?;
    let actor = page.require()?;
    let headers = vec![
        "BLKK".to_owned(),
        page.t("visits.action_text").into_owned(),
        page.t("visits.owner").into_owned(),
        page.t("visits.due_date").into_owned(),
        page.field_label("status").into_owned(),
        page.t("visits.overdue").into_owned(),
    ];
    let labels: Vec<(ActionStatus, String)> = ActionStatus::ALL
        .iter()
        .map(|s| (*s, page.label("action_status", s.as_str()).into_owned()))
        .collect();
    let (yes, no) = (
        page.t("form.yes").into_owned(),
        page.t("form.no").into_owned(),
    );
    let db = state.db.clone();
    let fetch: export::Fetch = Box::new(move |n| {
        let (db, actor, labels, yes, no) = (
            db.clone(),
            actor.clone(),
            labels.clone(),
            yes.clone(),
            no.clone(),
        );
        Box::pin(async move {
            let day = today();
            Ok(
                service::actions_chunk(&db, &actor, n * export::CHUNK, export::CHUNK)
                    .await?
                    .into_iter()
                    .map(|a| {
                        vec![
                            a.centre_name.clone(),
                            a.text.clone(),
                            a.owner.clone(),
                            a.due_date.to_string(),
                            labels
                                .iter()
                                .find(|(s, _)| *s == a.status)
                                .map(|(_, l)| l.clone())
                                .unwrap_or_default(),
                            if a.overdue(day) {
                                yes.clone()
                            } else {
                                no.clone()
                            },
                        ]
                    })
                    .collect(),
            )
        })
    });
    export::respond(format, "tindak-lanjut", headers, fetch).await
}

// ---- One visit -----------------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "visits/show.html")]
pub struct ShowPage {
    page: Page,
    v: VisitRecord,
    questions: Vec<Question>,
    findings: Vec<FindingRecord>,
    /// The visiting pembina records; the BLKK answers.
    records: bool,
    answers: bool,
    typed: HashMap<String, String>,
    errors: FieldErrors,
    /// Each action's evidence, by action id.
    evidence: HashMap<i64, Vec<Attachment>>,
    /// A refused file: the suffix of its field (`-a12` an action's evidence, `-f3` a
    /// finding's photo) and its problem.
    file_refused: Option<(String, FieldErrors)>,
    no_errors: FieldErrors,
}

impl ShowPage {
    fn evidence_of(&self, a: &ActionRecord) -> &[Attachment] {
        self.evidence.get(&a.id).map_or(&[], Vec::as_slice)
    }

    /// The problems of the file field with this suffix (none unless it was refused).
    fn file_errors(&self, suffix: &str) -> &FieldErrors {
        match &self.file_refused {
            Some((s, errors)) if s == suffix => errors,
            _ => &self.no_errors,
        }
    }

    fn typed_or(&self, name: &str, stored: &str) -> String {
        self.typed
            .get(name)
            .cloned()
            .unwrap_or_else(|| stored.to_owned())
    }

    fn answer(&self, q: &Question) -> String {
        let stored = service::answer_texts(&self.v)
            .get(&q.code)
            .cloned()
            .unwrap_or_default();
        self.typed_or(&format!("answers.{}", q.code), &stored)
    }

    fn label(&self, q: &Question) -> String {
        if self.page.is_en() {
            q.label_en.clone()
        } else {
            q.label_id.clone()
        }
    }

    fn options(&self, q: &Question) -> Vec<Choice> {
        match q.kind {
            QuestionKind::YaTidak => vec![
                Choice::new("ya", self.page.t("form.yes")),
                Choice::new("tidak", self.page.t("form.no")),
            ],
            QuestionKind::Skor => (1..=5).map(|n| Choice::new(n, n.to_string())).collect(),
            QuestionKind::Teks => Vec::new(),
        }
    }

    fn is_text(&self, q: &Question) -> bool {
        q.kind == QuestionKind::Teks
    }

    fn field(&self, q: &Question) -> String {
        format!("answers.{}", q.code)
    }

    fn status_options(&self) -> Vec<Choice> {
        self.page.choices("visit_status", VisitStatus::ALL)
    }

    fn severity_options(&self) -> Vec<Choice> {
        self.page.choices("severity", Severity::ALL)
    }

    fn visited(&self) -> String {
        self.typed_or(
            "visited_date",
            &self
                .v
                .visited_date
                .map(|d| d.to_string())
                .unwrap_or_default(),
        )
    }

    fn overdue(&self, a: &ActionRecord) -> bool {
        a.overdue(today())
    }

    fn closable(&self, a: &ActionRecord) -> bool {
        self.records && a.status != ActionStatus::Selesai
    }

    fn answerable(&self, a: &ActionRecord) -> bool {
        self.answers && a.status != ActionStatus::Selesai
    }
}

async fn show_page(
    state: &AppState,
    page: Page,
    id: i64,
    typed: HashMap<String, String>,
    errors: FieldErrors,
    file_refused: Option<(String, FieldErrors)>,
) -> Result<ShowPage, AppError> {
    let actor = page.require()?;
    let (v, questions, findings) = service::show(&state.db, &actor, id).await?;
    let evidence = service::evidence_of_visit(&state.db, &actor, id).await?;
    let records = can_visit(&actor, Some(v.pembina_id));
    let answers = can_answer(&actor, v.centre_id);
    let title = format!("{} · {}", page.t("visits.visit"), v.centre_name);
    Ok(ShowPage {
        page: page.titled(title),
        v,
        questions,
        findings,
        records,
        answers,
        typed,
        errors,
        evidence,
        file_refused,
        no_errors: FieldErrors::new(),
    })
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<ShowPage, AppError> {
    show_page(&state, page, id, HashMap::new(), FieldErrors::new(), None).await
}

async fn refused(
    state: &AppState,
    page: Page,
    id: i64,
    typed: HashMap<String, String>,
    e: AppError,
) -> Result<Response, AppError> {
    let (status, errors) = match e {
        AppError::Invalid(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
        AppError::Stale => (
            StatusCode::CONFLICT,
            FieldErrors::single("version", "stale"),
        ),
        e => return Err(e),
    };
    Ok((
        status,
        show_page(state, page, id, typed, errors, None).await?,
    )
        .into_response())
}

fn done(id: i64, key: &str, anchor: &str) -> Response {
    Redirect::to(&format!("/visits/{id}?done={key}{anchor}")).into_response()
}

/// The instrument, filled on the spot.
pub async fn record(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let form: HashMap<String, String> = body.parse()?;
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let answers: BTreeMap<String, Value> = form
        .iter()
        .filter_map(|(k, v)| {
            Some((
                k.strip_prefix("answers.")?.to_owned(),
                Value::String(v.clone()),
            ))
        })
        .collect();
    let input = VisitUpdate {
        version: check::int_in(&get("version"), 1, i64::MAX).ok().flatten(),
        visited_date: Some(get("visited_date")),
        answers,
        summary: Some(get("summary")),
        status: VisitStatus::parse(&get("status")),
    };
    match service::record(&state.db, &actor, id, &input).await {
        Ok(_) => Ok(done(id, "visit_saved", "")),
        Err(e) => refused(&state, page, id, form, e).await,
    }
}

pub async fn add_finding(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let form: HashMap<String, String> = body.parse()?;
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let action = NewAction {
        text: get("actions.0.text"),
        owner: get("actions.0.owner"),
        due_date: get("actions.0.due_date"),
    };
    let empty = action.text.trim().is_empty()
        && action.owner.trim().is_empty()
        && action.due_date.trim().is_empty();
    let input = NewFinding {
        text: get("text"),
        severity: get("severity"),
        actions: if empty { Vec::new() } else { vec![action] },
    };
    match service::add_finding(&state.db, &actor, id, &input).await {
        Ok(_) => Ok(done(id, "finding_saved", "")),
        Err(e) => refused(&state, page, id, form, e).await,
    }
}

pub async fn add_photo(
    State(state): State<AppState>,
    page: Page,
    Path((id, finding)): Path<(i64, i64)>,
    upload: Result<Upload<UPLOAD_READ>, AppError>,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let saved = match upload {
        Ok(up) => crate::features::records::service::attach(
            &state.db,
            &state.config.files,
            &actor,
            "findings",
            finding,
            &up.file_name,
            up.bytes,
        )
        .await
        .map(|_| ()),
        Err(AppError::TooLarge) => Err(AppError::invalid("file", "file_too_large")),
        Err(e) => Err(e),
    };
    file_refused(
        &state,
        page,
        id,
        saved,
        format!("-f{finding}"),
        format!("#f{finding}"),
    )
    .await
}

pub async fn photo(
    State(state): State<AppState>,
    page: Page,
    Path((_id, finding, aid)): Path<(i64, i64, i64)>,
) -> Result<Response, AppError> {
    crate::features::records::pages::download(&state, &page, "findings", finding, aid).await
}

/// The BLKK attaches evidence to an action (the form under it); a refused file is named
/// beside that form's field.
pub async fn add_evidence(
    State(state): State<AppState>,
    page: Page,
    Path((id, action)): Path<(i64, i64)>,
    upload: Result<Upload<UPLOAD_READ>, AppError>,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let saved = match upload {
        Ok(up) => crate::features::records::service::attach(
            &state.db,
            &state.config.files,
            &actor,
            "actions",
            action,
            &up.file_name,
            up.bytes,
        )
        .await
        .map(|_| ()),
        Err(AppError::TooLarge) => Err(AppError::invalid("file", "file_too_large")),
        Err(e) => Err(e),
    };
    file_refused(
        &state,
        page,
        id,
        saved,
        format!("-a{action}"),
        format!("#a{action}"),
    )
    .await
}

/// After an upload from a visit's page: back to the record the file went to, or the page
/// again with the problem beside the file field with this `suffix`.
async fn file_refused(
    state: &AppState,
    page: Page,
    id: i64,
    saved: Result<(), AppError>,
    suffix: String,
    anchor: String,
) -> Result<Response, AppError> {
    match saved {
        Ok(()) => Ok(done(id, "attachment_saved", &anchor)),
        Err(AppError::Invalid(errors)) => {
            let refused = Some((suffix, errors));
            let body =
                show_page(state, page, id, HashMap::new(), FieldErrors::new(), refused).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response())
        }
        Err(e) => Err(e),
    }
}

/// An action's evidence file, for those who may see the visit.
pub async fn evidence(
    State(state): State<AppState>,
    page: Page,
    Path((_id, action, aid)): Path<(i64, i64, i64)>,
) -> Result<Response, AppError> {
    crate::features::records::pages::download(&state, &page, "actions", action, aid).await
}

/// The BLKK answers an action, or the pembina closes or reopens it.
pub async fn update_action(
    State(state): State<AppState>,
    page: Page,
    Path((id, action)): Path<(i64, i64)>,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let form: HashMap<String, String> = body.parse()?;
    let get = |k: &str| form.get(k).cloned();
    let input = ActionUpdate {
        version: get("version").and_then(|v| check::int_in(&v, 1, i64::MAX).ok().flatten()),
        response: get("response"),
        status: get("status").and_then(|s| ActionStatus::parse(&s)),
    };
    match service::update_action(&state.db, &actor, action, &input).await {
        Ok(a) if a.status == ActionStatus::Selesai => Ok(done(id, "action_closed", "")),
        Ok(_) => Ok(done(id, "action_answered", "")),
        Err(e) => refused(&state, page, id, form, e).await,
    }
}
