//! The one error type callers of use cases see. The web layer turns it into a page or JSON.

use crate::domain::validation::FieldErrors;
use crate::storage::StoreError;

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
    #[error("wrong e-mail or password")]
    BadCredentials,
    #[error("too many attempts")]
    TooManyAttempts,
    /// A request the client should not have sent (bad JSON, bad query); the text is for
    /// developers and holds no user data.
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    /// The stable machine-readable code used in API errors and translation keys.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Invalid(_) => "validation_failed",
            AppError::Stale => "conflict",
            AppError::BadCredentials => "invalid_credentials",
            AppError::TooManyAttempts => "too_many_attempts",
            AppError::BadRequest(_) => "bad_request",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn invalid(field: &'static str, code: &'static str) -> Self {
        AppError::Invalid(FieldErrors::single(field, code))
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Stale => AppError::Stale,
            other => {
                tracing::error!(error = %other, "storage error");
                AppError::Internal(other.to_string())
            }
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(e: FieldErrors) -> Self {
        AppError::Invalid(e)
    }
}
