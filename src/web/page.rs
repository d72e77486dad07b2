//! The context every page template gets: language, signed-in user, CSRF token, title.
//! Templates embed it as `page` and call its helpers (`page.t("key")`).

use std::borrow::Cow;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use time::{OffsetDateTime, UtcOffset};
use tower_sessions::Session;

use super::AppState;
use super::auth::{CurrentUser, load_user};
use super::csrf::CsrfToken;
use super::i18n::Lang;
use crate::app::AppError;
use crate::domain::access::Actor;
use crate::domain::validation::FieldErrors;
use crate::storage::users::User;

#[derive(Debug, Clone)]
pub struct Page {
    pub lang: Lang,
    pub user: Option<User>,
    pub csrf: String,
    pub path: String,
    pub title: String,
}

impl Page {
    /// Builds the context outside an extractor (error pages).
    pub async fn assemble(
        state: &AppState,
        lang: Lang,
        session: Option<&Session>,
        csrf: Option<CsrfToken>,
        path: &str,
    ) -> Page {
        let user = match session {
            Some(s) => load_user(state, s).await.ok().flatten(),
            None => None,
        };
        Page {
            lang,
            user,
            csrf: csrf.map(|c| c.0).unwrap_or_default(),
            path: path.to_owned(),
            title: String::new(),
        }
    }

    pub fn titled(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    pub fn t(&self, key: &str) -> Cow<'static, str> {
        self.lang.t(key)
    }

    /// A title with the record's name filled in (`%{name}`).
    pub fn tf_title(&self, key: &str, name: &str) -> String {
        self.lang.tf(key, &[("name", name)])
    }

    /// "Page 2 of 9".
    pub fn page_of(&self, page: &i64, pages: &i64) -> String {
        self.lang.tf(
            "pager.page_of",
            &[("page", &page.to_string()), ("pages", &pages.to_string())],
        )
    }

    /// The translated label of a coded value, e.g. `label("status", "aktif")`.
    pub fn label(&self, group: &str, value: &str) -> Cow<'static, str> {
        self.lang.t(&format!("{group}.{value}"))
    }

    /// The message for a field's error, if it has one.
    pub fn err(&self, errors: &FieldErrors, field: &str) -> Option<Cow<'static, str>> {
        errors.get(field).map(|code| self.lang.field_error(code))
    }

    /// A timestamp in Western Indonesian Time, e.g. `2026-11-23 14:05 WIB`.
    pub fn datetime(&self, at: &OffsetDateTime) -> String {
        let wib = UtcOffset::from_hms(7, 0, 0).unwrap_or(UtcOffset::UTC);
        let t = at.to_offset(wib);
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02} WIB",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute()
        )
    }

    pub fn actor(&self) -> Option<Actor> {
        self.user.as_ref().map(User::actor)
    }

    /// The signed-in actor, or the error that sends the visitor to sign in.
    pub fn require(&self) -> Result<Actor, AppError> {
        self.actor().ok_or(AppError::Unauthenticated)
    }

    pub fn is_admin(&self) -> bool {
        self.actor().is_some_and(|a| a.is_admin())
    }

    pub fn is_en(&self) -> bool {
        self.lang == Lang::En
    }
}

impl FromRequestParts<AppState> for Page {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await?;
        Ok(Page {
            lang: Lang::from_cookies(&parts.headers),
            user,
            csrf: parts
                .extensions
                .get::<CsrfToken>()
                .map(|c| c.0.clone())
                .unwrap_or_default(),
            path: parts.uri.path().to_owned(),
            title: String::new(),
        })
    }
}
