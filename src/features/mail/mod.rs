//! E-mail: a queue in the database that features add to inside their own transactions, a
//! worker that sends it through SMTP with retries, and the outbox page.

pub mod model;
pub mod pages;
pub mod service;
pub mod smtp;
pub mod store;

use axum::Router;
use axum::routing::get;

use crate::kernel::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/outbox", get(pages::outbox))
}
