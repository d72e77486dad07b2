//! Organisations: the ministry's units, the UPTP that supervise BLKK (pembina), regional
//! labour offices (Disnaker), forums and partners (mitra). Admins manage them; each
//! organisation's own users see theirs.

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

/// Organisations, for ministry administrators.
pub fn menu() -> Vec<crate::kernel::web::menu::Entry> {
    vec![crate::kernel::web::menu::Entry {
        order: 90,
        href: "/orgs",
        label: "nav.orgs",
        section: "/orgs",
        may_see: crate::kernel::web::menu::admins,
    }]
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs", get(pages::list).post(pages::create))
        .route("/orgs/new", get(pages::new_form))
        .route("/orgs/export", get(pages::export))
        .route("/orgs/{id}", get(pages::show))
        .route("/orgs/{id}/edit", get(pages::edit_form).post(pages::update))
        .route("/orgs/{id}/history", get(pages::history))
        .route("/orgs/{id}/merge", post(pages::merge))
        .route("/orgs/{id}/history/export", get(pages::history_export))
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::list, api::create))
        .routes(routes!(api::show, api::patch))
        .routes(routes!(api::history))
}
