//! `/api/v1/aid-programs`: aid programs, their obligations, allocations and what each
//! allocation realised.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use super::model::{AllocationInput, AllocationRecord, ProgramInput, ProgramRecord};
use super::service;
use crate::kernel::error::AppError;
use crate::kernel::web::AppState;
use crate::kernel::web::auth::RequireUser;
use crate::kernel::web::error::ErrorBody;
use crate::kernel::web::extract::{ApiJson, Path, Query};
use crate::kernel::web::openapi::Doc;
use crate::kernel::web::paging::{Paged, page_in_range};

/// What the derived document cannot say: the budget years allowed this year.
pub fn document(doc: &mut Doc) {
    let next = crate::kernel::time::this_year() + 1;
    doc.set(
        "ProgramInput",
        "budget_year",
        "maximum",
        serde_json::json!(next),
    );
}

/// Aid programs, the latest budget year first (everyone with BLKK in their scope).
#[utoipa::path(get, path = "/api/v1/aid-programs", tag = "aid", operation_id = "aid_programs",
    security(("session" = [])),
    responses((status = 200, body = Vec<ProgramRecord>), (status = 401, body = ErrorBody),
        (status = 403, description = "No BLKK in the caller's scope", body = ErrorBody)))]
pub async fn programs(
    State(state): State<AppState>,
    user: RequireUser,
) -> Result<Json<Vec<ProgramRecord>>, AppError> {
    Ok(Json(service::programs(&state.db, &user.actor()).await?))
}

/// Define a program (the ministry): kind, budget year, an optional region, and the report
/// types its recipients must send.
#[utoipa::path(post, path = "/api/v1/aid-programs", tag = "aid",
    operation_id = "aid_programs_create", request_body = ProgramInput,
    security(("session" = [])),
    responses((status = 201, body = ProgramRecord), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, description = "Invalid fields (a name used that year, an unknown area \
            or report type)", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: RequireUser,
    ApiJson(input): ApiJson<ProgramInput>,
) -> Result<(StatusCode, Json<ProgramRecord>), AppError> {
    let p = service::create_program(&state.db, &user.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(p)))
}

/// A page of a program's allocations to BLKK in the caller's scope, each with what it
/// realised: batches, trainees and graduates against the target, reports sent, visits done.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct AllocationParams {
    /// Page number (from 1).
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
    /// Only allocations behind schedule: their trainees (or batches) lag the time elapsed
    /// of the budget year by 25 percentage points or more.
    pub behind: Option<bool>,
    /// `lag` (the most behind first) or `name` (the default).
    #[param(pattern = "^(name|lag)?$")]
    pub sort: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/aid-programs/{id}/allocations", tag = "aid",
    operation_id = "aid_allocations", params(("id" = i64, Path, description = "Program id"),
        AllocationParams),
    security(("session" = [])),
    responses((status = 200, body = Paged<AllocationRecord>), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn allocations(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
    Query(p): Query<AllocationParams>,
) -> Result<Json<Paged<AllocationRecord>>, AppError> {
    let page = page_in_range(p.page)?;
    let view = service::AllocationView {
        behind: p.behind.unwrap_or(false),
        by_lag: match p.sort.as_deref().map(str::trim) {
            None | Some("" | "name") => false,
            Some("lag") => true,
            Some(_) => return Err(AppError::invalid("sort", "invalid_choice")),
        },
    };
    let (_, list) = service::allocations(&state.db, &user.actor(), id, page, view).await?;
    Ok(Json(list))
}

/// Allocate a program to a BLKK (the ministry): an active BLKK inside the program's region,
/// once per program.
#[utoipa::path(post, path = "/api/v1/aid-programs/{id}/allocations", tag = "aid",
    operation_id = "aid_allocate", request_body = AllocationInput,
    params(("id" = i64, Path, description = "Program id")), security(("session" = [])),
    responses((status = 201, body = AllocationRecord), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "Invalid fields; a BLKK outside the program's region \
            (`centre_id`: `outside_region`) or allocated already", body = ErrorBody)))]
pub async fn allocate(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<AllocationInput>,
) -> Result<(StatusCode, Json<AllocationRecord>), AppError> {
    let a = service::allocate(&state.db, &user.actor(), id, &input).await?;
    Ok((StatusCode::CREATED, Json(a)))
}
