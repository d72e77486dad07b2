//! E-reporting: report types whose indicators are data, reports that fill themselves from
//! what the BLKK recorded, their workflow (draft, submitted, verified or returned,
//! reopened) with a conversation between the BLKK and its pembina, live completeness and
//! timeliness in every scope, and reminders.
//!
//! Each part is a sub-feature with its own files: `types` (report types and their
//! indicators), `workflow` (reports: open, save, submit, verify, return, reopen, history),
//! `compliance` (completeness and timeliness, the late list) and `reminders` (reminders,
//! notifications, the work queue). `period` is shared. This file assembles their routes and
//! record kinds.

pub mod compliance;
pub use crate::kernel::period;
pub mod reminders;
pub mod types;
pub mod workflow;

use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::kernel::records;
use crate::kernel::web::AppState;
use crate::kernel::web::extract::upload_limit;

/// The report work of each user (see [`reminders::service::work`]).
pub use reminders::service::work;

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
    use workflow::pages::report;
    Router::new()
        .route("/reports", get(workflow::pages::index))
        .route("/reports/open", post(workflow::pages::open))
        .route("/reports/compliance", get(compliance::pages::compliance))
        .route("/reports/types", get(types::pages::types))
        .route("/reports/export", get(workflow::pages::export))
        .route("/reports/{id}/summary.pdf", get(report::summary_pdf))
        .route("/reports/{id}", get(report::show).post(report::save))
        .route("/reports/{id}/history", get(report::history))
        .route("/reports/{id}/history/export", get(report::history_export))
        .route("/reports/{id}/verify", post(report::verify))
        .route("/reports/{id}/return", post(report::send_back))
        .route("/reports/{id}/reopen", post(report::reopen))
        .route("/reports/{id}/comments", post(report::comment))
        .route(
            "/reports/{id}/attachments",
            post(report::attach).layer(upload_limit()),
        )
        .route("/reports/{id}/attachments/{aid}", get(report::attachment))
        .route(
            "/reports/{id}/attachments/{aid}/delete",
            post(report::detach),
        )
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(types::api::types, types::api::create_type))
        .routes(routes!(workflow::api::list, workflow::api::open))
        .routes(routes!(workflow::api::show, workflow::api::save))
        .routes(routes!(workflow::api::submit))
        .routes(routes!(workflow::api::verify))
        .routes(routes!(workflow::api::send_back))
        .routes(routes!(workflow::api::reopen))
        .routes(routes!(compliance::api::compliance))
        .routes(routes!(compliance::api::grid))
}

/// Reports (with their files and conversation) and report types as records others refer
/// to.
pub fn kinds() -> Vec<records::Kind> {
    [workflow::service::kinds(), types::service::kinds()].concat()
}
