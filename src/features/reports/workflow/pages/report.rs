//! One report's page: its values beside the computed figures, corrections, narrative, the
//! workflow buttons, the conversation and the files; its history, and its summary to print.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::Value;

use crate::features::reports::types::model::{IndicatorKind, Source};
use crate::features::reports::workflow::model::{LineView, ReportBody, ReportStatus};
use crate::features::reports::workflow::service::{self, Opened};
use crate::kernel::audit::Labels;
use crate::kernel::error::AppError;
use crate::kernel::files::UPLOAD_READ;
use crate::kernel::pdf;
use crate::kernel::validate::FieldErrors;
use crate::kernel::web::AppState;
use crate::kernel::web::export;
use crate::kernel::web::extract::{FormBody, Path, Query, Upload};
use crate::kernel::web::history::HistoryPage;
use crate::kernel::web::nav::href;
use crate::kernel::web::page::{Choice, Page};

/// The parts of a report's narrative, in the form's order.
const NARRATIVE_PARTS: [&str; 4] = ["activities", "obstacles", "plans", "needs"];

#[derive(Template, WebTemplate)]
#[template(path = "reports/show.html")]
pub struct ShowPage {
    page: Page,
    o: Opened,
    comments: Vec<crate::kernel::comments::Comment>,
    /// What was typed, when a form comes back refused.
    typed: HashMap<String, String>,
    errors: FieldErrors,
    /// A refusal that is not about one field (someone else saved first).
    problem: Option<String>,
    /// The confirmation of a file attached or removed, shown beside the files.
    files_notice: Option<String>,
}

impl ShowPage {
    fn typed_or(&self, name: &str, stored: &str) -> String {
        self.typed
            .get(name)
            .cloned()
            .unwrap_or_else(|| stored.to_owned())
    }

    fn value_of(&self, l: &LineView) -> String {
        self.typed_or(&format!("values.{}", l.code), &l.value_text)
    }

    fn reason_of(&self, l: &LineView) -> String {
        self.typed_or(&format!("corrections.{}", l.code), &l.reason)
    }

    fn narrative_of(&self, part: &str) -> String {
        let n = &self.o.report.narrative;
        let stored = match part {
            "activities" => &n.activities,
            "obstacles" => &n.obstacles,
            "plans" => &n.plans,
            _ => &n.needs,
        };
        self.typed_or(&format!("narrative.{part}"), stored)
    }

    fn choices_of(&self, l: &LineView) -> Vec<Choice> {
        l.choices
            .iter()
            .map(|c| Choice::new(c, c.clone()))
            .collect()
    }

    fn is_choice(&self, l: &LineView) -> bool {
        l.kind == IndicatorKind::Choice
    }

    fn is_long_text(&self, l: &LineView) -> bool {
        l.kind == IndicatorKind::Text
    }

    fn inputmode(&self, l: &LineView) -> &'static str {
        match l.kind {
            IndicatorKind::Count | IndicatorKind::Rupiah => "numeric",
            IndicatorKind::Percent => "decimal",
            _ => "",
        }
    }

    /// The label of a refused field, for the summary at the top (indicators by their label).
    fn error_label(&self, field: &str) -> String {
        let line = |code: &str| self.o.report.lines.iter().find(|l| l.code == code);
        if let Some(l) = field.strip_prefix("values.").and_then(line) {
            return l.label.clone();
        }
        if let Some(l) = field.strip_prefix("corrections.").and_then(line) {
            return format!("{} ({})", l.label, self.page.t("report.reason_for"));
        }
        if let Some(part) = field.strip_prefix("narrative.") {
            return self.page.label("narrative", part).into_owned();
        }
        if field == "file" {
            return self.page.t("report.attachment_file").into_owned();
        }
        self.page.field_label(field).into_owned()
    }

    /// Where the records an indicator is filled from are kept: the BLKK's year of income,
    /// its agreements, the monitoring visits, or its trainings.
    fn records_href(&self, l: &LineView) -> String {
        let h = &self.o.report.head;
        let centre = h.centre_id.to_string();
        match l.source {
            Some(Source::IncomeOwn | Source::IncomeTotal) => {
                let year = h.period.get(..4).unwrap_or_default();
                href("/income", &[("centre", &centre), ("year", year)])
            }
            Some(Source::PartnershipsActive) => href("/partnerships", &[("centre", &centre)]),
            Some(Source::OpenActions) => "/visits".to_owned(),
            _ => href("/trainings", &[("centre", &centre)]),
        }
    }

    fn narrative_parts(&self) -> [&'static str; 4] {
        NARRATIVE_PARTS
    }
}

