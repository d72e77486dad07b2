//! `/api/v1/enrolments/{id}/outcomes` and `/api/v1/tracer-schedule`: what became of
//! graduates, and the follow-up schedule.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use super::model::{OutcomeInput, OutcomeRecord, Schedule};
use super::service;
use crate::kernel::error::AppError;
use crate::kernel::web::AppState;
use crate::kernel::web::auth::RequireUser;
use crate::kernel::web::error::ErrorBody;
use crate::kernel::web::extract::{ApiJson, Path};
use crate::kernel::web::version::{IfMatch, Tagged, or_current};

/// A graduate's outcomes (tracer study), newest first.
#[utoipa::path(get, path = "/api/v1/enrolments/{id}/outcomes", tag = "trainings",
    operation_id = "outcomes_list", params(("id" = i64, Path, description = "Enrolment id")),
    security(("session" = [])),
    responses((status = 200, description = "The outcomes", body = Vec<OutcomeRecord>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn outcomes(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<OutcomeRecord>>, AppError> {
    Ok(Json(service::outcomes(&state.db, &user.actor(), id).await?))
}

/// Record what became of a graduate: by their BLKK, the alumnus themself (role peserta),
/// or the batch's partner (role mitra).
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/outcomes", tag = "trainings",
    operation_id = "outcomes_create", request_body = OutcomeInput,
    params(("id" = i64, Path, description = "Enrolment id")), security(("session" = [])),
    responses((status = 201, description = "Recorded", body = OutcomeRecord),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, description = "Invalid fields (dated before the batch ended, not a \
            graduate)", body = ErrorBody)))]
pub async fn add_outcome(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<OutcomeInput>,
) -> Result<(StatusCode, Json<OutcomeRecord>), AppError> {
    let o = service::add_outcome(&state.db, &user.actor(), id, &input).await?;
    Ok((StatusCode::CREATED, Json(o)))
}

/// The tracer study's follow-up schedule: months after a batch ends.
#[utoipa::path(get, path = "/api/v1/tracer-schedule", tag = "trainings",
    operation_id = "tracer_schedule_get", security(("session" = [])),
    responses((status = 200, description = "The schedule (its version also as `ETag`)",
            body = Schedule),
        (status = 401, body = ErrorBody)))]
pub async fn schedule(
    State(state): State<AppState>,
    _user: RequireUser,
) -> Result<Tagged<Schedule>, AppError> {
    Ok(Tagged(service::schedule(&state.db).await?))
}

/// Change the follow-up schedule (ministry admin). Pending follow-ups are recalculated at
/// once; a graduate whose follow-ups were done gets a new point only if it lies ahead.
#[utoipa::path(put, path = "/api/v1/tracer-schedule", tag = "trainings",
    operation_id = "tracer_schedule_put", request_body = Schedule, security(("session" = [])),
    responses((status = 200, description = "The new schedule", body = Schedule),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 409, description = "Changed since `version`", body = ErrorBody),
        (status = 422, description = "No point, more than 12, or one outside 1-60 months",
            body = ErrorBody),
        (status = 428, description = "No `version` (or If-Match) given", body = ErrorBody),))]
pub async fn change_schedule(
    State(state): State<AppState>,
    user: RequireUser,
    if_match: IfMatch,
    ApiJson(mut input): ApiJson<Schedule>,
) -> Result<Tagged<Schedule>, AppError> {
    input.version = if_match.or(input.version)?;
    let changed = service::change_schedule(&state.db, &user.actor(), &input)
        .await
        .map(|(s, _)| s);
    Ok(Tagged(
        or_current(changed, service::schedule(&state.db)).await?,
    ))
}
