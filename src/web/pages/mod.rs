//! HTML pages. One module per area of the site; each renders askama templates from
//! `templates/` with a [`Page`](super::page::Page) context.

mod account;
mod areas;
mod centres;
mod directory;
mod home;
mod orgs;
mod session;

pub use directory::DirectoryQuery;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::http::HeaderMap;
use axum::routing::{get, post};

use super::AppState;
use super::page::Page;
use crate::storage::audit::AuditEntry;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::show))
        .route("/centres", get(directory::show).post(centres::create))
        .route("/centres/new", get(centres::new_form))
        .route("/centres/{id}", get(centres::show))
        .route(
            "/centres/{id}/edit",
            get(centres::edit_form).post(centres::update),
        )
        .route("/centres/{id}/history", get(centres::history))
        .route("/orgs", get(orgs::list).post(orgs::create))
        .route("/orgs/new", get(orgs::new_form))
        .route("/orgs/{id}", get(orgs::show))
        .route("/orgs/{id}/edit", get(orgs::edit_form).post(orgs::update))
        .route("/orgs/{id}/history", get(orgs::history))
        .route("/login", get(session::login_form).post(session::login))
        .route("/logout", post(session::logout))
        .route("/lang", post(session::set_lang))
        .route("/me", get(account::show))
        .route("/areas/options", get(areas::options))
}

/// Whether htmx asked for a fragment (not a whole page).
pub fn is_htmx(headers: &HeaderMap) -> bool {
    headers.contains_key("hx-request") && !headers.contains_key("hx-boosted")
}

/// A local path to return to after signing in; anything else becomes `/me`.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/me".to_owned(),
    }
}

/// A record's change history (BLKK and organisations alike).
#[derive(Template, WebTemplate)]
#[template(path = "history.html")]
pub struct HistoryPage {
    page: Page,
    subject: String,
    back: String,
    entries: Vec<AuditEntry>,
}

impl HistoryPage {
    fn show(&self, v: &serde_json::Value) -> String {
        show_value(v)
    }

    fn field(&self, f: &str) -> String {
        self.page.t(&format!("field.{f}")).into_owned()
    }
}

/// A stored value as people read it: text as is, lists joined, nothing as a dash.
pub fn show_value(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Null => "—".into(),
        Value::String(s) if s.is_empty() => "—".into(),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.is_empty() => "—".into(),
        Value::Array(items) => items.iter().map(show_value).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::{safe_next, show_value};

    #[test]
    fn values_read_naturally() {
        assert_eq!(show_value(&serde_json::json!(null)), "—");
        assert_eq!(show_value(&serde_json::json!(["tik", "las"])), "tik, las");
        assert_eq!(show_value(&serde_json::json!(2019)), "2019");
    }

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/centres/5")), "/centres/5");
        assert_eq!(safe_next(Some("//evil.example")), "/me");
        assert_eq!(safe_next(Some("https://evil.example")), "/me");
        assert_eq!(safe_next(Some("/\\evil.example")), "/me");
        assert_eq!(safe_next(None), "/me");
    }
}
