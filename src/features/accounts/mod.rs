//! Accounts: signing in and out, who is signed in on each request, the user's own page,
//! and the accounts of each organisation.

pub mod api;
pub mod model;
pub mod pages;
pub mod password;
pub mod service;
pub mod store;

use std::convert::Infallible;

use axum::Router;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use tower_sessions::Session;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::kernel::web::security::no_store;
use crate::kernel::web::session::{ClientIp, user_id};
use crate::kernel::web::{AppState, WebConfig, cookie, set_cookie};
use service::{KNOWN_FOR, SignInFrom};

/// The long-lived cookie that marks a browser as one that signed in before (see
/// [`service::sign_in`]): a random token, stored hashed.
pub const DEVICE_COOKIE: &str = "simandiri_device";

/// A sign-in's client address (the socket peer) and device cookie.
impl<S: Send + Sync> FromRequestParts<S> for SignInFrom {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Infallible> {
        let ClientIp(address) = ClientIp::from_request_parts(parts, state).await?;
        let device = cookie(&parts.headers, DEVICE_COOKIE).map(str::to_owned);
        Ok(SignInFrom { address, device })
    }
}

/// Has the browser keep its device token (renewed at each sign-in) for [`KNOWN_FOR`].
pub fn keep_device(res: &mut Response, config: &WebConfig, token: &str) {
    let attrs = format!("Max-Age={}; SameSite=Strict", KNOWN_FOR.whole_seconds());
    set_cookie(res, config, DEVICE_COOKIE, token, &attrs);
}

/// Users, for those who manage some accounts.
pub fn menu() -> Vec<crate::kernel::web::menu::Entry> {
    use crate::kernel::access::Actor;
    vec![crate::kernel::web::menu::Entry {
        order: 100,
        href: "/users",
        label: "nav.users",
        section: "/users",
        may_see: |a: Option<&Actor>| {
            a.is_some_and(|a| model::managed(a) != model::Managed::Nothing)
        },
    }]
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/me", get(pages::me))
        .route(
            "/me/password",
            get(pages::change_password_form).post(pages::change_password),
        )
        .route("/users", get(pages::users).post(pages::invite))
        .route("/users/new", get(pages::invite_form))
        .route("/users/{id}", get(pages::user).post(pages::update_user))
        .route("/users/{id}/invitation", post(pages::reinvite))
        .route(
            "/invitation",
            get(pages::invitation_form).post(pages::accept_invitation),
        )
        .route(
            "/password/forgot",
            get(pages::forgot_form).post(pages::forgot),
        )
        .route("/password/reset", get(pages::reset_form).post(pages::reset))
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::show, api::create, api::delete))
        .routes(routes!(api::users_list, api::users_invite))
        .routes(routes!(api::users_show, api::users_update))
        .routes(routes!(api::users_reinvite))
        .routes(routes!(api::invitations_accept))
        .routes(routes!(api::password_reset_request))
        .routes(routes!(api::password_reset_confirm))
        .routes(routes!(api::me_password_change))
}

/// Puts the signed-in user ([`SignedIn`](crate::kernel::web::SignedIn)) on each request,
/// loaded fresh so a deactivated account or a changed role takes effect at once, and keeps
/// every answer to a signed-in user out of shared caches.
pub async fn identify(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let session = req.extensions().get::<Session>().cloned();
    let mut signed_in = false;
    if let Some(session) = session {
        match user_id(&session).await {
            Ok(Some(id)) => match service::identify(&state.db, id).await {
                Ok(Some(user)) => {
                    req.extensions_mut().insert(user);
                    signed_in = true;
                }
                Ok(None) => {}
                Err(e) => return axum::response::IntoResponse::into_response(e),
            },
            Ok(None) => {}
            Err(e) => return axum::response::IntoResponse::into_response(e),
        }
    }
    let mut res = next.run(req).await;
    if signed_in {
        no_store(&mut res);
    }
    res
}

/// Adds [`identify`] around `routes`.
pub fn layer(state: AppState) -> impl FnOnce(Router<AppState>) -> Router<AppState> {
    move |routes| routes.layer(middleware::from_fn_with_state(state, identify))
}
