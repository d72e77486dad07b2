//! `/api/v1/reports`: reports and their workflow.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::model::{Report, ReportBody, ReportHead, ReportStatus};
use super::service::{self, Allowed, ListFilter};
use crate::kernel::error::AppError;
use crate::kernel::validate::FieldErrors;
use crate::kernel::web::AppState;
use crate::kernel::web::auth::RequireUser;
use crate::kernel::web::error::ErrorBody;
use crate::kernel::web::extract::{ApiJson, Path, Query};
use crate::kernel::web::paging::{Paged, page_in_range};
use crate::kernel::web::version::{IfMatch, Tagged, or_current};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// A BLKK (organisation id).
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[param(minimum = 1)]
    pub centre: Option<i64>,
    /// A report type id.
    #[serde(
        rename = "type",
        deserialize_with = "crate::kernel::validate::whole_number"
    )]
    #[param(rename = "type", minimum = 1)]
    pub type_id: Option<i64>,
    /// A period: `2026-03`, `2026-Q1`, `2026-S1` or `2026`.
    pub period: Option<String>,
    pub status: Option<ReportStatus>,
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
}

/// Reports in the caller's scope, newest period first.
#[utoipa::path(get, path = "/api/v1/reports", tag = "reports", operation_id = "reports_list",
    params(ListParams), security(("session" = [])),
    responses((status = 200, description = "A page of reports", body = Paged<ReportHead>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: RequireUser,
    Query(q): Query<ListParams>,
) -> Result<Json<Paged<ReportHead>>, AppError> {
    let page = page_in_range(q.page)?;
    let mut e = FieldErrors::new();
    let period = q.period.as_deref().map(str::trim).filter(|p| !p.is_empty());
    if let Some(p) = period
        && crate::features::reports::period::Period::parse(p).is_none()
    {
        e.add("period", "invalid_period");
    }
    for (field, v) in [("centre", q.centre), ("type", q.type_id)] {
        if v.is_some_and(|n| n < 1) {
            e.add(
                field,
                crate::kernel::validate::Problem::out_of_range(1, i64::MAX),
            );
        }
    }
    e.finish(()).map_err(AppError::Invalid)?;
    let f = ListFilter {
        centre: q.centre,
        type_id: q.type_id,
        period: period.map(str::to_owned),
        status: q.status,
    };
    Ok(Json(
        service::list(&state.db, &user.actor(), &f, page).await?,
    ))
}

/// What opens a report.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenReport {
    #[serde(deserialize_with = "crate::kernel::validate::whole")]
    pub type_id: i64,
    #[serde(deserialize_with = "crate::kernel::validate::whole")]
    pub centre_id: i64,
    /// `2026-03`, `2026-Q1`, `2026-S1` or `2026`, as the type's frequency says.
    pub period: String,
}

/// A report and what the caller may do with it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReportAnswer {
    #[serde(flatten)]
    pub report: Report,
    pub allowed: Allowed,
}

/// Open a BLKK's report of a period (its manager): the existing one (200) or a new draft
/// (201), its computed figures filled in.
#[utoipa::path(post, path = "/api/v1/reports", tag = "reports", operation_id = "reports_open",
    request_body = OpenReport, security(("session" = [])),
    responses((status = 200, description = "The report already open", body = ReportAnswer),
        (status = 201, description = "A new draft", body = ReportAnswer),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, description = "A type the BLKK need not send, a period not begun",
            body = ErrorBody)))]
pub async fn open(
    State(state): State<AppState>,
    user: RequireUser,
    ApiJson(input): ApiJson<OpenReport>,
) -> Result<(StatusCode, Json<ReportAnswer>), AppError> {
    let actor = user.actor();
    let (id, created) = service::open(
        &state.db,
        &actor,
        input.type_id,
        input.centre_id,
        &input.period,
    )
    .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(answer(&state, &actor, id).await?)))
}

async fn answer(
    state: &AppState,
    actor: &crate::kernel::access::Actor,
    id: i64,
) -> Result<ReportAnswer, AppError> {
    let o = service::view(&state.db, actor, id, false).await?;
    Ok(ReportAnswer {
        report: o.report,
        allowed: o.allowed,
    })
}

/// A report: its values with the computed figure beside each, corrections, narrative.
#[utoipa::path(get, path = "/api/v1/reports/{id}", tag = "reports", operation_id = "reports_show",
    params(("id" = i64, Path, description = "Report id")), security(("session" = [])),
    responses((status = 200, description = "The report (its version also as `ETag`)",
            body = ReportAnswer),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
) -> Result<Tagged<ReportAnswer>, AppError> {
    Ok(Tagged(answer(&state, &user.actor(), id).await?))
}

impl crate::kernel::web::version::Versioned for ReportAnswer {
    fn version(&self) -> i64 {
        self.report.head.version
    }
}

/// Save a draft or returned report (its BLKK's manager). A value differing from the
/// computed one needs a reason in `corrections`. Send the `version` read.
#[utoipa::path(put, path = "/api/v1/reports/{id}", tag = "reports", operation_id = "reports_save",
    request_body = ReportBody, params(("id" = i64, Path, description = "Report id")),
    security(("session" = [])),
    responses((status = 200, body = ReportAnswer), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Saved by someone else since `version`", body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, description = "Invalid values (`values.<code>`, `corrections.<code>`)",
            body = ErrorBody),
        (status = 428, description = "No `version` (or If-Match) given", body = ErrorBody),))]
