//! Who is calling: the extractors every API handler uses to know the signed-in user. The
//! session layer puts [`SignedIn`] into the request; these read it.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::SignedIn;
use crate::kernel::access::Actor;
use crate::kernel::error::AppError;

/// Who is calling, if anyone signed in.
pub struct CurrentUser(pub Option<Actor>);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(CurrentUser(
            parts.extensions.get::<SignedIn>().map(|u| u.actor.clone()),
        ))
    }
}

/// The signed-in caller; 401 when nobody is.
pub struct RequireUser(pub SignedIn);

impl RequireUser {
    pub fn actor(&self) -> Actor {
        self.0.actor.clone()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequireUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        parts
            .extensions
            .get::<SignedIn>()
            .cloned()
            .map(RequireUser)
            .ok_or(AppError::Unauthenticated)
    }
}
