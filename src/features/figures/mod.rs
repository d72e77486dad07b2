//! The figures layer's API: any kept figure for a period and a scope node the caller
//! oversees, and the catalogue of every figure (what it counts, its unit, who keeps it).
//! The figures themselves are kept by the features that own their records (each a
//! `figures.rs`), in the kernel's one table ([`crate::kernel::figures`]).

pub mod api;
pub mod service;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::kernel::web::AppState;

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::values))
        .routes(routes!(api::catalogue))
}
