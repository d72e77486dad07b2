//! Signing in and out, and choosing the language.

use crate::web::extract::Form;
use crate::web::extract::Query;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use super::safe_next;
use crate::app::{AppError, auth};
use crate::web::AppState;
use crate::web::auth::{ClientIp, end_session, start_session};
use crate::web::i18n::{LANG_COOKIE, Lang};
use crate::web::page::Page;

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
pub struct LoginPage {
    page: Page,
    email: String,
    next: String,
    /// Translation key of the message to show, if any.
    problem: Option<&'static str>,
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn login_form(page: Page, Query(q): Query<NextQuery>) -> LoginPage {
    let title = page.t("login.title");
    LoginPage {
        page: page.titled(title),
        email: String::new(),
        next: safe_next(q.next.as_deref()),
        problem: None,
    }
}

#[derive(Deserialize, Default)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
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
    let problem = match auth::sign_in(&state.db, &form.email, &form.password, ip).await {
        Ok(user) => {
            start_session(&session, &user).await?;
            return Ok(Redirect::to(&next).into_response());
        }
        Err(AppError::BadCredentials) => (StatusCode::UNAUTHORIZED, "login.invalid"),
        Err(AppError::TooManyAttempts) => (StatusCode::TOO_MANY_REQUESTS, "login.throttled"),
        Err(e) => return Err(e),
    };
    let title = page.t("login.title");
    let body = LoginPage {
        page: page.titled(title),
        email: form.email,
        next,
        problem: Some(problem.1),
    };
    Ok((problem.0, body).into_response())
}

pub async fn logout(session: Session) -> Result<Redirect, AppError> {
    end_session(&session).await?;
    Ok(Redirect::to("/"))
}

#[derive(Deserialize, Default)]
pub struct LangForm {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    back: String,
}

/// Remembers the chosen language for a year and returns to the page the visitor was on.
pub async fn set_lang(Form(form): Form<LangForm>) -> Response {
    let lang = Lang::parse(&form.lang).unwrap_or_default();
    let back = match form.back.as_str() {
        b if b.starts_with('/') && !b.starts_with("//") => b.to_owned(),
        _ => "/".to_owned(),
    };
    let mut res = Redirect::to(&back).into_response();
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax",
        lang.code()
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}
