//! Partnerships (kerja sama): a BLKK's agreements (MoU, PKS) with companies, UMKM,
//! universities, local government, associations or persons, or a forum's on behalf of its
//! members; the signed document; the partner's confirmation; what came of each from the
//! records; reminders before an agreement ends.

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
use crate::kernel::web::extract::upload_limit;

/// Partnerships, for BLKK, supervisors and partners.
pub fn menu() -> Vec<crate::kernel::web::menu::Entry> {
    use crate::kernel::access::{Actor, Role};
    vec![crate::kernel::web::menu::Entry {
        order: 40,
        href: "/partnerships",
        label: "nav.partnerships",
        section: "/partnerships",
        may_see: |a: Option<&Actor>| {
            a.is_some_and(|a| !matches!(a.role, Role::Peserta | Role::Instruktur))
        },
    }]
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/partnerships", get(pages::list).post(pages::create))
        .route("/partnerships/new", get(pages::new_form))
        .route("/partnerships/export", get(pages::export))
        .route("/partnerships/{id}", get(pages::show))
        .route(
            "/partnerships/{id}/edit",
            get(pages::edit_form).post(pages::update),
        )
        .route("/partnerships/{id}/confirm", post(pages::confirm))
        .route("/partnerships/{id}/history", get(pages::history))
        .route(
            "/partnerships/{id}/attachments",
            post(pages::attach).layer(upload_limit()),
        )
        .route(
            "/partnerships/{id}/attachments/{aid}",
            get(pages::attachment),
        )
        .route(
            "/partnerships/{id}/attachments/{aid}/delete",
            post(pages::detach),
        )
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::list, api::create))
        .routes(routes!(api::show, api::patch))
        .routes(routes!(api::confirm))
}
