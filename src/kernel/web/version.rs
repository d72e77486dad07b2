//! Optimistic concurrency on the API: every update of an existing record names the version
//! it was based on, in its body (`version`) or as `If-Match` with the `ETag` its read
//! returned. Without one the service answers 428 ([`AppError::VersionRequired`]); with a
//! stale one 409, and [`or_current`] puts the record as it is now in the answer.

use std::future::Future;

use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::kernel::error::AppError;

/// The version named by an `If-Match` header (`"7"` or `W/"7"`), if any.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IfMatch(pub Option<i64>);

impl IfMatch {
    /// The version the update is based on: the body's, else the header's. Both, naming
    /// different versions, cannot both be current: the update is refused as stale.
    pub fn or(self, body: Option<i64>) -> Result<Option<i64>, AppError> {
        match (body, self.0) {
            (Some(b), Some(h)) if b != h => Ok(Some(NEVER_CURRENT)),
            (Some(b), _) => Ok(Some(b)),
            (None, h) => Ok(h),
        }
    }
}

/// A version no record ever has (versions start at 1).
const NEVER_CURRENT: i64 = 0;

/// Reads `"7"`, `W/"7"` or `7`; anything else is not a version of ours.
fn parse(value: &str) -> Option<i64> {
    let v = value.trim();
    let v = v.strip_prefix("W/").unwrap_or(v);
    let v = v
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(v);
    v.parse().ok().filter(|n: &i64| *n >= 1)
}

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        match parts.headers.get(header::IF_MATCH) {
            // An empty header says nothing.
            None => Ok(IfMatch(None)),
            Some(v) if v.as_bytes().iter().all(u8::is_ascii_whitespace) => Ok(IfMatch(None)),
            Some(v) => v
                .to_str()
                .ok()
                .and_then(parse)
                .map(|n| IfMatch(Some(n)))
                .ok_or_else(|| {
                    AppError::BadRequest("If-Match must be an ETag this API returned".into())
                }),
        }
    }
}

/// The body of a step on a record that needs nothing but the version it was based on.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct VersionBody {
    /// The record's `version` as read (or send it as `If-Match`).
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[schema(minimum = 1)]
    pub version: Option<i64>,
}

/// A record that carries its version.
pub trait Versioned {
    fn version(&self) -> i64;
}

/// A record as JSON with its version as the `ETag`.
pub struct Tagged<T>(pub T);

impl<T: Serialize + Versioned> IntoResponse for Tagged<T> {
    fn into_response(self) -> Response {
        let etag = format!("\"{}\"", self.0.version());
        let mut res = Json(self.0).into_response();
        if let Ok(v) = HeaderValue::from_str(&etag) {
            res.headers_mut().insert(header::ETAG, v);
        }
        res
    }
}

/// An update's result; when it was refused as stale, the refusal carries the record as it
/// is now (read by `current`, only then).
pub async fn or_current<T, C: Serialize>(
    result: Result<T, AppError>,
    current: impl Future<Output = Result<C, AppError>>,
) -> Result<T, AppError> {
    match result {
        Err(AppError::Stale) => match current.await {
            Ok(c) => Err(AppError::Conflict(Box::new(
                serde_json::to_value(c).map_err(AppError::internal)?,
            ))),
            Err(e) => Err(e),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_are_read_strong_or_weak() {
        assert_eq!(parse("\"7\""), Some(7));
        assert_eq!(parse("W/\"12\""), Some(12));
        assert_eq!(parse("3"), Some(3));
        assert_eq!(parse("*"), None);
        assert_eq!(parse("\"0\""), None);
        assert_eq!(parse("\"abc\""), None);
    }

    #[test]
    fn the_body_and_the_header_must_agree() {
        // Disagreeing, neither is taken: the update is stale.
        assert_eq!(IfMatch(Some(2)).or(None).unwrap(), Some(2));
        assert_eq!(IfMatch(None).or(Some(3)).unwrap(), Some(3));
        assert_eq!(IfMatch(Some(3)).or(Some(3)).unwrap(), Some(3));
        assert_eq!(IfMatch(Some(2)).or(Some(3)).unwrap(), Some(NEVER_CURRENT));
        assert_eq!(IfMatch(None).or(None).unwrap(), None);
    }
}
