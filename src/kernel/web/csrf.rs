//! CSRF protection (double-submit token, and the browser's word on where a request comes
//! from).
//!
//! Every visitor gets a random token in an HttpOnly, SameSite=Strict cookie; every page
//! form carries it in a hidden `_csrf` field (htmx sends it as `X-CSRF-Token`). A state-
//! changing page request whose token does not match the cookie is refused.
//!
//! A state-changing API request is refused when a browser says it comes from another site
//! ([`cross_site`]: `Sec-Fetch-Site`, `Origin`), unless it carries the token in
//! `X-CSRF-Token`; whatever its content type, with or without a session cookie (so another
//! site can neither act with the user's session nor sign the browser in to an account of its
//! choosing). A client that sends neither header (curl, scripts) is not a browser sending a
//! cross-site request, and passes.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::uri::Authority;
use axum::http::{HeaderMap, Method, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::RngCore;

use super::error::ErrorMark;
use super::{AppState, WebConfig, cookie, set_cookie};
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
    cookie(req.headers(), COOKIE)
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_owned)
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

/// An origin as scheme, host and port (the default port when none is written).
type Site = (String, String, u16);

fn site(scheme: &str, authority: &Authority) -> Site {
    let scheme = scheme.to_ascii_lowercase();
    let port = authority
        .port_u16()
        .unwrap_or(if scheme == "https" { 443 } else { 80 });
    (scheme, authority.host().to_ascii_lowercase(), port)
}

/// The origin of an absolute address (`https://host[:port][/path]`).
fn site_of(url: &str) -> Option<Site> {
    let uri: Uri = url.trim().parse().ok()?;
    Some(site(uri.scheme_str()?, uri.authority()?))
}

/// Whether a browser says the request comes from another site: a `Sec-Fetch-Site` other
/// than `same-origin` (or `none`: the user's own doing), or an `Origin` that is not this
/// server's, which is the `Host` the request was sent to (over HTTPS under
/// `--secure-cookies`) or the configured public address. `Origin: null` is another site.
/// A client that sends neither header says nothing, and is not taken for another site.
pub fn cross_site(headers: &HeaderMap, config: &WebConfig) -> bool {
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if fetch_site.is_some_and(|s| s != "same-origin" && s != "none") {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let Some(origin) = origin.to_str().ok().and_then(site_of) else {
        // `null` (a sandboxed or privacy-sensitive context) or garbage.
        return true;
    };
    let scheme = if config.secure_cookies {
        "https"
    } else {
        "http"
    };
    let by_host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .and_then(|h| h.parse::<Authority>().ok())
        .map(|a| site(scheme, &a));
    let public = site_of(&config.public_url);
    by_host.as_ref() != Some(&origin) && public.as_ref() != Some(&origin)
}

/// The token sent in the `X-CSRF-Token` header.
fn header_token(req: &Request) -> Option<String> {
    req.headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The token a page request sent: in the header, else in its form or upload body (read and
/// put back). `Err` when the body is too large to read.
async fn page_token(req: Request) -> Result<(Request, Option<String>), Response> {
    if let Some(t) = header_token(&req) {
        return Ok((req, Some(t)));
    }
    if is_form(&req) {
        let (parts, body) = req.into_parts();
        let bytes = to_bytes(body, MAX_FORM_BYTES)
            .await
            .map_err(|_| AppError::TooLarge.into_response())?;
        let found = form_urlencoded_token(&bytes);
        return Ok((Request::from_parts(parts, Body::from(bytes)), found));
    }
    let Some(boundary) = multipart_boundary(&req) else {
        return Ok((req, None));
    };
    // An upload: the token is its first field, read before the file is.
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, MAX_UPLOAD_FORM_BYTES)
        .await
        .map_err(|_| AppError::TooLarge.into_response())?;
    let found = multipart_token(bytes.clone(), &boundary).await;
    Ok((Request::from_parts(parts, Body::from(bytes)), found))
}

pub async fn protect(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let existing = cookie_token(&req);
    let token = existing.clone().unwrap_or_else(new_token);
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let is_api = req.uri().path().starts_with("/api/");
    if unsafe_method {
        let matches =
            |sent: Option<String>| matches!((&existing, sent), (Some(c), Some(s)) if same(c, &s));
        let ok = if is_api {
            !cross_site(req.headers(), &state.config) || matches(header_token(&req))
        } else {
            let (read, sent) = match page_token(req).await {
                Ok(r) => r,
                Err(too_large) => return too_large,
            };
            req = read;
            matches(sent)
        };
        if !ok {
            tracing::info!(path = %req.uri().path(), "refused a request without a valid CSRF token");
            let mut res = refused();
            res.extensions_mut().insert(CsrfToken(token.clone()));
            // The refusal's page offers the form again: with the token it carries.
            return with_cookie(res, &state, existing.is_none() && !is_api, &token);
        }
    }
    req.extensions_mut().insert(CsrfToken(token.clone()));
    let mut res = next.run(req).await;
    // For error pages rendered outside this layer.
    res.extensions_mut().insert(CsrfToken(token.clone()));
    // The API does not hand out the token; leave its responses cookie-free (and cacheable).
    with_cookie(res, &state, existing.is_none() && !is_api, &token)
}

/// `res` setting the token cookie when `new`.
fn with_cookie(mut res: Response, state: &AppState, new: bool, token: &str) -> Response {
    if new {
        set_cookie(&mut res, &state.config, COOKIE, token, "SameSite=Strict");
    }
    res
}

/// The answer to a request without a valid token (usually a stale tab): a 403 saying so.
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

    #[test]
    fn browsers_say_when_a_request_comes_from_another_site() {
        let config = WebConfig {
            public_url: "https://simandiri.id/".to_owned(),
            ..Default::default()
        };
        let with = |pairs: &[(&'static str, &'static str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.insert(*k, v.parse().unwrap());
            }
            cross_site(&h, &config)
        };
        assert!(!with(&[]), "a client that does not say");
        assert!(!with(&[("host", "10.0.0.5:8080")]));
        assert!(with(&[("sec-fetch-site", "cross-site")]));
        assert!(with(&[("sec-fetch-site", "same-site")]));
        assert!(!with(&[("sec-fetch-site", "same-origin")]));
        assert!(with(&[("origin", "null")]));
        assert!(with(&[
            ("host", "simandiri.id"),
            ("origin", "https://evil.example")
        ]));
        // The public address, whatever the Host a proxy passes on.
        assert!(!with(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "https://simandiri.id")
        ]));
        assert!(!with(&[("origin", "https://SIMANDIRI.id:443")]));
        assert!(with(&[("origin", "http://simandiri.id")]), "another scheme");
        assert!(
            with(&[("origin", "https://simandiri.id:8443")]),
            "another port"
        );
        assert!(with(&[("origin", "https://simandiri.id.evil.example")]));
        // The Host the request was sent to, over HTTP here.
        assert!(!with(&[
            ("host", "10.0.0.5:8080"),
            ("origin", "http://10.0.0.5:8080")
        ]));
        assert!(with(&[
            ("host", "10.0.0.5:8080"),
            ("origin", "http://10.0.0.5:8081")
        ]));
        assert!(with(&[
            ("host", "10.0.0.5"),
            ("origin", "https://10.0.0.5")
        ]));
        // Either header saying another site is enough.
        assert!(with(&[
            ("host", "simandiri.id"),
            ("origin", "https://simandiri.id"),
            ("sec-fetch-site", "cross-site"),
        ]));
        assert!(with(&[
            ("sec-fetch-site", "same-origin"),
            ("origin", "https://evil.example"),
        ]));
    }
}