pub async fn save(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
    if_match: IfMatch,
    ApiJson(mut body): ApiJson<ReportBody>,
) -> Result<Tagged<ReportAnswer>, AppError> {
    let actor = user.actor();
    body.version = if_match.or(body.version)?;
    let saved = service::save(&state.db, &actor, id, &body).await;
    or_current(saved, answer(&state, &actor, id)).await?;
    Ok(Tagged(answer(&state, &actor, id).await?))
}

/// The version a workflow step applies to.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// The report's `version` as read (or send it as `If-Match`).
    #[serde(default, deserialize_with = "crate::kernel::validate::whole_number")]
    #[schema(minimum = 1)]
    pub version: Option<i64>,
}

/// A step with a text: what to change (return) or why (reopen).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepWithText {
    /// The report's `version` as read (or send it as `If-Match`).
    #[serde(default, deserialize_with = "crate::kernel::validate::whole_number")]
    #[schema(minimum = 1)]
    pub version: Option<i64>,
    /// Required.
    pub comment: String,
}

/// Send the report as saved (its BLKK's manager). Refused with a field error when a required value is missing, a difference has no reason, or the period closed.
#[utoipa::path(post, path = "/api/v1/reports/{id}/submit", tag = "reports", operation_id = "reports_submit",
    request_body = Step, params(("id" = i64, Path, description = "Report id")),
    security(("session" = [])),
    responses((status = 200, body = ReportAnswer), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Changed by someone else since `version`", body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, description = "Not allowed in its status, missing values, a closed \
            period, a missing comment", body = ErrorBody),
        (status = 428, description = "No `version` (or If-Match) given", body = ErrorBody),))]
pub async fn submit(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
    if_match: IfMatch,
    ApiJson(b): ApiJson<Step>,
) -> Result<Tagged<ReportAnswer>, AppError> {
    let actor = user.actor();
    let version = if_match.or(b.version)?;
    let stepped = service::submit(&state.db, &actor, id, version).await;
    or_current(stepped, answer(&state, &actor, id)).await?;
    Ok(Tagged(answer(&state, &actor, id).await?))
}

/// Verify a sent report (its pembina): it is locked.
#[utoipa::path(post, path = "/api/v1/reports/{id}/verify", tag = "reports", operation_id = "reports_verify",
    request_body = Step, params(("id" = i64, Path, description = "Report id")),
    security(("session" = [])),
    responses((status = 200, body = ReportAnswer), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Changed by someone else since `version`", body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, description = "Not allowed in its status, missing values, a closed \
            period, a missing comment", body = ErrorBody),
        (status = 428, description = "No `version` (or If-Match) given", body = ErrorBody),))]
pub async fn verify(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
    if_match: IfMatch,
    ApiJson(b): ApiJson<Step>,
) -> Result<Tagged<ReportAnswer>, AppError> {
    let actor = user.actor();
    let version = if_match.or(b.version)?;
    let stepped = service::verify(&state.db, &actor, id, version).await;
    or_current(stepped, answer(&state, &actor, id)).await?;
    Ok(Tagged(answer(&state, &actor, id).await?))
}

/// Return a sent report to the BLKK with a comment saying what to change (its pembina).
#[utoipa::path(post, path = "/api/v1/reports/{id}/return", tag = "reports", operation_id = "reports_return",
    request_body = StepWithText, params(("id" = i64, Path, description = "Report id")),
    security(("session" = [])),
    responses((status = 200, body = ReportAnswer), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Changed by someone else since `version`", body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, description = "Not allowed in its status, missing values, a closed \
            period, a missing comment", body = ErrorBody),
        (status = 428, description = "No `version` (or If-Match) given", body = ErrorBody),))]
pub async fn send_back(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
    if_match: IfMatch,
    ApiJson(b): ApiJson<StepWithText>,
) -> Result<Tagged<ReportAnswer>, AppError> {
    let actor = user.actor();
    let version = if_match.or(b.version)?;
    let stepped = service::send_back(&state.db, &actor, id, version, &b.comment).await;
    or_current(stepped, answer(&state, &actor, id)).await?;
    Ok(Tagged(answer(&state, &actor, id).await?))
}

/// Reopen a verified report with a reason (its pembina or an admin); it goes back to the BLKK, earlier versions kept.
#[utoipa::path(post, path = "/api/v1/reports/{id}/reopen", tag = "reports", operation_id = "reports_reopen",
    request_body = StepWithText, params(("id" = i64, Path, description = "Report id")),
    security(("session" = [])),
    responses((status = 200, body = ReportAnswer), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Changed by someone else since `version`", body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, description = "Not allowed in its status, missing values, a closed \
            period, a missing comment", body = ErrorBody),
        (status = 428, description = "No `version` (or If-Match) given", body = ErrorBody),))]
pub async fn reopen(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
    if_match: IfMatch,
    ApiJson(b): ApiJson<StepWithText>,
) -> Result<Tagged<ReportAnswer>, AppError> {
    let actor = user.actor();
    let version = if_match.or(b.version)?;
    let stepped = service::reopen(&state.db, &actor, id, version, &b.comment).await;
    or_current(stepped, answer(&state, &actor, id)).await?;
    Ok(Tagged(answer(&state, &actor, id).await?))
}
