//! Who is signed in. The session holds only the user id; the user is loaded fresh on each
//! request so a disabled account or a changed role takes effect at once.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use tower_sessions::Session;

use super::AppState;
use crate::app::AppError;
use crate::domain::access::Actor;
use crate::storage::sessions::USER_ID_KEY;
use crate::storage::users::{self, User};

/// The signed-in user, if any.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub Option<User>);

/// The signed-in user; answers 401 (API) or redirects to sign-in (pages) when nobody is.
#[derive(Debug, Clone)]
pub struct RequireUser(pub User);

impl RequireUser {
    pub fn actor(&self) -> Actor {
        self.0.actor()
    }
}

/// Loads the session's user; inactive or deleted accounts count as signed out.
pub async fn load_user(state: &AppState, session: &Session) -> Result<Option<User>, AppError> {
    let Some(id) = session.get::<i64>(USER_ID_KEY).await? else {
        return Ok(None);
    };
    Ok(users::get(&state.db, id).await?.filter(|u| u.active))
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(u) = parts.extensions.get::<CurrentUser>() {
            return Ok(u.clone());
        }
        let session = parts
            .extensions
            .get::<Session>()
            .cloned()
            .ok_or_else(|| AppError::Internal("session layer missing".into()))?;
        let user = CurrentUser(load_user(state, &session).await?);
        parts.extensions.insert(user.clone());
        Ok(user)
    }
}

impl FromRequestParts<AppState> for RequireUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        match CurrentUser::from_request_parts(parts, state).await?.0 {
            Some(u) => Ok(RequireUser(u)),
            None => Err(AppError::Unauthenticated),
        }
    }
}

/// Starts a signed-in session under a new id (no session fixation).
pub async fn start_session(session: &Session, user: &User) -> Result<(), AppError> {
    session.cycle_id().await?;
    session.insert(USER_ID_KEY, user.id).await?;
    Ok(())
}

/// Ends the session on the server and clears the cookie.
pub async fn end_session(session: &Session) -> Result<(), AppError> {
    session.flush().await?;
    Ok(())
}

/// The client's address (the socket peer; not taken from headers a client could forge).
pub struct ClientIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}
