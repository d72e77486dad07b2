//! `/api/v1/work`: the signed-in user's work queue.

use axum::Json;
use axum::extract::State;

use super::service;
use crate::kernel::error::AppError;
use crate::kernel::web::AppState;
use crate::kernel::web::auth::RequireUser;
use crate::kernel::web::error::ErrorBody;
use crate::kernel::web::i18n::Lang;
use crate::kernel::work::WorkItem;

/// What is the caller's to do now, counted live: overdue first, then by date. Each item
/// says why (in the language of `Accept-Language`), by when, and links to the page that
/// does the work. The home page shows the same items.
#[utoipa::path(get, path = "/api/v1/work", tag = "work", operation_id = "work_queue",
    security(("session" = [])),
    responses((status = 200, body = Vec<WorkItem>), (status = 401, body = ErrorBody)))]
pub async fn queue(
    State(state): State<AppState>,
    user: RequireUser,
    lang: Lang,
) -> Result<Json<Vec<WorkItem>>, AppError> {
    Ok(Json(service::work(&state.db, &user.actor(), lang).await?))
}
