//! Kejuruan: the national catalogue of vocational fields a BLKK teaches.

pub mod api;
pub mod model;
pub mod service;
pub mod store;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::kernel::web::AppState;

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(api::list))
}
