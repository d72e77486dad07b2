//! BLK Komunitas (BLKK): the national registry of community training centres. The public
//! directory and profiles, the profile a BLKK's manager keeps, the ministry's assignment of
//! each BLKK to its pembina and forums, and its history.

pub mod api;
pub mod figures;
pub mod model;
pub mod pages;
pub mod service;
pub mod store;

use axum::Router;
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::kernel::web::AppState;

/// The directory, for everyone.
pub fn menu() -> Vec<crate::kernel::web::menu::Entry> {
    vec![crate::kernel::web::menu::Entry {
        order: 10,
        href: "/centres",
        label: "nav.directory",
        section: "/centres",
        may_see: crate::kernel::web::menu::everyone,
    }]
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/centres", get(pages::directory).post(pages::create))
        .route("/centres/new", get(pages::new_form))
        .route("/centres/export", get(pages::export))
        .route("/centres/{id}", get(pages::show))
        .route(
            "/centres/{id}/edit",
            get(pages::edit_form).post(pages::update),
        )
        .route("/centres/{id}/history", get(pages::history))
        .route("/centres/{id}/history/export", get(pages::history_export))
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::list, api::create))
        .routes(routes!(api::show, api::patch))
        .routes(routes!(api::history))
}
