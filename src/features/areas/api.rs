//! `/api/v1/areas`: Indonesia's administrative areas, public.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;

use super::model::{Area, VillageMatch};
use super::service::{self, VillageSearch};
use crate::kernel::error::AppError;
use crate::kernel::web::AppState;
use crate::kernel::web::error::ErrorBody;
use crate::kernel::web::extract::{Path, Query};

/// The 38 provinces.
#[utoipa::path(get, path = "/api/v1/areas/provinces", tag = "areas", operation_id = "areas_provinces",
    responses((status = 200, description = "The provinces, by code", body = Vec<Area>)))]
pub async fn provinces(State(state): State<AppState>) -> Result<Json<Vec<Area>>, AppError> {
    Ok(Json(service::provinces(&state.db).await?))
}

/// The areas directly inside an area (a province's regencies, a regency's districts, ...).
#[utoipa::path(get, path = "/api/v1/areas/{code}/children", tag = "areas", operation_id = "areas_children",
    params(("code" = String, Path, description = "Area code, e.g. 36.01")),
    responses((status = 200, description = "The areas inside, by name", body = Vec<Area>),
        (status = 400, description = "A malformed code", body = ErrorBody),
        (status = 404, description = "No such area", body = ErrorBody)))]
pub async fn children(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Vec<Area>>, AppError> {
    Ok(Json(service::children(&state.db, &code).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct VillageParams {
    /// Village name as people write it: case, spaces, punctuation and a leading
    /// "Desa"/"Kelurahan" are ignored ("Desa Mekar Jaya" finds "Mekarjaya"). At least one
    /// letter or digit within a regency or district, three nationally.
    pub q: String,
    /// Regency code to search within, e.g. `36.01`.
    pub regency: String,
    /// District code to search within, e.g. `36.01.06`.
    pub district: String,
    /// At most this many results (default 20).
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// Find villages by name within a regency or district (or nationally, with 3+ letters).
#[utoipa::path(get, path = "/api/v1/areas/villages", tag = "areas", operation_id = "areas_villages",
    params(VillageParams),
    responses((status = 200, description = "Matching villages, exact names first", body = Vec<VillageMatch>),
        (status = 400, description = "A malformed parameter", body = ErrorBody),
        (status = 422, description = "Too short a name, or a code of the wrong level", body = ErrorBody)))]
pub async fn villages(
    State(state): State<AppState>,
    Query(p): Query<VillageParams>,
) -> Result<Json<Vec<VillageMatch>>, AppError> {
    let found = service::find_villages(
        &state.db,
        &VillageSearch {
            q: p.q,
            regency: p.regency,
            district: p.district,
            limit: p.limit,
        },
    )
    .await?;
    Ok(Json(found))
}
