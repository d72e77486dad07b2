//! The web layer: HTML pages under `/`, the JSON API under `/api/v1/`, plus `/healthz`,
//! `/metrics` and `/api/openapi.json`. Handlers stay thin: they parse, call a use case in
//! [`crate::app`], and render.

pub mod api;
mod assets;
pub mod auth;
pub mod csrf;
pub mod error;
pub mod extract;
pub mod i18n;
pub mod page;
pub mod pages;
mod security;
mod telemetry;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::middleware;
use tower_sessions::cookie::SameSite;
use tower_sessions::session_store::ExpiredDeletion;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::storage::Db;
use crate::storage::sessions::DbSessionStore;

/// Settings of the web server.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Send cookies only over HTTPS.
    pub secure_cookies: bool,
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<WebConfig>,
}

/// A signed-in session ends this long after sign-in. Sessions are saved only when they
/// change, so ordinary requests cost no database write.
pub const SESSION_LIFETIME: time::Duration = time::Duration::hours(8);

/// The whole application as one router.
pub fn router(db: Db, config: WebConfig) -> Router {
    telemetry::install();
    let state = AppState {
        db: db.clone(),
        config: Arc::new(config),
    };
    let sessions = SessionManagerLayer::new(DbSessionStore::new(db))
        .with_name("simandiri_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.secure_cookies)
        .with_expiry(Expiry::OnInactivity(SESSION_LIFETIME));
    let (api, openapi) = api::router().split_for_parts();
    let openapi = Arc::new(openapi);
    Router::new()
        .merge(pages::router())
        .merge(api)
        .route(
            "/api/openapi.json",
            axum::routing::get(move || {
                let doc = openapi.clone();
                async move { axum::Json(doc.as_ref().clone()) }
            }),
        )
        .route("/healthz", axum::routing::get(telemetry::healthz))
        .route("/metrics", axum::routing::get(telemetry::metrics))
        .merge(assets::router())
        .fallback(|| async { error::not_found() })
        .layer(middleware::from_fn_with_state(
            state.clone(),
            error::render_errors,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), csrf::protect))
        .layer(sessions)
        .layer(middleware::from_fn(security::headers))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(middleware::from_fn(telemetry::record))
        .with_state(state)
}

/// Serves until `shutdown` completes; expired sessions and sign-in failures are purged in
/// the background.
pub async fn serve(
    db: Db,
    config: WebConfig,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let purge_db = db.clone();
    let purge = tokio::spawn(async move {
        let store = DbSessionStore::new(purge_db.clone());
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(e) = store.delete_expired().await {
                tracing::warn!(error = %e, "purging expired sessions failed");
            }
            let before = crate::app::now() - crate::app::auth::WINDOW;
            if let Err(e) = crate::storage::throttle::purge(&purge_db, before).await {
                tracing::warn!(error = %e, "purging sign-in failures failed");
            }
        }
    });
    let app = router(db, config).into_make_service_with_connect_info::<SocketAddr>();
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    purge.abort();
    result
}
