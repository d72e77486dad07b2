//! Static files, compiled into the binary so one file is the whole program.
//!
//! Pages link each file by a URL carrying a hash of its content ([`url`]:
//! `/static/app.3f2a1b9c0d.css`), served with `Cache-Control: public, max-age=31536000,
//! immutable`: a browser keeps it for a year and never asks again, and a new release's
//! files have new URLs. Any other name of a known file (its plain name, or the hash of an
//! older release that a cached page still links) is redirected to the current URL, so an
//! old page keeps its styles and scripts.

use std::sync::LazyLock;

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};

use super::AppState;
use crate::kernel::error::AppError;

/// `(name, content type, bytes)`.
const FILES: [(&str, &str, &[u8]); 5] = [
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../../../static/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../static/app.js"),
    ),
    (
        "htmx-2.0.11.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../static/vendor/htmx/htmx-2.0.11.min.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../../../static/favicon.svg"),
    ),
    (
        "htmx-LICENSE.txt",
        "text/plain; charset=utf-8",
        include_bytes!("../../../static/vendor/htmx/LICENSE"),
    ),
];

/// Hex digits of the content hash in a file's URL.
const HASH_LEN: usize = 10;

/// A hashed URL is never asked for again.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Each file's name and its current hashed file name (`app.3f2a1b9c0d.css`).
static HASHED: LazyLock<Vec<(&'static str, String)>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|(name, _, bytes)| {
            let digest = Sha256::digest(bytes);
            let hash: String = digest
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
                .chars()
                .take(HASH_LEN)
                .collect();
            let hashed = match name.rsplit_once('.') {
                Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
                None => format!("{name}.{hash}"),
            };
            (*name, hashed)
        })
        .collect()
});

/// The URL pages use for a static file: `/static/app.3f2a1b9c0d.css` for `app.css`.
pub fn url(name: &str) -> String {
    match HASHED.iter().find(|(n, _)| *n == name) {
        Some((_, hashed)) => format!("/static/{hashed}"),
        None => format!("/static/{name}"),
    }
}

/// The plain name a requested file name stands for: itself, or without a hash
/// (`app.0123456789.css` → `app.css`), when that is a known file.
fn known(file: &str) -> Option<&'static str> {
    let plain = |name: &str| FILES.iter().map(|f| f.0).find(|n| *n == name);
    if let Some(n) = plain(file) {
        return Some(n);
    }
    let (rest, ext) = file.rsplit_once('.')?;
    let (stem, hash) = rest.rsplit_once('.')?;
    let hex = hash.len() == HASH_LEN && hash.bytes().all(|b| b.is_ascii_hexdigit());
    hex.then(|| plain(&format!("{stem}.{ext}"))).flatten()
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/static/{file}", get(serve))
        // Browsers ask for this one without being told where it is.
        .route(
            "/favicon.ico",
            get(|| async { content("favicon.svg", "public, max-age=86400") }),
        )
}

async fn serve(Path(file): Path<String>) -> Result<Response, AppError> {
    let name = known(&file).ok_or(AppError::NotFound)?;
    let current = url(name);
    if current.strip_prefix("/static/") == Some(file.as_str()) {
        return content(name, IMMUTABLE);
    }
    // A plain name or another release's hash: the current file, at its own URL.
    Ok((
        StatusCode::FOUND,
        [
            (header::LOCATION, current.as_str()),
            (header::CACHE_CONTROL, "no-cache"),
        ],
    )
        .into_response())
}

fn content(name: &str, cache: &'static str) -> Result<Response, AppError> {
    let (_, content_type, bytes) = FILES
        .iter()
        .find(|(n, ..)| *n == name)
        .ok_or(AppError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, *content_type),
            (header::CACHE_CONTROL, cache),
        ],
        *bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_stand_for_their_file() {
        let css = url("app.css");
        let file = css.strip_prefix("/static/").unwrap();
        assert!(file.starts_with("app.") && file.ends_with(".css"), "{file}");
        assert_eq!(file.len(), "app..css".len() + HASH_LEN);
        assert_eq!(known(file), Some("app.css"));
        assert_eq!(known("app.css"), Some("app.css"));
        assert_eq!(known("app.0123456789.css"), Some("app.css"));
        assert_eq!(
            known("htmx-2.0.11.min.abcdef0123.js"),
            Some("htmx-2.0.11.min.js")
        );
        assert_eq!(known("app.xyz.css"), None);
        assert_eq!(known("other.0123456789.css"), None);
        assert_ne!(url("app.js"), url("app.css"));
    }
}