async fn show_page(
    state: &AppState,
    mut page: Page,
    id: i64,
    typed: HashMap<String, String>,
    errors: FieldErrors,
    problem: Option<String>,
    files_notice: Option<String>,
) -> Result<ShowPage, AppError> {
    let actor = page.require()?;
    let o = service::view(&state.db, &actor, id, page.is_en()).await?;
    let comments =
        crate::features::records::service::comments(&state.db, &actor, "reports", id).await?;
    let title = format!(
        "{} {} · {}",
        if page.is_en() {
            &o.report_type.input.name_en
        } else {
            &o.report_type.input.name_id
        },
        o.report.head.period,
        o.report.head.centre_name
    );
    let files_notice = if page.done.starts_with("attachment_") {
        page.notice.take().map(|n| n.into_owned())
    } else {
        files_notice
    };
    Ok(ShowPage {
        page: page.titled(title),
        o,
        comments,
        typed,
        errors,
        problem,
        files_notice,
    })
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<ShowPage, AppError> {
    show_page(
        &state,
        page,
        id,
        HashMap::new(),
        FieldErrors::new(),
        None,
        None,
    )
    .await
}

/// The page again after a refused form: 422 with the errors beside the fields, or 409 when
/// someone else saved first (the typing kept either way).
async fn refused(
    state: &AppState,
    page: Page,
    id: i64,
    typed: HashMap<String, String>,
    e: AppError,
) -> Result<Response, AppError> {
    refused_with(state, page, id, typed, e, None).await
}

/// [`refused`], with a word beside the files (a file attached though the typing was not
/// saved).
async fn refused_with(
    state: &AppState,
    page: Page,
    id: i64,
    typed: HashMap<String, String>,
    e: AppError,
    files_notice: Option<String>,
) -> Result<Response, AppError> {
    match e {
        AppError::Invalid(errors) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            show_page(state, page, id, typed, errors, None, files_notice).await?,
        )
            .into_response()),
        AppError::Stale => {
            // The page shows the current version, so the kept typing can be saved again.
            let mut typed = typed;
            typed.remove("version");
            let problem = Some(page.t("report.stale").into_owned());
            Ok((
                StatusCode::CONFLICT,
                show_page(
                    state,
                    page,
                    id,
                    typed,
                    FieldErrors::new(),
                    problem,
                    files_notice,
                )
                .await?,
            )
                .into_response())
        }
        e => Err(e),
    }
}

fn body_of(form: &HashMap<String, String>) -> ReportBody {
    let mut b = ReportBody {
        version: form.get("version").and_then(|v| v.trim().parse().ok()),
        ..Default::default()
    };
    for (k, v) in form {
        if let Some(code) = k.strip_prefix("values.") {
            b.values.insert(code.to_owned(), Value::String(v.clone()));
        } else if let Some(code) = k.strip_prefix("corrections.") {
            if !v.trim().is_empty() {
                b.corrections.insert(code.to_owned(), v.clone());
            }
        } else if let Some(part) = k.strip_prefix("narrative.") {
            let n = &mut b.narrative;
            match part {
                "activities" => n.activities.clone_from(v),
                "obstacles" => n.obstacles.clone_from(v),
                "plans" => n.plans.clone_from(v),
                "needs" => n.needs.clone_from(v),
                _ => {}
            }
        }
    }
    b
}

