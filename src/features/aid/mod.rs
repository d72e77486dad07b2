//! Aid programs (bantuan): the ministry's programs (PBK of a budget year, equipment,
//! incubator, TKM groups), the report types their recipients must send, each BLKK's
//! allocation, and what it realised from the records.

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

/// Aid programs, for supervisors and the BLKK that receive aid.
pub fn menu() -> Vec<crate::kernel::web::menu::Entry> {
    use crate::kernel::access::{Actor, Role};
    vec![crate::kernel::web::menu::Entry {
        order: 60,
        href: "/aid",
        label: "nav.aid",
        section: "/aid",
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
        .route("/aid", get(pages::list).post(pages::create))
        .route("/aid/{id}", get(pages::show))
        .route("/aid/{id}/export", get(pages::export))
        .route("/aid/{id}/allocations", post(pages::allocate))
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::programs, api::create))
        .routes(routes!(api::allocations, api::allocate))
}
