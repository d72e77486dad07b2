//! Notifications: what each user is told (a report due, returned, commented, verified; an
//! application, an agreement to confirm, an action answered or due, an invitation accepted
//! ...), with an unread count in the page header, read at `/notifications` and
//! `GET /api/v1/notifications`. Features add them in their own transactions; kinds are data
//! (`notification_kinds`), and each user chooses per kind: in the app only, an e-mail at
//! once, or a daily digest (`/me`, `/api/v1/me/notification-preferences`).

pub mod api;
pub mod model;
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
        .route(
            "/me/notification-preferences",
            get(pages::preferences).post(pages::save_preferences),
        )
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::list))
        .routes(routes!(api::preferences, api::set_preferences))
}
