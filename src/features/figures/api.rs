//! `/api/v1/figures`: kept figures, and their catalogue.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;

use super::service::{self, Figures};
use crate::kernel::error::AppError;
use crate::kernel::figures::{self, Figure};
use crate::kernel::web::AppState;
use crate::kernel::web::auth::RequireUser;
use crate::kernel::web::error::ErrorBody;
use crate::kernel::web::extract::Query;
use crate::kernel::web::i18n::Lang;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct FiguresParams {
    /// Figure codes, comma-separated (see the catalogue), e.g.
    /// `centres.active,reports.sent/1`.
    pub codes: Option<String>,
    /// `2026`, `2026-S1`, `2026-Q2` or `2026-10` (default: this year). A figure kept per
    /// month is summed over the months of a longer period. Stock figures are as of now.
    pub period: Option<String>,
    /// `nation`, `province:32`, `regency:32.04`, `uptp:12` or `forum:40` (default: the
    /// caller's own scope); always within it.
    pub scope: Option<String>,
}

/// Kept figures for a period at a scope node, live: every write committed before the
/// answer (`as_of`) is counted.
#[utoipa::path(get, path = "/api/v1/figures", tag = "figures", operation_id = "figures",
    params(FiguresParams), security(("session" = [])),
    responses((status = 200, body = Figures), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "A scope outside the caller's own", body = ErrorBody),
        (status = 422, description = "An unknown figure, period or scope", body = ErrorBody)))]
pub async fn values(
    State(state): State<AppState>,
    user: RequireUser,
    lang: Lang,
    Query(q): Query<FiguresParams>,
) -> Result<Json<Figures>, AppError> {
    Ok(Json(
        service::values(
            &state.db,
            &user.actor(),
            q.codes.as_deref().unwrap_or_default(),
            q.period.as_deref().unwrap_or_default(),
            q.scope.as_deref().unwrap_or_default(),
            lang == Lang::En,
        )
        .await?,
    ))
}

/// Every figure: its code (and the parameter it takes), labels, unit, definition and the
/// feature that keeps it.
#[utoipa::path(get, path = "/api/v1/figures/catalogue", tag = "figures",
    operation_id = "figures_catalogue",
    responses((status = 200, body = Vec<Figure>)))]
pub async fn catalogue() -> Json<Vec<Figure>> {
    Json(figures::catalogue().into_iter().copied().collect())
}
