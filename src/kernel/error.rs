//! The service layer's one error type. Every use case returns it; the web layer turns it
//! into a page or a JSON error ([`crate::kernel::web::error`]).

use crate::kernel::db::StoreError;
use crate::kernel::validate::FieldErrors;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("sign-in required")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invalid input")]
    Invalid(FieldErrors),
    #[error("the record was changed by someone else")]
    Stale,
    /// Stale, with the record as it is now (the API sends it back with the 409).
    #[error("the record was changed by someone else")]
    Conflict(Box<serde_json::Value>),
    /// An update of an existing record that does not say which version it was based on.
    #[error("the version the change is based on is required")]
    VersionRequired,
    #[error("wrong e-mail or password")]
    BadCredentials,
    #[error("too many attempts")]
    TooManyAttempts,
    /// A request the client should not have sent (bad JSON, bad query); the text is for
    /// the client and may quote its input, so it is never logged.
    #[error("bad request")]
    BadRequest(String),
    #[error("request body too large")]
    TooLarge,
    #[error("the body must be application/json")]
    UnsupportedMediaType,
    /// The server is at capacity for this kind of work (e.g. password hashing); try again.
    #[error("server busy")]
    Busy,
    /// Anything else: the cause, with its whole chain, goes to the log (never to the client).
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl AppError {
    /// The stable machine-readable code used in API errors and translation keys.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Invalid(_) => "validation_failed",
            AppError::Stale | AppError::Conflict(_) => "conflict",
            AppError::VersionRequired => "version_required",
            AppError::BadCredentials => "invalid_credentials",
            AppError::TooManyAttempts => "too_many_attempts",
            AppError::BadRequest(_) => "bad_request",
            AppError::TooLarge => "too_large",
            AppError::UnsupportedMediaType => "unsupported_media_type",
            AppError::Busy => "busy",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn invalid(
        field: &'static str,
        problem: impl Into<crate::kernel::validate::Problem>,
    ) -> Self {
        AppError::Invalid(FieldErrors::single(field, problem))
    }

    /// The version an update is based on: every update of an existing record names it (in
    /// the body or as `If-Match`), else [`AppError::VersionRequired`].
    pub fn based_on(version: Option<i64>) -> Result<i64, AppError> {
        version.ok_or(AppError::VersionRequired)
    }

    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        AppError::Internal(e.into())
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Stale => AppError::Stale,
            // A unique constraint is the last word on duplicates, also when two requests
            // race past any earlier check: the field it guards is the one to fix.
            StoreError::Duplicate { column } if !column.is_empty() => {
                AppError::Invalid(FieldErrors::single(column, "duplicate"))
            }
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(e: FieldErrors) -> Self {
        AppError::Invalid(e)
    }
}
