//! Income by source: a BLKK's income per month from training fees, contracts, sales,
//! rental, donations and government money, with evidence; the self-funding share (own
//! income over all income) per year, live for any scope.

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

/// A BLKK's own income; the self-funding figures for supervisors.
pub fn menu() -> Vec<crate::kernel::web::menu::Entry> {
    use crate::kernel::access::{Actor, Role};
    vec![
        crate::kernel::web::menu::Entry {
            order: 70,
            href: "/income",
            label: "nav.income",
            section: "/income",
            may_see: |a: Option<&Actor>| a.is_some_and(|a| a.role == Role::Pengelola),
        },
        crate::kernel::web::menu::Entry {
            order: 70,
            href: "/income/stats",
            label: "nav.self_funding",
            section: "/income",
            may_see: |a: Option<&Actor>| {
                a.is_some_and(|a| {
                    matches!(
                        a.role,
                        Role::Admin | Role::Pembina | Role::Disnaker | Role::Forum
                    )
                })
            },
        },
    ]
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/income", get(pages::year))
        .route("/income/edit", get(pages::edit_form).post(pages::save))
        .route("/income/stats", get(pages::stats))
        .route("/income/export", get(pages::export))
        .route(
            "/income/{id}/attachments",
            post(pages::attach).layer(upload_limit()),
        )
        .route("/income/{id}/attachments/{aid}", get(pages::attachment))
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::year, api::save))
        .routes(routes!(api::self_funding))
}
