//! `/api/v1/orgs`: organisations (admins manage them; members read their own).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::model::{OrgFilter, OrgInput, OrgKind, OrgRecord};
use super::service;
use crate::kernel::audit::AuditEntry;
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
pub struct ListParams {
    /// Only organisations of this kind.
    pub kind: Option<OrgKind>,
    /// Part of the name (case, spaces and punctuation ignored).
    pub q: String,
    /// Page number, from 1.
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
}

crate::creation_schema!(
    /// The fields of a new organisation (those of a change, with the required ones marked).
    NewOrg,
    OrgInput
);

/// What the derived document cannot say: which fields a new organisation needs.
pub fn document(doc: &mut Doc) {
    doc.creation("OrgInput", "NewOrg", &OrgInput::required_to_create());
}

/// List organisations (admins).
#[utoipa::path(get, path = "/api/v1/orgs", tag = "orgs", operation_id = "orgs_list",
    params(ListParams), security(("session" = [])),
    responses((status = 200, description = "One page of organisations", body = Paged<OrgRecord>),
        (status = 400, description = "A malformed filter or page", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: RequireUser,
    Query(q): Query<ListParams>,
) -> Result<Json<Paged<OrgRecord>>, AppError> {
    let page = page_in_range(q.page)?;
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
#[utoipa::path(post, path = "/api/v1/orgs", tag = "orgs", operation_id = "orgs_create",
    request_body = NewOrg, security(("session" = [])),
    responses((status = 201, description = "Created", body = OrgRecord),
        (status = 400, description = "Malformed JSON, unknown fields, wrong types", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "Invalid fields, listed in `error.fields` (also an \
            area that does not exist)", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: RequireUser,
    ApiJson(input): ApiJson<OrgInput>,
) -> Result<(StatusCode, Json<OrgRecord>), AppError> {
    let org = service::create(&state.db, &user.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(org)))
}

/// One organisation: admins, and the organisation's own users.
#[utoipa::path(get, path = "/api/v1/orgs/{id}", tag = "orgs", operation_id = "orgs_show",
    params(("id" = i64, Path, description = "Organisation id")), security(("session" = [])),
    responses((status = 200, description = "The organisation", body = OrgRecord),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither an admin nor one of its users", body = ErrorBody),
        (status = 404, description = "No such organisation", body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
) -> Result<Tagged<OrgRecord>, AppError> {
    Ok(Tagged(service::view(&state.db, &user.actor(), id).await?))
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
        (status = 428, description = "No `version` (or If-Match) given", body = ErrorBody),
    ))]
pub async fn patch(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
    if_match: IfMatch,
    ApiJson(mut input): ApiJson<OrgInput>,
) -> Result<Tagged<OrgRecord>, AppError> {
    let actor = user.actor();
    input.version = if_match.or(input.version)?;
    let saved = service::update(&state.db, &actor, id, &input).await;
    Ok(Tagged(
        or_current(saved, service::view(&state.db, &actor, id)).await?,
    ))
}

/// The change history of an organisation (newest first).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/history", tag = "orgs",
    operation_id = "orgs_history", params(("id" = i64, Path, description = "Organisation id")),
    security(("session" = [])),
    responses((status = 200, description = "The changes, newest first", body = Vec<AuditEntry>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither an admin nor one of its users", body = ErrorBody),
        (status = 404, description = "No such organisation", body = ErrorBody)))]
pub async fn history(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<AuditEntry>>, AppError> {
    let (_, entries, _) = service::history(&state.db, &user.actor(), id).await?;
    Ok(Json(entries))
}
