//! `/api/v1/orgs`: organisations (admins manage them; members read their own).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::model::{OrgFilter, OrgInput, OrgKind, OrgRecord};
use super::service;
use crate::features::accounts::api::RequireUser;
use crate::kernel::audit::AuditEntry;
use crate::kernel::error::AppError;
use crate::kernel::web::AppState;
use crate::kernel::web::error::ErrorBody;
use crate::kernel::web::extract::{ApiJson, Path, Query};
use crate::kernel::web::paging::Paged;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only organisations of this kind.
    pub kind: Option<OrgKind>,
    /// Part of the name (case, spaces and punctuation ignored).
    pub q: String,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
}

/// List organisations (admins).
#[utoipa::path(get, path = "/api/v1/orgs", tag = "orgs", params(ListParams),
    responses((status = 200, body = Paged<OrgRecord>), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: RequireUser,
    Query(q): Query<ListParams>,
) -> Result<Json<Paged<OrgRecord>>, AppError> {
    let page = crate::kernel::web::paging::page_number(
        &q.page.map(|p| p.to_string()).unwrap_or_default(),
    )?;
    let filter = OrgFilter {
        kind: q.kind,
        q: q.q,
        for_areas: None,
    };
    Ok(Json(
        service::list(&state.db, &user.actor(), &filter, page).await?,
    ))
}

/// Create an organisation (admins). BLKK are created with POST /api/v1/centres.
#[utoipa::path(post, path = "/api/v1/orgs", tag = "orgs", request_body = OrgInput,
    responses((status = 201, body = OrgRecord), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "Invalid fields, listed in `error.fields`", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: RequireUser,
    ApiJson(input): ApiJson<OrgInput>,
) -> Result<(StatusCode, Json<OrgRecord>), AppError> {
    let org = service::create(&state.db, &user.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(org)))
}

/// One organisation: admins, and the organisation's own users.
#[utoipa::path(get, path = "/api/v1/orgs/{id}", tag = "orgs",
    params(("id" = i64, Path, description = "Organisation id")),
    responses((status = 200, body = OrgRecord), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
) -> Result<Json<OrgRecord>, AppError> {
    Ok(Json(service::view(&state.db, &user.actor(), id).await?))
}

/// Change an organisation (admins): only the fields sent change. Its kind never changes.
#[utoipa::path(patch, path = "/api/v1/orgs/{id}", tag = "orgs", request_body = OrgInput,
    params(("id" = i64, Path, description = "Organisation id")),
    responses(
        (status = 200, body = OrgRecord),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Changed by someone else since `version`", body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
pub async fn patch(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<OrgInput>,
) -> Result<Json<OrgRecord>, AppError> {
    Ok(Json(
        service::update(&state.db, &user.actor(), id, &input).await?,
    ))
}

/// The change history of an organisation (newest first).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/history", tag = "orgs",
    params(("id" = i64, Path, description = "Organisation id")),
    responses((status = 200, body = Vec<AuditEntry>), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn history(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<AuditEntry>>, AppError> {
    let (_, entries, _) = service::history(&state.db, &user.actor(), id).await?;
    Ok(Json(entries))
}
