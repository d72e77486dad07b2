//! Signing in and out, and the user's own account page.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use super::model::User;
use super::service;
use crate::features::centres;
use crate::kernel::access::Scope;
use crate::kernel::error::AppError;
use crate::kernel::web::AppState;
use crate::kernel::web::extract::{Form, Query};
use crate::kernel::web::nav::safe_next;
use crate::kernel::web::page::Page;
use crate::kernel::web::session::{ClientIp, end, start};

#[derive(Template, WebTemplate)]
#[template(path = "accounts/login.html")]
pub struct LoginPage {
    page: Page,
    email: String,
    next: String,
    /// Translation key of the message to show, if any.
    problem: Option<&'static str>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NextQuery {
    next: String,
}

pub async fn login_form(page: Page, Query(q): Query<NextQuery>) -> LoginPage {
    let title = page.t("login.title");
    LoginPage {
        page: page.titled(title),
        email: String::new(),
        next: safe_next(Some(&q.next)),
        problem: None,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    email: String,
    password: String,
    next: String,
}

pub async fn login(
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    page: Page,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let next = safe_next(Some(&form.next));
    let (status, problem) = match service::sign_in(&state.db, &form.email, &form.password, ip).await
    {
        Ok(user) => {
            start(&session, user.id).await?;
            return Ok(Redirect::to(&next).into_response());
        }
        Err(AppError::BadCredentials) => (StatusCode::UNAUTHORIZED, "login.invalid"),
        Err(AppError::TooManyAttempts) => (StatusCode::TOO_MANY_REQUESTS, "login.throttled"),
        Err(AppError::Busy) => (StatusCode::SERVICE_UNAVAILABLE, "login.busy"),
        Err(e) => return Err(e),
    };
    let title = page.t("login.title");
    let body = LoginPage {
        page: page.titled(title),
        email: form.email,
        next,
        problem: Some(problem),
    };
    Ok((status, body).into_response())
}

pub async fn logout(session: Session) -> Result<Redirect, AppError> {
    end(&session).await?;
    Ok(Redirect::to("/"))
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/me.html")]
pub struct AccountPage {
    page: Page,
    user: User,
    /// Translation key describing the scope.
    scope_key: &'static str,
    in_scope: i64,
}

pub async fn me(State(state): State<AppState>, page: Page) -> Result<AccountPage, AppError> {
    let actor = page.require()?;
    let user = service::me(&state.db, &actor).await?;
    let scope_key = match actor.centre_scope() {
        Scope::All => "account.scope_all",
        Scope::Pembina(_) => "account.scope_pembina",
        Scope::Region(_) => "account.scope_region",
        Scope::Forum(_) => "account.scope_forum",
        Scope::Centre(_) => "account.scope_centre",
        Scope::Nothing => "account.scope_nothing",
    };
    let in_scope =
        centres::service::directory(&state.db, Some(&actor), &Default::default(), true, 1)
            .await?
            .total;
    let title = page.t("account.title");
    Ok(AccountPage {
        page: page.titled(title),
        user,
        scope_key,
        in_scope,
    })
}
