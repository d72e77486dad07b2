//! Notifications: what each user is told (a report due, returned, commented, verified...),
//! with an unread count in the page header, read at `/notifications` and
//! `GET /api/v1/notifications`. Features add them in their own transactions.

pub mod api;
pub mod pages;
pub mod service;
pub mod store;

use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::kernel::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/notifications", get(pages::list))
        .route("/notifications/read", post(pages::mark_read))
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(api::list))
}
