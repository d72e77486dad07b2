//! `GET /api/v1/notifications`: the caller's notifications; `GET`/`PUT
//! /api/v1/me/notification-preferences`: how each kind reaches them.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

use super::service::{self, Notification, Preferences, PreferencesInput};
use crate::kernel::error::AppError;
use crate::kernel::web::AppState;
use crate::kernel::web::auth::RequireUser;
use crate::kernel::web::error::ErrorBody;
use crate::kernel::web::extract::{ApiJson, Query};
use crate::kernel::web::paging::{Paged, page_in_range};
use crate::kernel::web::version::{IfMatch, Tagged, or_current};

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

/// How each kind of notification that concerns the caller reaches them: `app` (in the app
/// only), `email` (also by e-mail at once) or `digest` (also in one e-mail a day).
#[utoipa::path(get, path = "/api/v1/me/notification-preferences", tag = "notifications",
    operation_id = "notification_preferences_get", security(("session" = [])),
    responses((status = 200, description = "The caller's preferences (their version also as \
            `ETag`)", body = Preferences),
        (status = 401, body = ErrorBody)))]
pub async fn preferences(
    State(state): State<AppState>,
    user: RequireUser,
) -> Result<Tagged<Preferences>, AppError> {
    Ok(Tagged(
        service::preferences(&state.db, &user.actor()).await?,
    ))
}

/// Set the caller's own preferences, read at `version`: each kind named as given, the others
/// back to their default.
#[utoipa::path(put, path = "/api/v1/me/notification-preferences", tag = "notifications",
    operation_id = "notification_preferences_put", request_body = PreferencesInput,
    security(("session" = [])),
    responses((status = 200, description = "The preferences as they now are", body = Preferences),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 409, description = "Changed since `version`", body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, description = "A kind that does not exist or does not concern the \
            caller, or a delivery other than `app`, `email`, `digest` \
            (`preferences.<kind>`)", body = ErrorBody),
        (status = 428, description = "No `version` (or If-Match) given", body = ErrorBody),))]
pub async fn set_preferences(
    State(state): State<AppState>,
    user: RequireUser,
    if_match: IfMatch,
    ApiJson(mut input): ApiJson<PreferencesInput>,
) -> Result<Tagged<Preferences>, AppError> {
    let actor = user.actor();
    input.version = if_match.or(input.version)?;
    let saved = service::set_preferences(&state.db, &actor, &input).await;
    Ok(Tagged(
        or_current(saved, service::preferences(&state.db, &actor)).await?,
    ))
}
