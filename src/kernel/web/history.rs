//! A record's change history as a page, for any feature's records.

use askama::Template;
use askama_web::WebTemplate;
use serde_json::Value;

use super::export::{self, Format};
use super::page::Page;
use crate::kernel::audit::{AuditEntry, Labels, items, show_value};
use crate::kernel::error::AppError;

/// A record's change history: who changed which field, from what, to what.
#[derive(Template, WebTemplate)]
#[template(path = "layout/history.html")]
pub struct HistoryPage {
    pub page: Page,
    /// The record's name.
    pub subject: String,
    /// The record's own page.
    pub back: String,
    pub entries: Vec<AuditEntry>,
    pub labels: Labels,
}

impl HistoryPage {
    pub fn new(
        page: Page,
        subject: String,
        back: String,
        entries: Vec<AuditEntry>,
        labels: Labels,
    ) -> HistoryPage {
        let title = page.tf("history.title", &subject);
        HistoryPage {
            page: page.titled(title),
            subject,
            back,
            entries,
            labels,
        }
    }

    /// A changed value as people read it: names for references, labels for codes.
    fn show(&self, field: &str, v: &Value) -> String {
        let one = |item: &Value| match (self.labels.get(field, item), item) {
            (Some(name), _) => name.to_owned(),
            (None, Value::String(s)) if self.labels.coded.contains(&field) && !s.is_empty() => {
                self.page.label(field, s).into_owned()
            }
            (None, Value::Bool(b)) => self
                .page
                .t(if *b { "history.yes" } else { "history.no" })
                .into_owned(),
            (None, _) => show_value(item),
        };
        match v {
            Value::Array(list) if !list.is_empty() => {
                items(v).into_iter().map(one).collect::<Vec<_>>().join(", ")
            }
            other => one(other),
        }
    }

    /// What names an entry's table: its action and time.
    fn caption(&self, e: &AuditEntry) -> String {
        format!(
            "{} · {}",
            self.page.label("history.action", &e.action),
            self.page.datetime(&e.at)
        )
    }

    fn field(&self, f: &str) -> String {
        match self.labels.field_name(f) {
            Some(name) => name.to_owned(),
            None => self.page.t(&format!("field.{f}")).into_owned(),
        }
    }

    /// The history as a file: one row per changed field, newest first. `stem` names it.
    pub async fn export(
        self,
        format: Format,
        stem: &str,
    ) -> Result<axum::response::Response, AppError> {
        let headers = ["at", "who", "role", "action", "field", "old", "new"]
            .iter()
            .map(|h| self.page.t(&format!("history.column.{h}")).into_owned())
            .collect();
        let mut rows = Vec::new();
        for e in &self.entries {
            let who = e
                .actor_name
                .clone()
                .unwrap_or_else(|| self.page.t("history.system").into_owned());
            let role = e
                .actor_role
                .as_deref()
                .map(|r| self.page.label("role", r).into_owned())
                .unwrap_or_default();
            let action = self.page.label("history.action", &e.action).into_owned();
            for c in &e.changes {
                rows.push(vec![
                    self.page.datetime(&e.at),
                    who.clone(),
                    role.clone(),
                    action.clone(),
                    self.field(&c.field),
                    self.show(&c.field, &c.old),
                    self.show(&c.field, &c.new),
                ]);
            }
        }
        let mut rows = Some(rows);
        let fetch: export::Fetch = Box::new(move |_| {
            let chunk = rows.take().unwrap_or_default();
            Box::pin(async move { Ok(chunk) })
        });
        export::respond(format, stem, headers, fetch).await
    }
}
