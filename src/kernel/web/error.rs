//! Turning [`AppError`] into responses: JSON on the API, a friendly page elsewhere.
//!
//! Handlers return `AppError`; its `IntoResponse` only sets the status and attaches an
//! [`ErrorMark`] (and logs an internal error's whole cause chain, once). The
//! [`render_errors`] layer, which knows the request's language and user, renders the mark.
//! So every error, the router's 404 included, looks the same.

use askama::Template;
use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Serialize;

use super::csrf::{self, CsrfToken, MAX_FORM_BYTES};
use super::i18n::Lang;
use super::nav::{login_href, safe_next};
use super::page::Page;
use super::resubmit::{self, Fields};
use super::{AppState, WebConfig};
use crate::kernel::error::AppError;
use crate::kernel::validate::FieldErrors;

/// Attached to error responses, rendered by [`render_errors`].
#[derive(Debug, Clone)]
pub struct ErrorMark {
    pub code: &'static str,
    pub fields: FieldErrors,
    /// What exactly was malformed in a bad request (returned to the client, never logged:
    /// it can quote the client's input).
    pub detail: Option<String>,
    /// For a conflict: the record as it is now.
    pub current: Option<serde_json::Value>,
}

pub fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Unauthenticated | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Stale | AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::VersionRequired => StatusCode::PRECONDITION_REQUIRED,
        AppError::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
        AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
        AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(cause) = &self {
            tracing::error!(error = format!("{cause:#}"), "internal error");
        }
        let mut res = status_of(&self).into_response();
        let code = self.code();
        let (fields, detail, current) = match self {
            AppError::Invalid(f) => (f, None, None),
            AppError::BadRequest(d) => (FieldErrors::new(), Some(d), None),
            AppError::Conflict(c) => (FieldErrors::new(), None, Some(*c)),
            _ => (FieldErrors::new(), None, None),
        };
        res.extensions_mut().insert(ErrorMark {
            code,
            fields,
            detail,
            current,
        });
        res
    }
}

/// A handler that panicked: an internal error like any other (logged, 500, the usual page
/// or JSON), not a dropped connection.
pub fn panicked(cause: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = cause
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| cause.downcast_ref::<&str>().copied())
        .unwrap_or("a panic");
    AppError::internal(anyhow::anyhow!("handler panicked: {what}")).into_response()
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
    /// The invalid fields, for `validation_failed`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldProblem>,
    /// For `conflict` (409): the record as it is now, with its `version`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub current: Option<serde_json::Value>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub code: String,
    pub message: String,
}

pub fn error_body(lang: Lang, mark: &ErrorMark) -> ErrorBody {
    let message = lang.t(&format!("error.{}.message", mark.code));
    ErrorBody {
        error: ErrorDetail {
            code: mark.code.to_owned(),
            message: match &mark.detail {
                Some(d) => format!("{message} ({d})"),
                None => message.into_owned(),
            },
            fields: mark
                .fields
                .iter()
                .map(|f| FieldProblem {
                    field: f.field.to_string(),
                    code: f.code.to_owned(),
                    message: lang.field_error(f),
                })
                .collect(),
            current: mark.current.clone(),
        },
    }
}

#[derive(Template)]
#[template(path = "layout/error.html")]
struct ErrorPage {
    page: Page,
    status: u16,
    help: String,
}

/// Seconds a client should wait after 429 (the sign-in window) or 503.
fn retry_after(status: StatusCode) -> Option<HeaderValue> {
    match status {
        StatusCode::TOO_MANY_REQUESTS => Some(HeaderValue::from_static("900")),
        StatusCode::SERVICE_UNAVAILABLE => Some(HeaderValue::from_static("2")),
        _ => None,
    }
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
    let mut page = Page::of(req.uri(), req.headers(), req.extensions());
    let is_htmx = req.headers().contains_key("hx-request");
    let is_get = req.method() == axum::http::Method::GET;
    // A page form's fields, kept so a refusal for an ended session or a stale token can
    // offer them again (see `resubmit`).
    let (req, sent) = replayable(req, &state.config).await;
    let mut res = match req {
        Ok(req) => next.run(req).await,
        Err(e) => e.into_response(),
    };
    let Some(mark) = res.extensions_mut().remove::<ErrorMark>() else {
        return res;
    };
    let status = res.status();
    if let Some(token) = res.extensions().get::<CsrfToken>() {
        page.csrf.clone_from(&token.0);
    }
    if let Some((to, fields)) = sent
        && !is_htmx
        && matches!(mark.code, "unauthenticated" | "csrf_failed")
    {
        let why = if page.user.is_none() {
            resubmit::Why::SignedOut
        } else {
            resubmit::Why::Stale
        };
        return resubmit::page(page, status, why, &to, fields, "", None);
    }
    let mut out = if is_api {
        (status, Json(error_body(lang, &mark))).into_response()
    } else if mark.code == "unauthenticated" {
        let login = login_href(&safe_next(Some(if is_get { &target } else { "/" })));
        if is_htmx {
            let mut r = StatusCode::NO_CONTENT.into_response();
            if let Ok(v) = HeaderValue::from_str(&login) {
                r.headers_mut().insert("hx-redirect", v);
            }
            r
        } else {
            Redirect::to(&login).into_response()
        }
    } else {
        render_page(page, status, mark.code)
    };
    if let Some(v) = retry_after(status) {
        out.headers_mut().insert(header::RETRY_AFTER, v);
    }
    out
}

/// A page form post (not from another site) to a path that may be replayed: the request
/// (its body read and put back) and the fields sent. Anything else passes untouched.
async fn replayable(
    req: Request,
    config: &WebConfig,
) -> (Result<Request, AppError>, Option<(String, Fields)>) {
    let is_form = csrf::is_form(&req);
    let target = req
        .uri()
        .path_and_query()
        .and_then(|p| resubmit::target(p.as_str()));
    let (Some(to), true, true, false) = (
        target,
        is_form,
        req.method() == axum::http::Method::POST,
        req.uri().path().starts_with("/api/"),
    ) else {
        return (Ok(req), None);
    };
    if csrf::cross_site(req.headers(), config) {
        return (Ok(req), None);
    }
    let (parts, body) = req.into_parts();
    match axum::body::to_bytes(body, MAX_FORM_BYTES).await {
        Ok(bytes) => {
            let fields = resubmit::carried(&bytes);
            let req = Request::from_parts(parts, axum::body::Body::from(bytes));
            (Ok(req), (!fields.is_empty()).then_some((to, fields)))
        }
        Err(_) => (Err(AppError::TooLarge), None),
    }
}

/// The friendly error page.
fn render_page(page: Page, status: StatusCode, code: &'static str) -> Response {
    let title = page.t(&format!("error.{code}.title")).into_owned();
    // A refusal says whom to ask: a BLKK's manager their pembina, others their
    // organisation's account manager or the ministry.
    let help_key = match (code, page.user.as_ref().map(|u| u.actor.role)) {
        ("forbidden", Some(crate::kernel::access::Role::Pengelola)) => {
            "error.forbidden.help_pengelola".to_owned()
        }
        ("forbidden", Some(_)) => "error.forbidden.help_user".to_owned(),
        _ => format!("error.{code}.help"),
    };
    let help = page.t(&help_key).into_owned();
    let body = ErrorPage {
        page: page.titled(title),
        status: status.as_u16(),
        help,
    }
    .render()
    .unwrap_or_else(|e| {
        tracing::error!(error = %e, "rendering the error page failed");
        String::from("Error")
    });
    (status, Html(body)).into_response()
}
