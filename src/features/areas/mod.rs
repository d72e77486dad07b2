//! Administrative areas: the reference list of Indonesia's provinces, regencies, districts
//! and villages, looked up by code or name, and the picker forms use to choose a place.

pub mod api;
pub mod model;
pub mod pages;
pub mod service;
pub mod store;

use axum::Router;
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::kernel::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/areas/options", get(pages::options))
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::provinces))
        .routes(routes!(api::children))
        .routes(routes!(api::villages))
}
