//! `/api/v1/visits`, `/api/v1/findings` and `/api/v1/actions`: monitoring visits, their
//! answers, findings with photos, and the follow-up actions.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::model::{
    ActionRecord, ActionUpdate, FindingRecord, NewFinding, NewVisit, Question, VisitRecord,
    VisitUpdate,
};
use super::service;
use crate::kernel::attachments::Attachment;
use crate::kernel::error::AppError;
use crate::kernel::web::AppState;
use crate::kernel::web::auth::RequireUser;
use crate::kernel::web::error::ErrorBody;
use crate::kernel::web::extract::{ApiJson, Path, Query};
use crate::kernel::web::paging::{Paged, page_in_range};
use crate::kernel::web::version::{IfMatch, Tagged, or_current};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct VisitParams {
    /// Only visits to this BLKK.
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[param(minimum = 1)]
    pub centre: Option<i64>,
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
}

/// The monitoring instrument's questions.
#[utoipa::path(get, path = "/api/v1/visit-questions", tag = "visits",
    operation_id = "visit_questions", security(("session" = [])),
    responses((status = 200, body = Vec<Question>), (status = 401, body = ErrorBody)))]
pub async fn questions(
    State(state): State<AppState>,
    _user: RequireUser,
) -> Result<Json<Vec<Question>>, AppError> {
    Ok(Json(service::questions(&state.db).await?))
}

/// Visits to BLKK in the caller's scope, the latest planned first.
#[utoipa::path(get, path = "/api/v1/visits", tag = "visits", operation_id = "visits_list",
    params(VisitParams), security(("session" = [])),
    responses((status = 200, body = Paged<VisitRecord>), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: RequireUser,
    Query(p): Query<VisitParams>,
) -> Result<Json<Paged<VisitRecord>>, AppError> {
    let page = page_in_range(p.page)?;
    if p.centre.is_some_and(|c| c < 1) {
        return Err(AppError::invalid("centre", "not_found"));
    }
    Ok(Json(
        service::list(&state.db, &user.actor(), p.centre, page).await?,
    ))
}

/// Plan a visit to a BLKK the caller's UPTP supervises.
#[utoipa::path(post, path = "/api/v1/visits", tag = "visits", operation_id = "visits_plan",
    request_body = NewVisit, security(("session" = [])),
    responses((status = 201, body = VisitRecord), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not the BLKK's pembina", body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn plan(
    State(state): State<AppState>,
    user: RequireUser,
    ApiJson(input): ApiJson<NewVisit>,
) -> Result<(StatusCode, Json<VisitRecord>), AppError> {
    let v = service::plan(&state.db, &user.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// A visit with its findings and their actions.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VisitAnswer {
    #[serde(flatten)]
    pub visit: VisitRecord,
    pub findings: Vec<FindingRecord>,
}

#[utoipa::path(get, path = "/api/v1/visits/{id}", tag = "visits", operation_id = "visits_show",
    params(("id" = i64, Path, description = "Visit id")), security(("session" = [])),
    responses((status = 200, body = VisitAnswer), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
) -> Result<Tagged<VisitAnswer>, AppError> {
    let (visit, _, findings) = service::show(&state.db, &user.actor(), id).await?;
    Ok(Tagged(VisitAnswer { visit, findings }))
}

impl crate::kernel::web::version::Versioned for VisitAnswer {
    fn version(&self) -> i64 {
        self.visit.version
    }
}

impl crate::kernel::web::version::Versioned for ActionAnswer {
    fn version(&self) -> i64 {
        self.action.version
    }
}

/// Record the visit (its pembina): the date, answers by question code, a summary, its
/// status. Answers not sent keep their value.
#[utoipa::path(patch, path = "/api/v1/visits/{id}", tag = "visits", operation_id = "visits_record",
    request_body = VisitUpdate, params(("id" = i64, Path, description = "Visit id")),
    security(("session" = [])),
    responses((status = 200, body = VisitRecord), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Changed since `version`", body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, description = "`answers.<code>`, a future date, done without a date",
            body = ErrorBody),
        (status = 428, description = "No `version` (or If-Match) given", body = ErrorBody),))]
