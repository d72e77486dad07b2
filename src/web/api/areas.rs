//! `/api/v1/areas` and `/api/v1/kejuruan`: reference data, public.

use crate::web::extract::Path;
use crate::web::extract::Query;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;

use crate::app::AppError;
use crate::domain::area::{AreaCode, AreaLevel};
use crate::domain::text::{search_key, strip_area_prefix};
use crate::storage::areas::{self, Area, VillageMatch, VillageQuery};
use crate::storage::kejuruan::{self, Kejuruan};
use crate::web::AppState;
use crate::web::error::ErrorBody;

/// The 38 provinces.
#[utoipa::path(get, path = "/api/v1/areas/provinces", tag = "areas",
    responses((status = 200, body = Vec<Area>)))]
pub async fn provinces(State(state): State<AppState>) -> Result<Json<Vec<Area>>, AppError> {
    Ok(Json(areas::provinces(&state.db).await?))
}

/// The areas directly inside an area (a province's regencies, a regency's districts, ...).
#[utoipa::path(get, path = "/api/v1/areas/{code}/children", tag = "areas",
    params(("code" = String, Path, description = "Area code, e.g. 36.01")),
    responses((status = 200, body = Vec<Area>), (status = 404, body = ErrorBody)))]
pub async fn children(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Vec<Area>>, AppError> {
    if areas::get(&state.db, &code).await?.is_none() {
        return Err(AppError::NotFound);
    }
    Ok(Json(areas::children(&state.db, &code).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct VillageParams {
    /// Village name as people write it: case, spaces, punctuation and a leading
    /// "Desa"/"Kelurahan" are ignored ("Desa Mekar Jaya" finds "Mekarjaya").
    pub q: String,
    /// Regency code to search within, e.g. `36.01`.
    pub regency: String,
    /// District code to search within, e.g. `36.01.06`.
    pub district: String,
    /// At most this many results (1–100, default 20).
    pub limit: Option<i64>,
}

/// Find villages by name within a regency or district (or nationally, with 3+ letters).
#[utoipa::path(get, path = "/api/v1/areas/villages", tag = "areas", params(VillageParams),
    responses((status = 200, body = Vec<VillageMatch>), (status = 422, body = ErrorBody)))]
pub async fn villages(
    State(state): State<AppState>,
    Query(p): Query<VillageParams>,
) -> Result<Json<Vec<VillageMatch>>, AppError> {
    let within = |code: &str, level: AreaLevel, field: &'static str| match code.trim() {
        "" => Ok(None),
        c => match AreaCode::parse(c) {
            Some(a) if a.level() == level => Ok(Some(a.to_string())),
            _ => Err(AppError::invalid(field, "unknown_area")),
        },
    };
    let regency = within(&p.regency, AreaLevel::Regency, "regency")?;
    let district = within(&p.district, AreaLevel::District, "district")?;
    let key_len = search_key(strip_area_prefix(&p.q)).chars().count();
    let needed = if regency.is_some() || district.is_some() {
        1
    } else {
        3
    };
    if key_len < needed {
        return Err(AppError::invalid("q", "too_short"));
    }
    let found = areas::find_villages(
        &state.db,
        &VillageQuery {
            q: p.q,
            regency,
            district,
            limit: p.limit.unwrap_or(20),
        },
    )
    .await?;
    Ok(Json(found))
}

/// The kejuruan catalogue.
#[utoipa::path(get, path = "/api/v1/kejuruan", tag = "areas",
    responses((status = 200, body = Vec<Kejuruan>)))]
pub async fn kejuruan(State(state): State<AppState>) -> Result<Json<Vec<Kejuruan>>, AppError> {
    Ok(Json(kejuruan::all(&state.db).await?))
}
