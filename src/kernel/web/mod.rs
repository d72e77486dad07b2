//! Web plumbing every feature shares: the page context, errors as pages or JSON, CSRF,
//! languages, security headers, telemetry, paging, form and JSON extractors, sessions and
//! static assets. Features add routes; [`finish`] wraps them in the common layers.

pub mod assets;
pub mod auth;
pub mod csrf;
pub mod error;
pub mod export;
pub mod extract;
pub mod form_answer;
pub mod history;
pub mod i18n;
pub mod menu;
pub mod nav;
pub mod openapi;
pub mod page;
pub mod paging;
pub mod picker;
pub mod resubmit;
pub mod security;
pub mod session;
pub mod telemetry;
pub mod version;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware;
use axum::response::Response;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::kernel::access::Actor;
use crate::kernel::db::Db;
use session::DbSessionStore;

/// Settings of the web server.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Served over HTTPS: cookies are `Secure` and browsers are told to stay on HTTPS.
    pub secure_cookies: bool,
    /// The public base address (`https://simandiri.example`), for links in e-mails.
    pub public_url: String,
    /// The SMTP server mail is sent through (`smtp://host:port`, `smtps://…`); when unset,
    /// mail waits in the outbox page for admins to read.
    pub smtp_url: Option<String>,
    /// The sender of every e-mail (`Simandiri <noreply@simandiri.example>`).
    pub mail_from: String,
    /// Where attachments are kept (a local folder, or S3); in memory by default (tests).
    pub files: crate::kernel::files::Files,
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<WebConfig>,
}

/// The signed-in user as pages show them; put on each request by the accounts feature.
#[derive(Debug, Clone, PartialEq)]
pub struct SignedIn {
    pub actor: Actor,
    pub name: String,
    pub email: String,
    pub org_name: Option<String>,
    /// Unread notifications, shown in the header.
    pub unread: i64,
}

/// A signed-in session ends this long after sign-in. Sessions are saved only when they
/// change, so ordinary requests cost no database write.
pub const SESSION_LIFETIME: time::Duration = time::Duration::hours(8);

/// The value of the cookie `name` a request sent (the first, when sent twice).
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Sets the cookie `name=value` for the whole site, HttpOnly, with `attrs` (`SameSite=…`,
/// `Max-Age=…`), and `Secure` when served over HTTPS.
pub fn set_cookie(res: &mut Response, config: &WebConfig, name: &str, value: &str, attrs: &str) {
    let secure = if config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!("{name}={value}; Path=/; HttpOnly; {attrs}{secure}");
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// Wraps the features' routes in the common layers. `identify` adds the layer that puts the
/// signed-in user ([`SignedIn`]) on each request; it runs inside the session layer and
/// outside error rendering and CSRF, so both see the user.
pub fn finish(
    routes: Router<AppState>,
    state: AppState,
    identify: impl FnOnce(Router<AppState>) -> Router<AppState>,
) -> Router {
    telemetry::install();
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name("simandiri_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.secure_cookies)
        .with_expiry(Expiry::OnInactivity(SESSION_LIFETIME));
    let routes = routes
        .merge(assets::router())
        .route("/healthz", axum::routing::get(telemetry::healthz))
        .route("/lang", axum::routing::post(i18n::switch))
        .fallback(|| async { crate::kernel::error::AppError::NotFound })
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            error::panicked,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), csrf::protect))
        .layer(middleware::from_fn(extract::refuse_nul))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            error::render_errors,
        ));
    // From the inside out: CSRF check, NUL check, error rendering, then (outside) who is
    // signed in.
    identify(routes)
        .layer(sessions)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(middleware::from_fn(telemetry::record))
        .with_state(state)
}
