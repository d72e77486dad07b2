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

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::http::HeaderMap;
use axum::routing::{get, post};

use super::AppState;
use super::page::Page;
use crate::app::AppError;
use crate::storage;
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
    /// Display names of referenced records: `org:7`, `area:36.01`, `kejuruan:tik`.
    names: HashMap<String, String>,
}

/// Fields whose stored codes are shown through a translated label group.
const LABELLED: [&str; 5] = ["host_type", "status", "kind", "subtype", "role"];

impl HistoryPage {
    /// Builds the page, looking up the names behind ids and codes in the changes.
    pub async fn build(
        state: &AppState,
        page: Page,
        subject: String,
        back: String,
        entries: Vec<AuditEntry>,
    ) -> Result<HistoryPage, AppError> {
        let keys: Vec<String> = entries
            .iter()
            .flat_map(|e| &e.changes)
            .flat_map(|c| {
                [&c.old, &c.new]
                    .into_iter()
                    .flat_map(values)
                    .filter_map(|v| reference_key(&c.field, v))
            })
            .collect();
        let org_ids: Vec<i64> = keys
            .iter()
            .filter_map(|k| k.strip_prefix("org:")?.parse().ok())
            .collect();
        let area_codes: Vec<String> = keys
            .iter()
            .filter_map(|k| Some(k.strip_prefix("area:")?.to_owned()))
            .collect();
        let mut names = HashMap::new();
        for (id, name) in storage::orgs::names(&state.db, &org_ids).await? {
            names.insert(format!("org:{id}"), name);
        }
        for (code, name) in storage::areas::names(&state.db, &area_codes).await? {
            names.insert(format!("area:{code}"), format!("{name} ({code})"));
        }
        for k in storage::kejuruan::all(&state.db).await? {
            let name = k.name(page.lang.code()).to_owned();
            names.insert(format!("kejuruan:{}", k.code), name);
        }
        let title = page.tf_title("history.title", &subject);
        Ok(HistoryPage {
            page: page.titled(title),
            subject,
            back,
            entries,
            names,
        })
    }

    /// A changed value as people read it: labels for codes, names for references.
    fn show(&self, field: &str, v: &serde_json::Value) -> String {
        let one = |item: &serde_json::Value| match (reference_key(field, item), item) {
            (Some(key), _) => self
                .names
                .get(&key)
                .cloned()
                .unwrap_or_else(|| show_value(item)),
            (None, serde_json::Value::String(s)) if LABELLED.contains(&field) && !s.is_empty() => {
                self.page.label(field, s).into_owned()
            }
            (None, _) => show_value(item),
        };
        match v {
            serde_json::Value::Array(items) if !items.is_empty() => {
                items.iter().map(one).collect::<Vec<_>>().join(", ")
            }
            other => one(other),
        }
    }

    fn field(&self, f: &str) -> String {
        self.page.t(&format!("field.{f}")).into_owned()
    }
}

/// The single values of a changed value (the items of a list).
fn values(v: &serde_json::Value) -> Vec<&serde_json::Value> {
    match v {
        serde_json::Value::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

/// The key under which a referenced record's name is looked up: `org:7`, `area:36.01`,
/// `kejuruan:tik`; `None` for plain values.
fn reference_key(field: &str, v: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    match (field, v) {
        ("pembina_id" | "forum_ids" | "org_id", Value::Number(n)) => Some(format!("org:{n}")),
        ("village_code" | "area_code", Value::String(s)) => Some(format!("area:{s}")),
        ("kejuruan", Value::String(s)) => Some(format!("kejuruan:{s}")),
        _ => None,
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
    use super::{reference_key, safe_next, show_value, values};

    #[test]
    fn references_are_named_by_kind() {
        let forums = serde_json::json!([7, 9]);
        let keys: Vec<_> = values(&forums)
            .into_iter()
            .filter_map(|v| reference_key("forum_ids", v))
            .collect();
        assert_eq!(keys, ["org:7", "org:9"]);
        assert_eq!(
            reference_key("village_code", &serde_json::json!("36.01.06.2002")).as_deref(),
            Some("area:36.01.06.2002")
        );
        assert_eq!(reference_key("head_name", &serde_json::json!("Imam")), None);
    }

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
