//! Request extractors whose failures are [`AppError`]s, so a malformed path, query, form or
//! JSON body gets the same JSON error or friendly page as every other error. Handlers use
//! these, never axum's own.

use axum::extract::{FromRequest, FromRequestParts};

use crate::app::AppError;

/// A path parameter; one that does not parse (`/centres/abc`) is a 404.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct Path<T>(pub T);

/// Query parameters (repeated keys allowed).
#[derive(FromRequestParts)]
#[from_request(via(axum_extra::extract::Query), rejection(AppError))]
pub struct Query<T>(pub T);

/// An URL-encoded form body (repeated keys allowed, for checkboxes).
#[derive(FromRequest)]
#[from_request(via(axum_extra::extract::Form), rejection(AppError))]
pub struct Form<T>(pub T);

/// A JSON body; malformed JSON or a wrong content type is a 400.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct ApiJson<T>(pub T);
