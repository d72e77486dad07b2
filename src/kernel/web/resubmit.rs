//! Nothing typed is lost when a form cannot be accepted as sent: a session that ended while
//! the form was open (sign in again, then send) or a form token that no longer matches (an
//! old tab, cleared cookies). The answer is a page holding the fields as they were sent, with
//! a fresh token, and one button to send them again; a visitor who is no longer signed in
//! first signs in on the same page, and the sign-in carries the fields along
//! (`replay_to`, `replay`).
//!
//! Passwords and the old token are never carried. Posts a browser says came from another site
//! ([`csrf::cross_site`](super::csrf::cross_site)) are not offered again, so another site
//! cannot use this page to prepare a request.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::csrf::FIELD as CSRF_FIELD;
use super::nav::safe_next;
use super::page::Page;

/// Form fields sent as they were, in order (repeated names stay repeated).
pub type Fields = Vec<(String, String)>;

/// The fields of a urlencoded body worth sending again: all but the token and passwords.
pub fn carried(body: &[u8]) -> Fields {
    form_urlencoded::parse(body)
        .filter(|(k, _)| k != CSRF_FIELD && !k.contains("password"))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// `fields` as one urlencoded string, for carrying through the sign-in form.
pub fn encode(fields: &Fields) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

/// Where a replay may go: a local path, never the sign-in or sign-out themselves.
pub fn target(to: &str) -> Option<String> {
    let to = safe_next(Some(to));
    let path = to.split('?').next().unwrap_or_default();
    (to == *to.trim() && !matches!(path, "/" | "/login" | "/logout" | "/lang")).then_some(to)
}

/// What the user typed, as they know it: each labelled field once (repeated ones joined),
/// coded values by their labels; technical fields (without a label) and empty ones left out.
fn shown(page: &Page, fields: &Fields) -> Vec<(String, String)> {
    let mut out: Vec<(String, String, String)> = Vec::new();
    for (k, v) in fields.iter().filter(|(_, v)| !v.trim().is_empty()) {
        let label = page.field_label(k);
        if label.starts_with("field.") {
            continue;
        }
        let coded = page.label(k, v);
        let value = if coded.starts_with(&format!("{k}.")) {
            v.clone()
        } else {
            coded.into_owned()
        };
        match out.iter_mut().find(|(name, _, _)| name == k) {
            Some((_, _, joined)) => {
                joined.push_str(", ");
                joined.push_str(&value);
            }
            None => out.push((k.clone(), label.into_owned(), value)),
        }
    }
    out.into_iter()
        .map(|(_, label, value)| (label, value))
        .collect()
}

#[derive(Template)]
#[template(path = "layout/resubmit.html")]
struct ResubmitPage {
    page: Page,
    /// Translation key of the explanation.
    reason: &'static str,
    to: String,
    fields: Fields,
    /// `(label, value)` of the non-empty fields, shown so the user sees what is sent.
    shown: Vec<(String, String)>,
    sign_in: bool,
    replay: String,
    email: String,
    /// Translation key of a sign-in problem, if any.
    problem: Option<&'static str>,
}

/// How the page came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// The session ended (or the cookies were cleared): sign in, then send.
    SignedOut,
    /// The form's token no longer matches.
    Stale,
    /// Signed in again: send.
    SignedIn,
}

/// The page offering to send `fields` to `to` again.
pub fn page(
    page: Page,
    status: StatusCode,
    why: Why,
    to: &str,
    fields: Fields,
    email: &str,
    problem: Option<&'static str>,
) -> Response {
    let (reason, title) = match why {
        Why::SignedOut => ("resubmit.signed_out", "resubmit.title_sign_in"),
        Why::Stale => ("resubmit.stale", "resubmit.title"),
        Why::SignedIn => ("resubmit.signed_in", "resubmit.title"),
    };
    let shown = shown(&page, &fields);
    let title = page.t(title).into_owned();
    let body = ResubmitPage {
        page: page.titled(title),
        reason,
        to: to.to_owned(),
        replay: encode(&fields),
        fields,
        shown,
        sign_in: why == Why::SignedOut,
        email: email.to_owned(),
        problem,
    };
    match body.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => crate::kernel::error::AppError::internal(e).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replays_keep_fields_but_not_tokens_or_passwords() {
        let f =
            carried(b"_csrf=abc&name=BLK+A&kejuruan=las&kejuruan=tik&password=x&new_password=y");
        assert_eq!(
            f,
            [
                ("name".to_owned(), "BLK A".to_owned()),
                ("kejuruan".to_owned(), "las".to_owned()),
                ("kejuruan".to_owned(), "tik".to_owned()),
            ]
        );
        assert_eq!(carried(encode(&f).as_bytes()), f);
    }

    #[test]
    fn replays_go_only_to_local_forms() {
        assert_eq!(
            target("/centres/5/edit").as_deref(),
            Some("/centres/5/edit")
        );
        assert_eq!(target("https://evil.example/x"), None);
        assert_eq!(target("//evil.example/x"), None);
        assert_eq!(target("/login"), None);
        assert_eq!(target("/logout"), None);
    }
}
