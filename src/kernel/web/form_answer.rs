//! What a form's POST answers, written once: after a save, a redirect (303) to the page that
//! shows the result; when the service refused the input, the form again with what was typed
//! and each error beside its field (422). Any other error is the caller's.

use std::future::Future;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::kernel::error::AppError;
use crate::kernel::validate::FieldErrors;

/// `to` names where a saved record's page is; `again` renders the form with the errors.
pub async fn saved_or_again<T, U, R, Fut>(
    result: Result<T, AppError>,
    to: impl FnOnce(T) -> U,
    again: impl FnOnce(FieldErrors) -> Fut,
) -> Result<Response, AppError>
where
    U: AsRef<str>,
    Fut: Future<Output = Result<R, AppError>>,
    R: IntoResponse,
{
    match result {
        Ok(saved) => Ok(Redirect::to(to(saved).as_ref()).into_response()),
        Err(AppError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, again(errors).await?).into_response())
        }
        Err(e) => Err(e),
    }
}