/// Saves the draft; with `action=submit`, then sends it.
pub async fn save(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let form: HashMap<String, String> = body.parse()?;
    let b = body_of(&form);
    if let Err(e) = service::save(&state.db, &actor, id, &b).await {
        return refused(&state, page, id, form, e).await;
    }
    if form.get("action").map(String::as_str) == Some("submit") {
        let saved = b.version.map(|v| v + 1);
        if let Err(e) = service::submit(&state.db, &actor, id, saved).await {
            // The draft is saved; the form shows why it was not sent.
            let mut typed = form;
            if let Some(v) = saved {
                typed.insert("version".into(), v.to_string());
            }
            return refused(&state, page, id, typed, e).await;
        }
        return Ok(Redirect::to(&format!("/reports/{id}?done=report_submitted")).into_response());
    }
    Ok(Redirect::to(&format!("/reports/{id}?done=report_saved")).into_response())
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct StepForm {
    version: String,
    comment: String,
}

impl StepForm {
    fn version(&self) -> Option<i64> {
        self.version.trim().parse().ok()
    }
}

fn typed_comment(f: &StepForm) -> HashMap<String, String> {
    HashMap::from([("comment".to_owned(), f.comment.clone())])
}

pub async fn verify(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let f: StepForm = body.parse()?;
    match service::verify(&state.db, &actor, id, f.version()).await {
        Ok(()) => Ok(Redirect::to(&format!("/reports/{id}?done=report_verified")).into_response()),
        Err(e) => refused(&state, page, id, HashMap::new(), e).await,
    }
}

pub async fn send_back(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let f: StepForm = body.parse()?;
    match service::send_back(&state.db, &actor, id, f.version(), &f.comment).await {
        Ok(()) => Ok(Redirect::to(&format!("/reports/{id}?done=report_returned")).into_response()),
        Err(e) => refused(&state, page, id, typed_comment(&f), e).await,
    }
}

pub async fn reopen(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let f: StepForm = body.parse()?;
    match service::reopen(&state.db, &actor, id, f.version(), &f.comment).await {
        Ok(()) => Ok(Redirect::to(&format!("/reports/{id}?done=report_reopened")).into_response()),
        Err(e) => refused(&state, page, id, typed_comment(&f), e).await,
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CommentForm {
    body: String,
}

pub async fn comment(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let f: CommentForm = body.parse()?;
    match crate::features::records::service::comment(&state.db, &actor, "reports", id, &f.body)
        .await
    {
        Ok(c) => Ok(
            Redirect::to(&format!("/reports/{id}?done=comment_saved#c{}", c.id)).into_response(),
        ),
        Err(e) => {
            let typed = HashMap::from([("body".to_owned(), f.body)]);
            refused(&state, page, id, typed, e).await
        }
    }
}

/// Saves what the report form holds (when it came from it) before a file is attached or
/// removed, so nothing typed is lost; the form's version after saving, or the refusal.
async fn save_typed(
    state: &AppState,
    actor: &crate::kernel::access::Actor,
    id: i64,
    form: &mut HashMap<String, String>,
) -> Result<(), AppError> {
    if !form.contains_key("version") {
        return Ok(());
    }
    let b = body_of(form);
    service::save(&state.db, actor, id, &b).await?;
    if let Some(v) = b.version {
        form.insert("version".into(), (v + 1).to_string());
    }
    Ok(())
}

/// Attaches the chosen file (the report form's button: what was typed is saved first). The
/// file is about the report's files, not its figures: when the typing is refused, a good
/// file is still attached, and the page says so beside the files while the typing comes
/// back with its problems; a refused file is named beside the field, the typing kept.
pub async fn attach(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    upload: Result<Upload<UPLOAD_READ>, AppError>,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let up = match upload {
        Ok(up) => up,
        Err(AppError::TooLarge) => {
            let e = AppError::invalid("file", "file_too_large");
            return refused(&state, page, id, HashMap::new(), e).await;
        }
        Err(e) => return Err(e),
    };
    let mut form: HashMap<String, String> = up.fields.iter().cloned().collect();
    let typing = match save_typed(&state, &actor, id, &mut form).await {
        Ok(()) => None,
        Err(e @ (AppError::Invalid(_) | AppError::Stale)) => Some(e),
        Err(e) => return Err(e),
    };
    let done = crate::features::records::service::attach(
        &state.db,
        &state.config.files,
        &actor,
        "reports",
        id,
        &up.file_name,
        up.bytes,
    )
    .await;
    match (typing, done) {
        (None, Ok(_)) => Ok(
            Redirect::to(&format!("/reports/{id}?done=attachment_saved#lampiran")).into_response(),
        ),
        (None, Err(e)) => refused(&state, page, id, form, e).await,
        (Some(e), Ok(a)) => {
            let notice = page.tf("report.attached_not_saved", &a.name);
            refused_with(&state, page, id, form, e, Some(notice)).await
        }
        (Some(AppError::Invalid(mut errors)), Err(AppError::Invalid(file))) => {
            errors.merge(file);
            refused(&state, page, id, form, AppError::Invalid(errors)).await
        }
        (Some(e), Err(AppError::Invalid(_))) => refused(&state, page, id, form, e).await,
        (Some(_), Err(e)) => Err(e),
    }
}

pub async fn attachment(
    State(state): State<AppState>,
    page: Page,
    Path((id, aid)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    crate::features::records::pages::download(&state, &page, "reports", id, aid).await
}

/// Removes a file (the report form's confirming button: what was typed is saved first).
pub async fn detach(
    State(state): State<AppState>,
    page: Page,
    Path((id, aid)): Path<(i64, i64)>,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let mut form: HashMap<String, String> = body.parse()?;
    if let Err(e) = save_typed(&state, &actor, id, &mut form).await {
        return refused(&state, page, id, form, e).await;
    }
    match crate::features::records::service::detach(
        &state.db,
        &state.config.files,
        &actor,
        "reports",
        id,
        aid,
    )
    .await
    {
        Ok(()) => Ok(
            Redirect::to(&format!("/reports/{id}?done=attachment_removed#lampiran"))
                .into_response(),
        ),
        Err(e) => refused(&state, page, id, form, e).await,
    }
}

/// A report's history: each save names the indicators it changed (old and new value, the
/// reason given), each step its status by its label.
async fn history_page(state: &AppState, page: Page, id: i64) -> Result<HistoryPage, AppError> {
    let actor = page.require()?;
    let h = service::history(&state.db, &actor, id, page.is_en()).await?;
    let mut labels = Labels::default();
    for (code, label) in &h.indicators {
        labels.field(format!("values.{code}"), label.as_str());
        labels.field(
            format!("corrections.{code}"),
            format!("{label} ({})", page.t("report.reason_for")),
        );
    }
    for part in NARRATIVE_PARTS {
        labels.field(format!("narrative.{part}"), page.label("narrative", part));
    }
    for s in ReportStatus::ALL {
        labels.name(
            "status",
            &Value::from(s.as_str()),
            page.label("report_status", s.as_str()),
        );
    }
    let head = h.head;
    let title = format!("{} {} · {}", head.type_name, head.period, head.centre_name);
    Ok(HistoryPage::new(
        page,
        title,
        format!("/reports/{id}"),
        h.entries,
        labels,
    ))
}

pub async fn history(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<HistoryPage, AppError> {
    history_page(&state, page, id).await
}

/// The history as XLSX or CSV (`/reports/{id}/history/export?format=csv`).
pub async fn history_export(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(f): Query<export::FormatQuery>,
) -> Result<Response, AppError> {
    let format = export::Format::parse(&f.format)?;
    history_page(&state, page, id)
        .await?
        .export(format, "riwayat-laporan")
        .await
}

/// A report on one page, to print and sign: its facts, each indicator (reported, from the
/// records, the reason for a difference) and the narrative.
pub async fn summary_pdf(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let o = service::view(&state.db, &actor, id, page.is_en()).await?;
    let r = &o.report;
    let h = &r.head;
    let name = if page.is_en() {
        &o.report_type.input.name_en
    } else {
        &o.report_type.input.name_id
    };
    let mut doc = pdf::Doc::new(&format!("{name} {}", h.period));
    doc.pairs(&[
        ("BLKK".to_owned(), h.centre_name.clone()),
        (
            page.field_label("status").into_owned(),
            page.label("report_status", h.status.as_str()).into_owned(),
        ),
        (page.t("reports.due").into_owned(), page.date(&h.due_date)),
        (
            page.t("report.submitted_at").into_owned(),
            h.submitted_at
                .map(|t| page.datetime(&t))
                .unwrap_or_else(|| "–".to_owned()),
        ),
    ]);
    doc.heading(&page.t("report.values"));
    let columns = [
        pdf::Column::left(&page.t("report_types.indicator"), 3.0),
        pdf::Column::right(&page.t("report.reported"), 1.2),
        pdf::Column::right(&page.t("report.from_records"), 1.2),
        pdf::Column::left(&page.t("report.reason"), 2.6),
    ];
    let dash = |s: &str| {
        if s.is_empty() {
            "–".to_owned()
        } else {
            s.to_owned()
        }
    };
    let rows: Vec<Vec<String>> = r
        .lines
        .iter()
        .map(|l| {
            vec![
                l.label.clone(),
                dash(&l.value_text),
                if l.source.is_some() {
                    dash(&l.computed_text)
                } else {
                    String::new()
                },
                l.reason.clone(),
            ]
        })
        .collect();
    doc.table(&columns, &rows);
    doc.heading(&page.t("report.narrative"));
    let n = &r.narrative;
    for (part, text) in [
        ("activities", &n.activities),
        ("obstacles", &n.obstacles),
        ("plans", &n.plans),
        ("needs", &n.needs),
    ] {
        doc.text(&format!(
            "{}: {}",
            page.label("narrative", part),
            dash(text)
        ));
    }
    doc.space(24.0);
    doc.text(&page.t("report.signature_blkk"));
    let footer = format!(
        "Simandiri · {} · {}",
        h.centre_name,
        page.date(&crate::kernel::time::today())
    );
    let bytes = doc.finish(&footer);
    Ok(export::pdf(bytes, &format!("laporan-{id}.pdf")))
}
