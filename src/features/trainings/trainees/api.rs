//! `/api/v1/me/data`, `/api/v1/me/links` and `/api/v1/enrolments/{id}/link`: a trainee's
//! own data, and linking a BLKK's record to it.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::service::{self, Correction, MyData};
use crate::features::trainings::batches::model::Enrolment;
use crate::kernel::error::AppError;
use crate::kernel::web::AppState;
use crate::kernel::web::auth::RequireUser;
use crate::kernel::web::error::ErrorBody;
use crate::kernel::web::extract::{ApiJson, Path};
use crate::kernel::web::version::{IfMatch, Tagged, or_current};

/// Everything held about the signed-in trainee (UU PDP): their data, trainings, outcomes,
/// consents and who looked at their personal data.
#[utoipa::path(get, path = "/api/v1/me/data", tag = "trainings", operation_id = "me_data",
    security(("session" = [])),
    responses((status = 200, description = "The trainee's data (its version also as `ETag`)",
            body = MyData),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a trainee", body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn my_data(
    State(state): State<AppState>,
    user: RequireUser,
) -> Result<Tagged<MyData>, AppError> {
    Ok(Tagged(service::my_data(&state.db, &user.actor()).await?))
}

/// Correct one's own name and contacts.
#[utoipa::path(put, path = "/api/v1/me/data", tag = "trainings", operation_id = "me_correct",
    request_body = Correction, security(("session" = [])),
    responses((status = 200, description = "Corrected", body = super::model::Person),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Changed since `version`", body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody),
        (status = 428, description = "No `version` (or If-Match) given", body = ErrorBody),))]
pub async fn correct(
    State(state): State<AppState>,
    user: RequireUser,
    if_match: IfMatch,
    ApiJson(mut c): ApiJson<Correction>,
) -> Result<Json<super::model::Person>, AppError> {
    let actor = user.actor();
    c.version = if_match.or(c.version)?;
    let saved = service::correct(&state.db, &actor, &c).await;
    Ok(Json(
        or_current(saved, service::my_data(&state.db, &actor)).await?,
    ))
}

/// Ask to link the BLKK's record of a trainee to the person's own data (what they gave
/// before, possibly to another BLKK): a code goes to the contact the person gave earlier,
/// and to their own page if they have an account. Until linked, the BLKK sees only what it
/// typed.
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/link", tag = "trainings",
    operation_id = "enrolments_link_request",
    params(("id" = i64, Path, description = "Enrolment id")), security(("session" = [])),
    responses((status = 202, description = "The code was sent", body = service::LinkSent),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a manager of this batch's BLKK", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "`link`: already linked, or no contact to send a code to",
            body = ErrorBody)))]
pub async fn request_link(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
) -> Result<(StatusCode, Json<service::LinkSent>), AppError> {
    let sent = service::request_link(&state.db, &user.actor(), id).await?;
    Ok((StatusCode::ACCEPTED, Json(sent)))
}

/// The code the person read out to the BLKK.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkCode {
    #[schema(min_length = 1, max_length = 12)]
    pub code: String,
}

/// Link the record with the code the person, present, read out (wrong five times, or after
/// 30 minutes, a new code is needed). The link is logged in the person's access log.
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/link/confirm", tag = "trainings",
    operation_id = "enrolments_link_confirm", request_body = LinkCode,
    params(("id" = i64, Path, description = "Enrolment id")), security(("session" = [])),
    responses((status = 200, description = "Linked", body = Enrolment),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, description = "`code`: wrong, expired or never asked for",
            body = ErrorBody)))]
pub async fn confirm_link(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
    ApiJson(c): ApiJson<LinkCode>,
) -> Result<Json<Enrolment>, AppError> {
    Ok(Json(
        service::confirm_link(&state.db, &user.actor(), id, &c.code).await?,
    ))
}

/// The signed-in trainee agrees to a BLKK's waiting request to link its record.
#[utoipa::path(post, path = "/api/v1/me/links/{centre_id}", tag = "trainings",
    operation_id = "me_link_allow",
    params(("centre_id" = i64, Path, description = "The BLKK that asked")),
    security(("session" = [])),
    responses((status = 204, description = "Linked"),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a trainee", body = ErrorBody),
        (status = 404, description = "No waiting request from this BLKK", body = ErrorBody),
        (status = 422, description = "The request expired", body = ErrorBody)))]
pub async fn allow_link(
    State(state): State<AppState>,
    user: RequireUser,
    Path(centre_id): Path<i64>,
) -> Result<StatusCode, AppError> {
    service::allow_link(&state.db, &user.actor(), centre_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
