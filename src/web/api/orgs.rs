//! `/api/v1/orgs`: organisations (admins manage them; members read their own).

use crate::web::extract::Path;
use crate::web::extract::Query;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::{ApiJson, Paged};
use crate::app::{self, AppError};
use crate::domain::org::{OrgInput, OrgKind};
use crate::storage::audit::AuditEntry;
use crate::storage::orgs::{Org, OrgFilter};
use crate::web::AppState;
use crate::web::auth::RequireUser;
use crate::web::error::ErrorBody;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct OrgQuery {
    /// kementerian, uptp, disnaker, forum or mitra.
    pub kind: String,
    /// Part of the name.
    pub q: String,
    /// Page number, from 1.
    pub page: Option<i64>,
}

/// List organisations (admins).
#[utoipa::path(get, path = "/api/v1/orgs", tag = "orgs", params(OrgQuery),
    responses((status = 200, body = Paged<Org>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: RequireUser,
    Query(q): Query<OrgQuery>,
) -> Result<Json<Paged<Org>>, AppError> {
    let kind = match q.kind.as_str() {
        "" => None,
        k => Some(OrgKind::parse(k).ok_or_else(|| AppError::invalid("kind", "invalid_choice"))?),
    };
    let filter = OrgFilter {
        kind,
        q: q.q,
        for_areas: None,
    };
    let page = q.page.unwrap_or(1).max(1);
    let (items, total) = app::orgs::list(&state.db, &user.actor(), &filter, page).await?;
    Ok(Json(Paged {
        items,
        total,
        page,
        pages: (total + app::orgs::PAGE_SIZE - 1) / app::orgs::PAGE_SIZE,
    }))
}

/// Create an organisation (admins). BLKK are created with POST /api/v1/centres.
#[utoipa::path(post, path = "/api/v1/orgs", tag = "orgs", request_body = OrgInput,
    responses((status = 201, body = Org), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: RequireUser,
    ApiJson(input): ApiJson<OrgInput>,
) -> Result<(StatusCode, Json<Org>), AppError> {
    let actor = user.actor();
    let id = app::orgs::create(&state.db, &actor, &input).await?;
    let (org, _) = app::orgs::view(&state.db, &actor, id).await?;
    Ok((StatusCode::CREATED, Json(org)))
}

/// One organisation: admins, and the organisation's own users.
#[utoipa::path(get, path = "/api/v1/orgs/{id}", tag = "orgs",
    params(("id" = i64, Path, description = "Organisation id")),
    responses((status = 200, body = Org), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
) -> Result<Json<Org>, AppError> {
    let (org, _) = app::orgs::view(&state.db, &user.actor(), id).await?;
    Ok(Json(org))
}

/// Fields to change; absent ones keep their value.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OrgPatch {
    pub subtype: Option<String>,
    pub name: Option<String>,
    /// Province or regency code; empty string clears it.
    pub area_code: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub version: Option<i64>,
}

/// Edit an organisation (admins). Its kind never changes.
#[utoipa::path(patch, path = "/api/v1/orgs/{id}", tag = "orgs", request_body = OrgPatch,
    params(("id" = i64, Path, description = "Organisation id")),
    responses(
        (status = 200, body = Org),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
pub async fn patch(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
    ApiJson(p): ApiJson<OrgPatch>,
) -> Result<Json<Org>, AppError> {
    let actor = user.actor();
    let (org, _) = app::orgs::view(&state.db, &actor, id).await?;
    let pick = |new: Option<String>, old: &str| new.unwrap_or_else(|| old.to_owned());
    let input = OrgInput {
        kind: org.kind.clone(),
        subtype: pick(p.subtype, &org.subtype),
        name: pick(p.name, &org.name),
        area_code: pick(p.area_code, org.area_code.as_deref().unwrap_or_default()),
        address: pick(p.address, &org.address),
        phone: pick(p.phone, &org.phone),
        email: pick(p.email, &org.email),
    };
    app::orgs::update(
        &state.db,
        &actor,
        id,
        &input,
        p.version.unwrap_or(org.version),
    )
    .await?;
    let (org, _) = app::orgs::view(&state.db, &actor, id).await?;
    Ok(Json(org))
}

/// The change history of an organisation.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/history", tag = "orgs",
    params(("id" = i64, Path, description = "Organisation id")),
    responses((status = 200, body = Vec<AuditEntry>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn history(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<AuditEntry>>, AppError> {
    let (_, entries) = app::orgs::history(&state.db, &user.actor(), id).await?;
    Ok(Json(entries))
}
