//! `/api/v1/public/trainings` and `/api/v1/applications`: upcoming batches and applications
//! from the public, and the BLKK's decisions on them.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::model::{Application, PublicFilter, PublicTraining};
use super::service;
use crate::features::trainings::batches::api::PageParam;
use crate::features::trainings::trainees::model::PersonInput;
use crate::kernel::error::AppError;
use crate::kernel::web::AppState;
use crate::kernel::web::auth::RequireUser;
use crate::kernel::web::error::ErrorBody;
use crate::kernel::web::extract::{ApiJson, Path, Query};
use crate::kernel::web::paging::{Paged, page_in_range};
use crate::kernel::web::version::{IfMatch, or_current};

/// Upcoming batches open to the public, soonest first (no sign-in).
#[utoipa::path(get, path = "/api/v1/public/trainings", tag = "public",
    operation_id = "public_trainings", params(PublicFilter, PageParam),
    responses((status = 200, description = "One page of batches (the total counted up to 1000)",
            body = Paged<PublicTraining>),
        (status = 400, body = ErrorBody),
        (status = 422, description = "A malformed date or cost", body = ErrorBody)))]
pub async fn public_list(
    State(state): State<AppState>,
    Query(f): Query<PublicFilter>,
    Query(p): Query<PageParam>,
) -> Result<Json<Paged<PublicTraining>>, AppError> {
    let page = page_in_range(p.page)?;
    Ok(Json(service::public_list(&state.db, &f, page).await?))
}

/// An application received. A NIK that already applied to the batch gets the same answer
/// with its application's code: the answer never tells whether someone applied.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Applied {
    /// The reference code to quote to the BLKK (`K7M2Q-9XD4H`).
    pub code: String,
    pub status: super::model::ApplicationStatus,
}

/// Apply for a batch (no sign-in). Needs `consent: true` to the personal-data notice.
#[utoipa::path(post, path = "/api/v1/public/trainings/{id}/applications", tag = "public",
    operation_id = "public_apply", request_body = PersonInput,
    params(("id" = i64, Path, description = "Batch id")),
    responses((status = 201, description = "Received; the BLKK decides", body = Applied),
        (status = 400, body = ErrorBody),
        (status = 404, description = "No such public batch", body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, description = "Invalid fields, or applications closed",
            body = ErrorBody)))]
pub async fn apply(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<PersonInput>,
) -> Result<(StatusCode, Json<Applied>), AppError> {
    let code = service::apply(&state.db, id, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(Applied {
            code,
            status: super::model::ApplicationStatus::Menunggu,
        }),
    ))
}

/// A batch's applications (its BLKK's managers).
#[utoipa::path(get, path = "/api/v1/trainings/{id}/applications", tag = "trainings",
    operation_id = "applications_list", params(("id" = i64, Path, description = "Batch id")),
    security(("session" = [])),
    responses((status = 200, description = "Waiting first", body = Vec<Application>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn applications(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Application>>, AppError> {
    Ok(Json(
        service::applications(&state.db, &user.actor(), id).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// `true` accepts (enrols), `false` declines.
    pub accept: bool,
    /// The application's version last read.
    #[serde(default, deserialize_with = "crate::kernel::validate::whole_number")]
    #[schema(minimum = 1)]
    pub version: Option<i64>,
}

/// Accept or decline a waiting application.
#[utoipa::path(post, path = "/api/v1/applications/{id}/decision", tag = "trainings",
    operation_id = "applications_decide", request_body = Decision,
    params(("id" = i64, Path, description = "Application id")), security(("session" = [])),
    responses((status = 200, description = "Decided", body = Application),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 409, description = "Changed since `version`", body = ErrorBody),
        (status = 422, description = "Already decided, or the batch is full", body = ErrorBody),
        (status = 428, description = "No `version` (or If-Match) given", body = ErrorBody),))]
pub async fn decide(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
    if_match: IfMatch,
    ApiJson(d): ApiJson<Decision>,
) -> Result<Json<Application>, AppError> {
    let actor = user.actor();
    let version = if_match.or(d.version)?;
    let decided = service::decide(
        &state.db,
        &actor,
        &state.config.public_url,
        id,
        d.accept,
        version,
    )
    .await;
    Ok(Json(
        or_current(decided, service::application(&state.db, &actor, id)).await?,
    ))
}