pub async fn record(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
    if_match: IfMatch,
    ApiJson(mut input): ApiJson<VisitUpdate>,
) -> Result<Json<VisitRecord>, AppError> {
    let actor = user.actor();
    input.version = if_match.or(input.version)?;
    let saved = service::record(&state.db, &actor, id, &input).await;
    Ok(Json(
        or_current(saved, service::visit(&state.db, &actor, id)).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/visits/{id}/findings", tag = "visits",
    operation_id = "visits_findings", params(("id" = i64, Path, description = "Visit id")),
    security(("session" = [])),
    responses((status = 200, body = Vec<FindingRecord>), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn findings(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<FindingRecord>>, AppError> {
    let (_, _, f) = service::show(&state.db, &user.actor(), id).await?;
    Ok(Json(f))
}

/// Record a finding and the actions agreed (its pembina): each action due on or after the
/// visit.
#[utoipa::path(post, path = "/api/v1/visits/{id}/findings", tag = "visits",
    operation_id = "visits_add_finding", request_body = NewFinding,
    params(("id" = i64, Path, description = "Visit id")), security(("session" = [])),
    responses((status = 201, body = FindingRecord), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "`actions.<n>.due_date`: before the visit, and other \
            fields", body = ErrorBody)))]
pub async fn add_finding(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<NewFinding>,
) -> Result<(StatusCode, Json<FindingRecord>), AppError> {
    let f = service::add_finding(&state.db, &user.actor(), id, &input).await?;
    Ok((StatusCode::CREATED, Json(f)))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ActionParams {
    /// Only those past their due date.
    pub overdue: Option<bool>,
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
}

/// Actions not closed at BLKK in the caller's scope, the earliest due first.
#[utoipa::path(get, path = "/api/v1/actions", tag = "visits", operation_id = "actions_open",
    params(ActionParams), security(("session" = [])),
    responses((status = 200, body = Paged<ActionRecord>), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn open_actions(
    State(state): State<AppState>,
    user: RequireUser,
    Query(p): Query<ActionParams>,
) -> Result<Json<Paged<ActionRecord>>, AppError> {
    let page = page_in_range(p.page)?;
    Ok(Json(
        service::open_actions(&state.db, &user.actor(), p.overdue.unwrap_or(false), page).await?,
    ))
}

/// An action and its evidence.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ActionAnswer {
    #[serde(flatten)]
    pub action: ActionRecord,
    pub evidence: Vec<Attachment>,
}

#[utoipa::path(get, path = "/api/v1/actions/{id}", tag = "visits", operation_id = "actions_show",
    params(("id" = i64, Path, description = "Action id")), security(("session" = [])),
    responses((status = 200, body = ActionAnswer), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn action(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
) -> Result<Tagged<ActionAnswer>, AppError> {
    let (action, evidence) = service::action(&state.db, &user.actor(), id).await?;
    Ok(Tagged(ActionAnswer { action, evidence }))
}

/// Answer an action (the BLKK's manager: `response`), or close or reopen it (its pembina:
/// `status` `selesai` or `terbuka`).
#[utoipa::path(patch, path = "/api/v1/actions/{id}", tag = "visits", operation_id = "actions_update",
    request_body = ActionUpdate, params(("id" = i64, Path, description = "Action id")),
    security(("session" = [])),
    responses((status = 200, body = ActionRecord), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Changed since `version`", body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody),
        (status = 428, description = "No `version` (or If-Match) given", body = ErrorBody),))]
pub async fn update_action(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
    if_match: IfMatch,
    ApiJson(mut input): ApiJson<ActionUpdate>,
) -> Result<Json<ActionRecord>, AppError> {
    let actor = user.actor();
    input.version = if_match.or(input.version)?;
    let saved = service::update_action(&state.db, &actor, id, &input).await;
    let current = async { Ok::<_, AppError>(service::action(&state.db, &actor, id).await?.0) };
    Ok(Json(or_current(saved, current).await?))
}
