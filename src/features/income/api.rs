//! `/api/v1/income` and `/api/v1/stats/self-funding`: a BLKK's income by source and month,
//! its evidence, and the self-funding figures for any scope.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;

use super::model::{IncomeInput, IncomeMonth};
use super::service::{self, IncomeYear, SelfFunding};
use crate::kernel::error::AppError;
use crate::kernel::web::AppState;
use crate::kernel::web::auth::RequireUser;
use crate::kernel::web::error::ErrorBody;
use crate::kernel::web::extract::{ApiJson, Query};
use crate::kernel::web::version::{IfMatch, or_current};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct YearParams {
    /// The BLKK (default: the caller's own).
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[param(minimum = 1)]
    pub centre: Option<i64>,
    /// Default: this year.
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i64>,
}

/// The year asked for (2000 to 2100; default this year) and the BLKK (default the caller's).
pub fn year_and_centre(p: &YearParams, own: Option<i64>) -> Result<(i64, i32), AppError> {
    let year = match p.year {
        None => crate::kernel::time::today().year(),
        Some(y) if (2000..=2100).contains(&y) => y as i32,
        Some(_) => {
            return Err(AppError::invalid(
                "year",
                crate::kernel::validate::Problem::out_of_range(2000, 2100),
            ));
        }
    };
    let centre = p
        .centre
        .or(own)
        .ok_or(AppError::invalid("centre", "required"))?;
    Ok((centre, year))
}

/// A BLKK's income of a year by month and source, with the fees its own batches bring
/// beside each month (everyone whose scope holds the BLKK).
#[utoipa::path(get, path = "/api/v1/income", tag = "income", operation_id = "income_year",
    params(YearParams), security(("session" = [])),
    responses((status = 200, body = IncomeYear),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, description = "Outside the caller's scope", body = ErrorBody),
        (status = 404, description = "No such BLKK", body = ErrorBody),
        (status = 422, description = "No BLKK named, a year out of range", body = ErrorBody)))]
pub async fn year(
    State(state): State<AppState>,
    user: RequireUser,
    Query(p): Query<YearParams>,
) -> Result<Json<IncomeYear>, AppError> {
    let actor = user.actor();
    let own = match actor.role {
        crate::kernel::access::Role::Pengelola => actor.org_id,
        _ => None,
    };
    let (centre, year) = year_and_centre(&p, own)?;
    Ok(Json(service::year(&state.db, &actor, centre, year).await?))
}

/// Record a month's income by source (the BLKK's manager; admins name `centre_id`). A month
/// already recorded is changed only with the `version` read. Sources not given are 0.
#[utoipa::path(put, path = "/api/v1/income", tag = "income", operation_id = "income_save",
    request_body = IncomeInput, security(("session" = [])),
    responses((status = 200, body = IncomeMonth),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, description = "Not the BLKK's manager", body = ErrorBody),
        (status = 409, description = "Recorded or changed by someone else since `version`",
            body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, description = "A month in the future or malformed, an amount below 0 \
            or over Rp 100 billion (`amounts.<source>`), an unknown source", body = ErrorBody),
        (status = 428, description = "A month already recorded, without `version` (or If-Match)", body = ErrorBody),))]
pub async fn save(
    State(state): State<AppState>,
    user: RequireUser,
    if_match: IfMatch,
    ApiJson(mut input): ApiJson<IncomeInput>,
) -> Result<Json<IncomeMonth>, AppError> {
    let actor = user.actor();
    input.version = if_match.or(input.version)?;
    let saved = service::save(&state.db, &actor, &input).await;
    Ok(Json(
        or_current(saved, service::current_month(&state.db, &actor, &input)).await?,
    ))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct FundingParams {
    /// Default: this year.
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i64>,
    /// `nation` (default), `province:32`, `regency:32.04`, `uptp:12` or `forum:40`; always
    /// within the caller's own scope.
    pub scope: Option<String>,
}

/// The self-funding share (own income over all income) of a scope and year: overall, by
/// province with how the BLKK's shares spread, and the last ten years. Live: read from
/// yearly totals kept in the same transaction as each month recorded.
#[utoipa::path(get, path = "/api/v1/stats/self-funding", tag = "income",
    operation_id = "stats_self_funding", params(FundingParams), security(("session" = [])),
    responses((status = 200, body = SelfFunding),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, description = "No BLKK in the caller's scope", body = ErrorBody),
        (status = 422, description = "A year out of range, a malformed scope", body = ErrorBody)))]
pub async fn self_funding(
    State(state): State<AppState>,
    user: RequireUser,
    Query(p): Query<FundingParams>,
) -> Result<Json<SelfFunding>, AppError> {
    Ok(Json(
        service::self_funding(
            &state.db,
            &user.actor(),
            p.year,
            p.scope.as_deref().unwrap_or(""),
        )
        .await?,
    ))
}
