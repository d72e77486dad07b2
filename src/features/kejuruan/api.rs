//! `/api/v1/kejuruan`: the catalogue, public.

use axum::Json;
use axum::extract::State;

use super::model::Kejuruan;
use super::service;
use crate::kernel::error::AppError;
use crate::kernel::web::AppState;

/// The kejuruan catalogue.
#[utoipa::path(get, path = "/api/v1/kejuruan", tag = "areas", operation_id = "kejuruan_list",
    responses((status = 200, description = "The catalogue, in its order", body = Vec<Kejuruan>)))]
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<Kejuruan>>, AppError> {
    Ok(Json(service::catalogue(&state.db).await?))
}
