//! Monitoring visits (monev): a pembina plans a visit to a BLKK it supervises, fills the
//! instrument on the spot (its questions are data), records findings with severity and
//! photos, and agrees follow-up actions that the BLKK answers with evidence and the pembina
//! closes; open and overdue actions show on both sides and for the ministry.

pub mod api;
pub mod figures;
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

/// Monitoring visits, for supervisors and the BLKK visited.
pub fn menu() -> Vec<crate::kernel::web::menu::Entry> {
    use crate::kernel::access::{Actor, Role};
    vec![crate::kernel::web::menu::Entry {
        order: 50,
        href: "/visits",
        label: "nav.visits",
        section: "/visits",
        may_see: |a: Option<&Actor>| {
            a.is_some_and(|a| {
                matches!(
                    a.role,
                    Role::Admin | Role::Pembina | Role::Disnaker | Role::Forum | Role::Pengelola
                )
            })
        },
    }]
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/visits", get(pages::list).post(pages::plan))
        .route("/visits/actions/export", get(pages::export_actions))
        .route("/visits/{id}", get(pages::show).post(pages::record))
        .route("/visits/{id}/findings", post(pages::add_finding))
        .route(
            "/visits/{id}/findings/{finding}/photos",
            post(pages::add_photo).layer(upload_limit()),
        )
        .route(
            "/visits/{id}/findings/{finding}/photos/{aid}",
            get(pages::photo),
        )
        .route("/visits/{id}/actions/{action}", post(pages::update_action))
        .route(
            "/visits/{id}/actions/{action}/evidence",
            post(pages::add_evidence).layer(upload_limit()),
        )
        .route(
            "/visits/{id}/actions/{action}/evidence/{aid}",
            get(pages::evidence),
        )
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::questions))
        .routes(routes!(api::list, api::plan))
        .routes(routes!(api::show, api::record))
        .routes(routes!(api::findings, api::add_finding))
        .routes(routes!(api::open_actions))
        .routes(routes!(api::action, api::update_action))
}
