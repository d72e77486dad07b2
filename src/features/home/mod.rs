//! The home page (`/`): for visitors the live national figures; for each user the home of
//! their role, starting with their work queue (also `GET /api/v1/work`).

pub mod api;
pub mod pages;
pub mod service;

use axum::Router;
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::kernel::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(pages::show))
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(api::queue))
}
