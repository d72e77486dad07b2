//! Records of every kind, as the kernel's registry knows them: the pickers' search (a form
//! chooses a record by name, never by number) for pages and the API.

pub mod api;
pub mod pages;
pub mod service;

use axum::Router;
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::kernel::web::AppState;
use crate::kernel::web::extract::with_upload_limit;

pub fn routes() -> Router<AppState> {
    Router::new().route("/records/options", get(pages::options))
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::search))
        .routes(with_upload_limit(routes!(api::attachments, api::attach)))
        .routes(routes!(api::attachment, api::detach))
        .routes(routes!(api::comments, api::comment))
}
