//! The context every page template gets: language, signed-in user, CSRF token, title.
//! Templates embed it as `page` and call its helpers (`page.t("key")`).

use std::borrow::Cow;
use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap, Uri};
use time::{Date, OffsetDateTime};

use super::SignedIn;
use super::csrf::CsrfToken;
use super::i18n::Lang;
use crate::kernel::access::{self, Actor};
use crate::kernel::error::AppError;
use crate::kernel::time::{Zone, format_date, format_datetime};
use crate::kernel::validate::{FieldError, FieldErrors};

/// Where a record's form posts: `{base}/{id}/edit` for an existing record, `base` for a new
/// one.
pub fn form_action(base: &str, id: Option<i64>) -> String {
    match id {
        Some(id) => format!("{base}/{id}/edit"),
        None => base.to_owned(),
    }
}

/// An optional value as a form field shows it (empty for none).
pub fn shown<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// One option of a select or checkbox group.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub value: String,
    pub label: String,
    /// For selects whose options depend on another field (a subtype on its kind).
    pub group: String,
}

impl Choice {
    pub fn new(value: impl ToString, label: impl Into<String>) -> Choice {
        Choice {
            value: value.to_string(),
            label: label.into(),
            group: String::new(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Page {
    pub lang: Lang,
    pub user: Option<SignedIn>,
    pub csrf: String,
    pub path: String,
    pub title: String,
    /// What the previous step did, said once at the top of the page it led to (a save, a
    /// sign-out): from `?done=<key>` (or `?saved=1`), shown only for known keys.
    pub notice: Option<Cow<'static, str>>,
    /// The key of that notice (`report_saved`), for a page that shows it elsewhere.
    pub done: String,
}

/// The key a page's query names: `done=<key>` (or `saved=1`), when well formed.
fn done_key(query: Option<&str>) -> Option<String> {
    let key = form_urlencoded::parse(query?.as_bytes()).find_map(|(k, v)| match &*k {
        "saved" if v == "1" => Some("saved".to_owned()),
        "done" => Some(v.into_owned()),
        _ => None,
    })?;
    if key.is_empty() || key.len() > 40 || !key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
    {
        return None;
    }
    Some(key)
}

/// The notice for a key: its `notice.<key>` translation, if there is one.
fn notice(key: Option<&str>, lang: Lang) -> Option<Cow<'static, str>> {
    crate::_rust_i18n_try_translate(lang.code(), format!("notice.{}", key?))
        .map(|c| Cow::Owned(c.into_owned()))
}

impl Page {
    /// The context of a request, from what the layers put on it.
    pub fn of(uri: &Uri, headers: &HeaderMap, extensions: &Extensions) -> Page {
        let lang = Lang::from_cookies(headers);
        let done = done_key(uri.query());
        Page {
            lang,
            notice: notice(done.as_deref(), lang),
            done: done.unwrap_or_default(),
            user: extensions.get::<SignedIn>().cloned(),
            csrf: extensions
                .get::<CsrfToken>()
                .map(|c| c.0.clone())
                .unwrap_or_default(),
            path: uri.path().to_owned(),
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

    /// A translation with `%{name}` filled in.
    pub fn tf(&self, key: &str, name: &str) -> String {
        self.lang.tf(key, &[("name", name)])
    }

    /// A translation with a count (`%{n}`).
    pub fn tn(&self, key: &str, n: &i64) -> String {
        self.lang.tf(key, &[("n", &n.to_string())])
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
    pub fn err(&self, errors: &FieldErrors, field: &str) -> Option<String> {
        errors.find(field).map(|e| self.lang.field_error(e))
    }

    /// The choices of a coded value, labelled (`<group>.<code>`).
    pub fn choices<T: std::fmt::Display>(&self, group: &str, values: &[T]) -> Vec<Choice> {
        values
            .iter()
            .map(|v| {
                let code = v.to_string();
                let label = self.label(group, &code).into_owned();
                Choice::new(code, label)
            })
            .collect()
    }

    /// A field's label (`field.<name>`).
    pub fn field_label(&self, name: &str) -> Cow<'static, str> {
        self.lang.t(&format!("field.{name}"))
    }

    /// A problem's message.
    pub fn message(&self, e: &FieldError) -> String {
        self.lang.field_error(e)
    }

    /// `23 Nov 2026 14.05 WIB`.
    pub fn datetime(&self, at: &OffsetDateTime) -> String {
        format_datetime(*at, Zone::Wib, self.is_en())
    }

    /// A time in the zone of the place it is about (`… WITA` for Makassar).
    pub fn datetime_at(&self, at: &OffsetDateTime, area_code: &str) -> String {
        format_datetime(*at, Zone::of_area(area_code), self.is_en())
    }

    /// Money as people write it: `Rp 1.500.000`.
    pub fn rupiah(&self, n: &i64) -> String {
        crate::kernel::code::Rupiah(*n).to_string()
    }

    /// A share in percent with one decimal, `12,5 %` (`–` when there is none).
    pub fn percent(&self, v: impl std::borrow::Borrow<Option<f64>>) -> String {
        v.borrow()
            .map_or_else(|| "–".to_owned(), |p| format!("{p:.1} %").replace('.', ","))
    }

    /// `23 Nov 2026`.
    pub fn date(&self, d: &Date) -> String {
        format_date(*d, self.is_en())
    }

    /// The day of a moment, in Jakarta time: `23 Nov 2026`.
    pub fn date_of(&self, at: &OffsetDateTime) -> String {
        format_date(at.to_offset(Zone::Wib.offset()).date(), self.is_en())
    }

    pub fn actor(&self) -> Option<Actor> {
        self.user.as_ref().map(|u| u.actor.clone())
    }

    /// The signed-in actor, or the error that sends the visitor to sign in.
    pub fn require(&self) -> Result<Actor, AppError> {
        access::signed_in(self.actor().as_ref()).cloned()
    }

    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.actor.is_admin())
    }

    /// A BLKK's manager: their scope is their one BLKK ("BLKK saya").
    pub fn is_manager(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.actor.role == access::Role::Pengelola)
    }

    /// The main menu for this user: `(href, label, current)` for every entry they may see.
    pub fn menu(&self) -> Vec<(&'static str, String, bool)> {
        let actor = self.actor();
        super::menu::for_actor(actor.as_ref())
            .map(|e| {
                (
                    e.href,
                    self.t(e.label).to_string(),
                    self.path.starts_with(e.section),
                )
            })
            .collect()
    }

    pub fn is_en(&self) -> bool {
        self.lang == Lang::En
    }

    /// The URL of a static file, with its content hash (see [`super::assets`]).
    pub fn asset(&self, name: &str) -> String {
        super::assets::url(name)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Page {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(Page::of(&parts.uri, &parts.headers, &parts.extensions))
    }
}
