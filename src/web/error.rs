//! Turning [`AppError`] into responses: JSON on the API, a friendly page elsewhere.
//!
//! Handlers return `AppError`; its `IntoResponse` only sets the status and attaches an
//! [`ErrorMark`]. The [`render_errors`] middleware, which knows the request's language and
//! user, renders the mark. So every error, the router's 404 included, looks the same.

use askama::Template;
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Serialize;
use tower_sessions::Session;

use super::AppState;
use super::csrf::CsrfToken;
use super::i18n::Lang;
use super::page::Page;
use crate::app::AppError;
use crate::domain::validation::FieldErrors;

/// Attached to error responses, rendered by [`render_errors`].
#[derive(Debug, Clone)]
pub struct ErrorMark {
    pub code: &'static str,
    pub fields: FieldErrors,
    /// What exactly was malformed in a bad request (returned to the client, never logged:
    /// it can quote the client's input).
    pub detail: Option<String>,
}

pub fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Stale => StatusCode::CONFLICT,
        AppError::BadCredentials => StatusCode::UNAUTHORIZED,
        AppError::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
        AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut res = status_of(&self).into_response();
        let fields = match &self {
            AppError::Invalid(f) => f.clone(),
            _ => FieldErrors::new(),
        };
        let detail = match &self {
            AppError::BadRequest(d) => Some(d.clone()),
            _ => None,
        };
        res.extensions_mut().insert(ErrorMark {
            code: self.code(),
            fields,
            detail,
        });
        res
    }
}

pub fn not_found() -> AppError {
    AppError::NotFound
}

impl From<JsonRejection> for AppError {
    fn from(r: JsonRejection) -> Self {
        AppError::BadRequest(r.body_text())
    }
}
impl From<axum_extra::extract::FormRejection> for AppError {
    fn from(r: axum_extra::extract::FormRejection) -> Self {
        AppError::BadRequest(r.body_text())
    }
}
impl From<axum_extra::extract::QueryRejection> for AppError {
    fn from(r: axum_extra::extract::QueryRejection) -> Self {
        AppError::BadRequest(r.body_text())
    }
}
/// A path that does not parse (`/centres/abc`) names nothing that exists.
impl From<PathRejection> for AppError {
    fn from(_: PathRejection) -> Self {
        AppError::NotFound
    }
}
impl From<tower_sessions::session::Error> for AppError {
    fn from(e: tower_sessions::session::Error) -> Self {
        tracing::error!(error = %e, "session store error");
        AppError::Internal(e.to_string())
    }
}

/// The API's error body: `{"error": {"code", "message", "fields"?}}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `validation_failed`, `forbidden`.
    pub code: String,
    /// Human-readable, in the language of `Accept-Language` (Indonesian by default).
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldProblem>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub code: String,
    pub message: String,
}

pub fn error_body(lang: Lang, mark: &ErrorMark) -> ErrorBody {
    ErrorBody {
        error: ErrorDetail {
            code: mark.code.to_owned(),
            message: match &mark.detail {
                Some(d) => format!("{} ({d})", lang.t(&format!("error.{}.message", mark.code))),
                None => lang.t(&format!("error.{}.message", mark.code)).into_owned(),
            },
            fields: mark
                .fields
                .iter()
                .map(|f| FieldProblem {
                    field: f.field.to_owned(),
                    code: f.code.to_owned(),
                    message: lang.field_error(f.code).into_owned(),
                })
                .collect(),
        },
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: Page,
    status: u16,
    help: String,
}

/// Renders error marks: JSON for `/api/`, otherwise a page (or, for a visitor who is not
/// signed in, a redirect to the sign-in page).
pub async fn render_errors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let target = req
        .uri()
        .path_and_query()
        .map_or_else(|| path.clone(), |p| p.as_str().to_owned());
    let is_api = path.starts_with("/api/");
    let lang = Lang::for_request(&path, req.headers());
    let session = req.extensions().get::<Session>().cloned();
    let csrf = req.extensions().get::<CsrfToken>().cloned();
    let is_htmx = req.headers().contains_key("hx-request");
    let is_get = req.method() == axum::http::Method::GET;
    let mut res = next.run(req).await;
    let Some(mark) = res.extensions_mut().remove::<ErrorMark>() else {
        return res;
    };
    let status = res.status();
    if is_api {
        let mut out = (status, Json(error_body(lang, &mark))).into_response();
        if status == StatusCode::TOO_MANY_REQUESTS {
            out.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("900"));
        }
        return out;
    }
    if mark.code == "unauthenticated" {
        let next_path = if is_get { target } else { "/".to_owned() };
        let login = format!("/login?next={}", urlencode(&next_path));
        if is_htmx {
            let mut r = StatusCode::NO_CONTENT.into_response();
            if let Ok(v) = HeaderValue::from_str(&login) {
                r.headers_mut().insert("hx-redirect", v);
            }
            return r;
        }
        return Redirect::to(&login).into_response();
    }
    render_page(
        &state,
        lang,
        session.as_ref(),
        csrf,
        &path,
        status,
        mark.code,
    )
    .await
}

/// The friendly error page.
async fn render_page(
    state: &AppState,
    lang: Lang,
    session: Option<&Session>,
    csrf: Option<CsrfToken>,
    path: &str,
    status: StatusCode,
    code: &'static str,
) -> Response {
    let page = Page::assemble(state, lang, session, csrf, path).await;
    let title = lang.t(&format!("error.{code}.title")).into_owned();
    let body = ErrorPage {
        page: page.titled(title),
        status: status.as_u16(),
        help: lang.t(&format!("error.{code}.help")).into_owned(),
    }
    .render()
    .unwrap_or_else(|e| {
        tracing::error!(error = %e, "rendering the error page failed");
        String::from("Error")
    });
    (status, Html(body)).into_response()
}

/// The page shown when a form arrives without a valid CSRF token (usually a stale tab).
pub async fn csrf_refused(state: &AppState, req: Request) -> Response {
    let lang = Lang::from_cookies(req.headers());
    let session = req.extensions().get::<Session>().cloned();
    let path = req.uri().path().to_owned();
    render_page(
        state,
        lang,
        session.as_ref(),
        None,
        &path,
        StatusCode::FORBIDDEN,
        "csrf_failed",
    )
    .await
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|q| q.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}
