//! Bulk onboarding: an admin uploads an XLSX or CSV of BLKK with their managers, checks the
//! preview, and imports it; the template is downloadable.

pub mod api;
pub mod model;
pub mod pages;
pub mod service;
pub mod sheet;
pub mod store;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::kernel::web::AppState;

/// Uploads up to the file limit, with room for the form around it.
const BODY_LIMIT: usize = sheet::MAX_FILE_BYTES + 64 * 1024;

/// Bulk imports, for ministry administrators.
pub fn menu() -> Vec<crate::kernel::web::menu::Entry> {
    vec![crate::kernel::web::menu::Entry {
        order: 110,
        href: "/imports/centres",
        label: "nav.imports",
        section: "/imports",
        may_see: crate::kernel::web::menu::admins,
    }]
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/imports/centres",
            get(pages::upload_form)
                .post(pages::upload)
                .layer(DefaultBodyLimit::max(BODY_LIMIT)),
        )
        .route("/imports/centres/template.xlsx", get(pages::template_xlsx))
        .route("/imports/centres/template.csv", get(pages::template_csv))
        .route("/imports/{id}", get(pages::show))
        .route("/imports/{id}/start", post(pages::start))
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::import_centres))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .routes(routes!(api::import_show))
}
