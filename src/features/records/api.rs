//! `/api/v1/records/search`: the pickers' search.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;

use super::service;
use crate::features::accounts::api::RequireUser;
use crate::kernel::error::AppError;
use crate::kernel::records::Pickable;
use crate::kernel::web::AppState;
use crate::kernel::web::error::ErrorBody;
use crate::kernel::web::extract::Query;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The kind of record: `centre` (BLKK, by name or registration number), `org`
    /// (organisations other than BLKK, e.g. partners), `aid_program`, `report_type`.
    #[param(max_length = 40)]
    pub kind: String,
    /// Part of a name; empty offers the first ones.
    #[param(max_length = 100)]
    pub q: String,
    /// At most this many (1-50, default 20).
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[param(minimum = 1, maximum = 50)]
    pub limit: Option<i64>,
}

/// The records of a kind the caller may choose in a form, matching `q`.
#[utoipa::path(get, path = "/api/v1/records/search", tag = "records",
    operation_id = "records_search", params(SearchParams), security(("session" = [])),
    responses((status = 200, description = "What the caller may choose, best first",
            body = Vec<Pickable>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 422, description = "`kind` is not a kind a form chooses, or `limit` is \
            out of range", body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    user: RequireUser,
    Query(p): Query<SearchParams>,
) -> Result<Json<Vec<Pickable>>, AppError> {
    if p.limit.is_some_and(|l| !(1..=50).contains(&l)) {
        return Err(AppError::invalid("limit", "out_of_range"));
    }
    Ok(Json(
        service::search(&state.db, &user.actor(), &p.kind, &p.q, p.limit).await?,
    ))
}
