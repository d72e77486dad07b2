//! E-reporting: report types whose indicators are data, reports that fill themselves from
//! what the BLKK recorded, their workflow (draft, submitted, verified or returned,
//! reopened) with a conversation between the BLKK and its pembina, live completeness and
//! timeliness in every scope, and reminders.

pub mod api;
pub mod model;
pub mod pages;
pub mod period;
pub mod service;
pub mod store;

use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::kernel::web::AppState;
use crate::kernel::web::extract::upload_limit;

/// Reports, for those who send or read them.
pub fn menu() -> Vec<crate::kernel::web::menu::Entry> {
    use crate::kernel::access::{Actor, Role};
    vec![crate::kernel::web::menu::Entry {
        order: 30,
        href: "/reports",
        label: "nav.reports",
        section: "/reports",
        may_see: |a: Option<&Actor>| {
            a.is_some_and(|a| !matches!(a.role, Role::Peserta | Role::Mitra | Role::Instruktur))
        },
    }]
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports", get(pages::index))
        .route("/reports/open", post(pages::open))
        .route("/reports/compliance", get(pages::compliance))
        .route("/reports/types", get(pages::types))
        .route("/reports/export", get(pages::export))
        .route("/reports/{id}/summary.pdf", get(pages::summary_pdf))
        .route("/reports/{id}", get(pages::show).post(pages::save))
        .route("/reports/{id}/history", get(pages::history))
        .route("/reports/{id}/history/export", get(pages::history_export))
        .route("/reports/{id}/verify", post(pages::verify))
        .route("/reports/{id}/return", post(pages::send_back))
        .route("/reports/{id}/reopen", post(pages::reopen))
        .route("/reports/{id}/comments", post(pages::comment))
        .route(
            "/reports/{id}/attachments",
            post(pages::attach).layer(upload_limit()),
        )
        .route("/reports/{id}/attachments/{aid}", get(pages::attachment))
        .route(
            "/reports/{id}/attachments/{aid}/delete",
            post(pages::detach),
        )
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::types, api::create_type))
        .routes(routes!(api::list, api::open))
        .routes(routes!(api::show, api::save))
        .routes(routes!(api::submit))
        .routes(routes!(api::verify))
        .routes(routes!(api::send_back))
        .routes(routes!(api::reopen))
        .routes(routes!(api::compliance))
}
