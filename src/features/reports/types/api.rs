//! `/api/v1/report-types`: report types and their indicators.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use super::model::{ReportType, ReportTypeInput};
use super::service;
use crate::kernel::error::AppError;
use crate::kernel::web::AppState;
use crate::kernel::web::auth::RequireUser;
use crate::kernel::web::error::ErrorBody;
use crate::kernel::web::extract::ApiJson;

/// Every report type with its indicators.
#[utoipa::path(get, path = "/api/v1/report-types", tag = "reports",
    operation_id = "report_types_list", security(("session" = [])),
    responses((status = 200, description = "The report types", body = Vec<ReportType>),
        (status = 401, body = ErrorBody)))]
pub async fn types(
    State(state): State<AppState>,
    _user: RequireUser,
) -> Result<Json<Vec<ReportType>>, AppError> {
    Ok(Json(service::types(&state.db).await?))
}

/// Define a report type (ministry admin). Its indicators are data: a new type or indicator
/// needs no new code.
#[utoipa::path(post, path = "/api/v1/report-types", tag = "reports",
    operation_id = "report_types_create", request_body = ReportTypeInput,
    security(("session" = [])),
    responses((status = 201, description = "Created", body = ReportType),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "Invalid fields (`indicators.<n>.<field>` for an \
            indicator)", body = ErrorBody)))]
pub async fn create_type(
    State(state): State<AppState>,
    user: RequireUser,
    ApiJson(input): ApiJson<ReportTypeInput>,
) -> Result<(StatusCode, Json<ReportType>), AppError> {
    let t = service::create_type(&state.db, &user.actor(), input).await?;
    Ok((StatusCode::CREATED, Json(t)))
}
