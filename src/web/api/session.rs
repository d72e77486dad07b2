//! `/api/v1/session`: sign in, see who is signed in, sign out.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::ApiJson;
use crate::app::{AppError, auth};
use crate::web::AppState;
use crate::web::auth::{ClientIp, CurrentUser, end_session, start_session};
use crate::web::error::ErrorBody;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

/// The signed-in user as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    pub id: i64,
    pub email: String,
    pub name: String,
    /// admin, pembina, disnaker, forum, pengelola or mitra.
    pub role: String,
    pub org_id: Option<i64>,
    pub org_name: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionOut {
    pub user: Me,
}

fn out(u: crate::storage::users::User) -> SessionOut {
    SessionOut {
        user: Me {
            id: u.id,
            email: u.email,
            name: u.name,
            role: u.role,
            org_id: u.org_id,
            org_name: u.org_name,
        },
    }
}

/// Sign in with e-mail and password; sets the session cookie.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = Credentials,
    responses(
        (status = 200, body = SessionOut),
        (status = 401, description = "Wrong e-mail or password (same answer for both)", body = ErrorBody),
        (status = 429, description = "Too many failed attempts; try again later", body = ErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    ApiJson(c): ApiJson<Credentials>,
) -> Result<Json<SessionOut>, AppError> {
    let user = auth::sign_in(&state.db, &c.email, &c.password, ip).await?;
    start_session(&session, &user).await?;
    Ok(Json(out(user)))
}

/// Who is signed in.
#[utoipa::path(get, path = "/api/v1/session", tag = "session",
    responses((status = 200, body = SessionOut), (status = 401, body = ErrorBody)))]
pub async fn show(CurrentUser(user): CurrentUser) -> Result<Json<SessionOut>, AppError> {
    user.map(|u| Json(out(u))).ok_or(AppError::Unauthenticated)
}

/// Sign out: the session ends on the server.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session",
    responses((status = 204, description = "Signed out")))]
pub async fn delete(session: Session) -> Result<StatusCode, AppError> {
    end_session(&session).await?;
    Ok(StatusCode::NO_CONTENT)
}
