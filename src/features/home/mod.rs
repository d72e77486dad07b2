//! The home page (`/`): live national figures and the way into the directory.

pub mod pages;
pub mod service;

use axum::Router;
use axum::routing::get;

use crate::kernel::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(pages::show))
}
