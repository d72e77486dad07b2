//! `/api/v1/session`: sign in, see who is signed in, sign out; and the extractors other
//! features' API handlers use to know who is calling.

use std::convert::Infallible;

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::service;
use crate::kernel::access::{Actor, Role};
use crate::kernel::error::AppError;
use crate::kernel::web::error::ErrorBody;
use crate::kernel::web::extract::ApiJson;
use crate::kernel::web::security::no_store;
use crate::kernel::web::session::{ClientIp, end, start};
use crate::kernel::web::{AppState, SignedIn};

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

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    #[schema(max_length = 254)]
    pub email: String,
    #[schema(max_length = 1024)]
    pub password: String,
}

/// The signed-in user as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub org_id: Option<i64>,
    pub org_name: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionOut {
    pub user: Me,
}

fn out(u: &SignedIn) -> SessionOut {
    SessionOut {
        user: Me {
            id: u.actor.user_id,
            email: u.email.clone(),
            name: u.name.clone(),
            role: u.actor.role,
            org_id: u.actor.org_id,
            org_name: u.org_name.clone(),
        },
    }
}

/// Sign in with e-mail and password; sets the session cookie.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", operation_id = "session_create",
    request_body = Credentials,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = SessionOut),
        (status = 400, description = "Malformed JSON, unknown fields, wrong types", body = ErrorBody),
        (status = 401, description = "Wrong e-mail or password (same answer for both)", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 429, description = "Too many attempts; try again later (see Retry-After)", body = ErrorBody),
        (status = 503, description = "Too many sign-ins at once; try again in a moment", body = ErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    ApiJson(c): ApiJson<Credentials>,
) -> Result<Response, AppError> {
    let user = service::sign_in(&state.db, &c.email, &c.password, ip).await?;
    start(&session, user.id).await?;
    let mut res = Json(out(&user.signed_in())).into_response();
    no_store(&mut res);
    Ok(res)
}

/// Who is signed in.
#[utoipa::path(get, path = "/api/v1/session", tag = "session", operation_id = "session_show",
    security(("session" = [])),
    responses((status = 200, description = "Who is signed in", body = SessionOut),
        (status = 401, description = "Not signed in", body = ErrorBody)))]
pub async fn show(user: RequireUser) -> Json<SessionOut> {
    Json(out(&user.0))
}

/// Sign out: the session ends on the server.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session", operation_id = "session_delete",
    responses((status = 204, description = "Signed out")))]
pub async fn delete(session: Session) -> Result<StatusCode, AppError> {
    end(&session).await?;
    Ok(StatusCode::NO_CONTENT)
}
