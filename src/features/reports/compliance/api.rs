//! `/api/v1/compliance`: live completeness and timeliness.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

use super::service::{self, Compliance, Grid, IndicatorSum};
use crate::kernel::error::AppError;
use crate::kernel::web::AppState;
use crate::kernel::web::auth::RequireUser;
use crate::kernel::web::error::ErrorBody;
use crate::kernel::web::extract::Query;
use crate::kernel::web::paging::page_in_range;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ComplianceParams {
    /// A report type id.
    #[serde(
        rename = "type",
        deserialize_with = "crate::kernel::validate::whole_number"
    )]
    #[param(rename = "type", minimum = 1)]
    pub type_id: Option<i64>,
    /// The period (default: the latest one already due).
    pub period: Option<String>,
    /// `nation` (default), `province:32`, `regency:32.04`, `uptp:12` or `forum:40`;
    /// always within the caller's own scope.
    pub scope: Option<String>,
    /// An indicator code: also sum it over the scope and period.
    pub indicator: Option<String>,
    /// Page of the late list.
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ComplianceAnswer {
    #[serde(flatten)]
    pub compliance: Compliance,
    /// With `indicator`: its total and mean over the sent reports.
    pub indicator: Option<IndicatorSum>,
}

/// Completeness (sent / expected) and timeliness (sent by the due date / expected) of a
/// report type for a period and scope, live: a league table of provinces and UPTP, the
/// last 12 periods, and the BLKK that have not sent it.
#[utoipa::path(get, path = "/api/v1/compliance", tag = "reports", operation_id = "compliance",
    params(ComplianceParams), security(("session" = [])),
    responses((status = 200, body = ComplianceAnswer), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, description = "An unknown type, period or scope", body = ErrorBody)))]
pub async fn compliance(
    State(state): State<AppState>,
    user: RequireUser,
    Query(q): Query<ComplianceParams>,
) -> Result<Json<ComplianceAnswer>, AppError> {
    let actor = user.actor();
    let page = page_in_range(q.page)?;
    let type_id = q
        .type_id
        .filter(|t| *t > 0)
        .ok_or_else(|| AppError::invalid("type", "required"))?;
    let scope = q.scope.unwrap_or_default();
    let compliance = service::compliance(
        &state.db,
        &actor,
        type_id,
        q.period.as_deref(),
        &scope,
        page,
    )
    .await?;
    let indicator = match q
        .indicator
        .as_deref()
        .map(str::trim)
        .filter(|i| !i.is_empty())
    {
        Some(code) => Some(
            service::indicator_sum(&state.db, &actor, type_id, code, &compliance.period, &scope)
                .await?,
        ),
        None => None,
    };
    Ok(Json(ComplianceAnswer {
        compliance,
        indicator,
    }))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct GridParams {
    /// A report type id.
    #[serde(
        rename = "type",
        deserialize_with = "crate::kernel::validate::whole_number"
    )]
    #[param(rename = "type", minimum = 1)]
    pub type_id: Option<i64>,
    /// The last period of the twelve (default: the latest one already due).
    pub period: Option<String>,
    /// `completeness` (default) or `timeliness`, worst first; or `name`.
    #[param(pattern = "^(completeness|timeliness|name)?$")]
    pub sort: Option<String>,
}

/// Completeness and timeliness of a report type by province over the last 12 periods,
/// from the kept figures: which provinces report late over a year. For the ministry.
#[utoipa::path(get, path = "/api/v1/compliance/grid", tag = "reports",
    operation_id = "compliance_grid", params(GridParams), security(("session" = [])),
    responses((status = 200, body = Grid), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, description = "An unknown type, period or sort", body = ErrorBody)))]
pub async fn grid(
    State(state): State<AppState>,
    user: RequireUser,
    Query(q): Query<GridParams>,
) -> Result<Json<Grid>, AppError> {
    let type_id = q
        .type_id
        .filter(|t| *t > 0)
        .ok_or_else(|| AppError::invalid("type", "required"))?;
    Ok(Json(
        service::grid(
            &state.db,
            &user.actor(),
            type_id,
            q.period.as_deref(),
            q.sort.as_deref().unwrap_or_default(),
        )
        .await?,
    ))
}
