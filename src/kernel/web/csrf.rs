//! CSRF protection for pages (double-submit token).
//!
//! Every visitor gets a random token in an HttpOnly, SameSite=Strict cookie; every page
//! form carries it in a hidden `_csrf` field (htmx sends it as `X-CSRF-Token`). A state-
//! changing page request whose token does not match the cookie is refused. The JSON API
//! needs no token: it accepts only `application/json` bodies and sends no CORS headers, so a
//! cross-site page cannot call it with the user's cookie.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::RngCore;

use super::AppState;
use super::error::ErrorMark;
use crate::kernel::error::AppError;
use crate::kernel::validate::FieldErrors;

pub const COOKIE: &str = "simandiri_csrf";
pub const FIELD: &str = "_csrf";
pub const HEADER: &str = "x-csrf-token";

/// Largest form body read for the token check.
pub const MAX_FORM_BYTES: usize = 1024 * 1024;
/// Largest upload read for the token check: as large as any upload route takes.
const MAX_UPLOAD_FORM_BYTES: usize = super::extract::UPLOAD_BODY_BYTES;

/// The request's CSRF token, for embedding in forms (on the request for handlers, and on the
/// response for the error pages rendered around this layer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsrfToken(pub String);

fn cookie_token(req: &Request) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, v)| *k == COOKIE && v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(|(_, v)| v.to_owned())
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Constant-time comparison, so the check does not leak how much of a guess was right.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A urlencoded form body (what page forms send).
pub fn is_form(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

pub async fn protect(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let existing = cookie_token(&req);
    let token = existing.clone().unwrap_or_else(new_token);
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method && !req.uri().path().starts_with("/api/") {
        let header_token = req
            .headers()
            .get(HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let sent = match header_token {
            Some(t) => Some(t),
            None if is_form(&req) => {
                let (parts, body) = req.into_parts();
                let bytes = match to_bytes(body, MAX_FORM_BYTES).await {
                    Ok(b) => b,
                    Err(_) => return AppError::TooLarge.into_response(),
                };
                let found = form_urlencoded_token(&bytes);
                req = Request::from_parts(parts, Body::from(bytes));
                found
            }
            None => match multipart_boundary(&req) {
                Some(boundary) => {
                    // An upload: the token is its first field, read before the file is.
                    let (parts, body) = req.into_parts();
                    let bytes = match to_bytes(body, MAX_UPLOAD_FORM_BYTES).await {
                        Ok(b) => b,
                        Err(_) => return AppError::TooLarge.into_response(),
                    };
                    let found = multipart_token(bytes.clone(), &boundary).await;
                    req = Request::from_parts(parts, Body::from(bytes));
                    found
                }
                None => None,
            },
        };
        let ok = matches!((&existing, &sent), (Some(c), Some(s)) if same(c, s));
        if !ok {
            tracing::info!(path = %req.uri().path(), "refused a request without a valid CSRF token");
            let mut res = refused();
            res.extensions_mut().insert(CsrfToken(token.clone()));
            // The refusal's page offers the form again: with the token it carries.
            return with_cookie(res, &state, existing.is_none(), &token);
        }
    }
    req.extensions_mut().insert(CsrfToken(token.clone()));
    let is_api = req.uri().path().starts_with("/api/");
    let mut res = next.run(req).await;
    // For error pages rendered outside this layer.
    res.extensions_mut().insert(CsrfToken(token.clone()));
    // The API does not use the token; leave its responses cookie-free (and cacheable).
    with_cookie(res, &state, existing.is_none() && !is_api, &token)
}

/// `res` setting the token cookie when `new`.
fn with_cookie(mut res: Response, state: &AppState, new: bool, token: &str) -> Response {
    if new {
        let secure = if state.config.secure_cookies {
            "; Secure"
        } else {
            ""
        };
        let cookie = format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}");
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

/// The answer to a form without a valid token (usually a stale tab): a 403 page saying so.
fn refused() -> Response {
    let mut res = axum::http::StatusCode::FORBIDDEN.into_response();
    res.extensions_mut().insert(ErrorMark {
        code: "csrf_failed",
        fields: FieldErrors::new(),
        detail: None,
        current: None,
    });
    res
}

fn multipart_boundary(req: &Request) -> Option<String> {
    let ct = req.headers().get(header::CONTENT_TYPE)?.to_str().ok()?;
    multer::parse_boundary(ct).ok()
}

/// The `_csrf` field of a multipart body, if it comes before any file.
async fn multipart_token(body: axum::body::Bytes, boundary: &str) -> Option<String> {
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let mut parts = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = parts.next_field().await {
        if field.file_name().is_some() {
            return None;
        }
        if field.name() == Some(FIELD) {
            return field.text().await.ok();
        }
    }
    None
}

fn form_urlencoded_token(body: &[u8]) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_hex_and_compared_exactly() {
        let a = new_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, new_token());
        assert!(same(&a, &a.clone()));
        assert!(!same(&a, &new_token()));
        assert!(!same(&a, &a[..63]));
    }

    #[test]
    fn token_is_found_in_form_bodies() {
        assert_eq!(
            form_urlencoded_token(b"name=x&_csrf=abc&y=1").as_deref(),
            Some("abc")
        );
        assert_eq!(form_urlencoded_token(b"name=x"), None);
    }
}
