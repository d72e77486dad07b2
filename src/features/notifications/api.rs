//! `GET /api/v1/notifications`: the caller's notifications.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

use super::service::{self, Notification};
use crate::features::accounts::api::RequireUser;
use crate::kernel::error::AppError;
use crate::kernel::web::AppState;
use crate::kernel::web::error::ErrorBody;
use crate::kernel::web::extract::Query;
use crate::kernel::web::paging::{Paged, page_in_range};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NotificationList {
    #[serde(flatten)]
    pub list: Paged<Notification>,
    pub unread: i64,
}

/// The caller's notifications, newest first, and how many are unread.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications",
    operation_id = "notifications_list", params(PageOnly),
    security(("session" = [])),
    responses((status = 200, body = NotificationList), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: RequireUser,
    Query(q): Query<PageOnly>,
) -> Result<Json<NotificationList>, AppError> {
    let page = page_in_range(q.page)?;
    let (list, unread) = service::list(&state.db, &user.actor(), page).await?;
    Ok(Json(NotificationList { list, unread }))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PageOnly {
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
}
