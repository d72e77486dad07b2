//! Income by source: a BLKK's income per month from training fees, contracts, sales,
//! rental, donations and government money, with evidence; the self-funding share (own
//! income over all income) per year, live for any scope.

pub mod api;
pub mod model;
pub mod pages;
pub mod service;
pub mod store;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};
use utoipa_axum::routes;

use crate::kernel::web::AppState;

/// Uploads up to the read limit, with room for the form around them.
const BODY_LIMIT: usize = crate::kernel::files::UPLOAD_READ + 64 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/income", get(pages::year))
        .route("/income/edit", get(pages::edit_form).post(pages::save))
        .route("/income/stats", get(pages::stats))
        .route("/income/export", get(pages::export))
}

/// The upload's body limit on its route alone.
fn uploads(r: UtoipaMethodRouter<AppState>) -> UtoipaMethodRouter<AppState> {
    let (schemas, paths, method) = r;
    (
        schemas,
        paths,
        method.layer(DefaultBodyLimit::max(BODY_LIMIT)),
    )
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::year, api::save))
        .routes(uploads(routes!(api::evidence, api::attach)))
        .routes(routes!(api::attachment))
        .routes(routes!(api::self_funding))
}
