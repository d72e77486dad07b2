//! `/api/v1/trainings` and `/api/v1/enrolments`: batches, their trainees and results.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::model::{Enrolment, ResultInput, TrainingFilter, TrainingInput, TrainingRecord};
use super::service;
use crate::features::trainings::trainees::model::PersonInput;
use crate::kernel::error::AppError;
use crate::kernel::web::AppState;
use crate::kernel::web::auth::RequireUser;
use crate::kernel::web::error::ErrorBody;
use crate::kernel::web::extract::{ApiJson, Path, Query};
use crate::kernel::web::openapi::Doc;
use crate::kernel::web::paging::{Paged, page_in_range};
use crate::kernel::web::version::{IfMatch, Tagged, or_current};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PageParam {
    /// Page number, from 1.
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
}

crate::creation_schema!(
    /// The fields of a new batch (those of a change, with the required ones marked).
    NewTraining,
    TrainingInput
);

/// What the derived document cannot say: which fields a new batch needs.
pub fn document(doc: &mut Doc) {
    doc.creation(
        "TrainingInput",
        "NewTraining",
        &TrainingInput::required_to_create(),
    );
}

/// Batches in the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/trainings", tag = "trainings", operation_id = "trainings_list",
    params(TrainingFilter, PageParam), security(("session" = [])),
    responses((status = 200, description = "One page of batches", body = Paged<TrainingRecord>),
        (status = 400, description = "A malformed filter or page", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "No BLKK in the caller's scope", body = ErrorBody),
        (status = 422, description = "A year or BLKK id out of range, in `error.fields`", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: RequireUser,
    Query(f): Query<TrainingFilter>,
    Query(p): Query<PageParam>,
) -> Result<Json<Paged<TrainingRecord>>, AppError> {
    let page = page_in_range(p.page)?;
    Ok(Json(
        service::list(&state.db, &user.actor(), &f, page).await?,
    ))
}

/// Plan a batch (the BLKK's managers; admins name the BLKK in `centre_id`).
#[utoipa::path(post, path = "/api/v1/trainings", tag = "trainings", operation_id = "trainings_create",
    request_body = NewTraining, security(("session" = [])),
    responses((status = 201, description = "Created", body = TrainingRecord),
        (status = 400, description = "Malformed JSON, unknown fields, wrong types", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a manager of this BLKK", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "Invalid fields, listed in `error.fields`", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: RequireUser,
    ApiJson(input): ApiJson<TrainingInput>,
) -> Result<(StatusCode, Json<TrainingRecord>), AppError> {
    let t = service::create(&state.db, &user.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(t)))
}

/// One batch, for those whose scope covers its BLKK.
#[utoipa::path(get, path = "/api/v1/trainings/{id}", tag = "trainings", operation_id = "trainings_show",
    params(("id" = i64, Path, description = "Batch id")), security(("session" = [])),
    responses((status = 200, description = "The batch (its version also as `ETag`)",
            body = TrainingRecord),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Outside the caller's scope", body = ErrorBody),
        (status = 404, description = "No such batch", body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
) -> Result<Tagged<TrainingRecord>, AppError> {
    Ok(Tagged(service::view(&state.db, &user.actor(), id).await?))
}

/// Change a batch that is not closed: only the fields sent change.
#[utoipa::path(patch, path = "/api/v1/trainings/{id}", tag = "trainings", operation_id = "trainings_patch",
    request_body = TrainingInput, params(("id" = i64, Path, description = "Batch id")),
    security(("session" = [])),
    responses((status = 200, body = TrainingRecord),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Changed by someone else since `version`", body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody),
        (status = 428, description = "No `version` (or If-Match) given", body = ErrorBody),))]
pub async fn patch(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
    if_match: IfMatch,
    ApiJson(mut input): ApiJson<TrainingInput>,
) -> Result<Tagged<TrainingRecord>, AppError> {
    let actor = user.actor();
    input.version = if_match.or(input.version)?;
    let saved = service::update(&state.db, &actor, id, &input).await;
    Ok(Tagged(
        or_current(saved, service::view(&state.db, &actor, id)).await?,
    ))
}

/// A batch's trainees. NIK, birth date, phone and address only for the BLKK's users and
/// admins (each view logged for the trainee); others get the NIK masked.
#[utoipa::path(get, path = "/api/v1/trainings/{id}/enrolments", tag = "trainings",
    operation_id = "enrolments_list", params(("id" = i64, Path, description = "Batch id")),
    security(("session" = [])),
    responses((status = 200, description = "The trainees, by name", body = Vec<Enrolment>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Outside the caller's scope", body = ErrorBody),
        (status = 404, description = "No such batch", body = ErrorBody)))]
pub async fn enrolments(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Enrolment>>, AppError> {
    let (_, list, _) = service::enrolments(
        &state.db,
        &user.actor(),
        id,
        &format!("API peserta pelatihan {id}"),
    )
    .await?;
    Ok(Json(list))
}

/// Enrol a trainee by NIK: a person already known is found, not duplicated. Refused when
/// the batch is full or closed, or the person is in another batch at the same time.
#[utoipa::path(post, path = "/api/v1/trainings/{id}/enrolments", tag = "trainings",
    operation_id = "enrolments_create", request_body = PersonInput,
    params(("id" = i64, Path, description = "Batch id")), security(("session" = [])),
    responses((status = 201, description = "Enrolled", body = Enrolment),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, description = "Not a manager of this batch's BLKK", body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "Invalid fields (an invalid NIK, a full batch, an \
            overlapping batch, no consent)", body = ErrorBody)))]
pub async fn enrol(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<PersonInput>,
) -> Result<(StatusCode, Json<Enrolment>), AppError> {
    let e = service::enrol(&state.db, &user.actor(), id, &input).await?;
    Ok((StatusCode::CREATED, Json(e)))
}

/// One trainee (personal data only for the BLKK's users and admins); its version is also
/// the `ETag`, for `If-Match` when recording a result.
#[utoipa::path(get, path = "/api/v1/enrolments/{id}", tag = "trainings",
    operation_id = "enrolments_show", params(("id" = i64, Path, description = "Enrolment id")),
    security(("session" = [])),
    responses((status = 200, body = Enrolment), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn enrolment(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
) -> Result<Tagged<Enrolment>, AppError> {
    Ok(Tagged(
        service::enrolment(&state.db, &user.actor(), id).await?,
    ))
}

/// Record a trainee's result and certificate numbers (the batch's managers and
/// instructors). Send the enrolment's `version` to refuse overwriting another's result.
#[utoipa::path(put, path = "/api/v1/enrolments/{id}/result", tag = "trainings",
    operation_id = "enrolments_result", request_body = ResultInput,
    params(("id" = i64, Path, description = "Enrolment id")), security(("session" = [])),
    responses((status = 200, description = "The trainee with the result", body = Enrolment),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, description = "No such enrolment", body = ErrorBody),
        (status = 409, description = "Recorded by someone else since `version`", body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, description = "Invalid fields (a certificate number used twice, a \
            result before the batch ends)", body = ErrorBody),
        (status = 428, description = "No `version` (or If-Match) given", body = ErrorBody),))]
pub async fn result(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
    if_match: IfMatch,
    ApiJson(mut input): ApiJson<ResultInput>,
) -> Result<Json<Enrolment>, AppError> {
    let actor = user.actor();
    input.version = if_match.or(input.version)?;
    let saved = service::set_result(&state.db, &actor, id, &input).await;
    Ok(Json(
        or_current(saved, service::enrolment(&state.db, &actor, id)).await?,
    ))
}
