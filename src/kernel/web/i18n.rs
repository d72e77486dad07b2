//! The user's language. Pages default to Bahasa Indonesia; a `lang` cookie (set by the
//! language switch) selects English. The API follows `Accept-Language`.

use std::borrow::Cow;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use serde::Serialize;

use crate::kernel::validate::FieldError;

pub const LANG_COOKIE: &str = "lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Lang {
    #[default]
    Id,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "id" => Some(Lang::Id),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The translation of `key`. A missing key falls back to Indonesian, then to the key.
    pub fn t(self, key: &str) -> Cow<'static, str> {
        crate::_rust_i18n_try_translate(self.code(), key)
            .map(|c| Cow::Owned(c.into_owned()))
            .unwrap_or_else(|| Cow::Owned(key.to_owned()))
    }

    /// `t` with `%{name}` placeholders filled.
    pub fn tf(self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.t(key).into_owned();
        for (k, v) in args {
            s = s.replace(&format!("%{{{k}}}"), v);
        }
        s
    }

    /// A field error's message, with its arguments (`%{min}`, `%{max}`) filled in.
    pub fn field_error(self, e: &FieldError) -> String {
        let args: Vec<(&str, &str)> = e.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.tf(&format!("field_error.{}", e.code), &args)
    }

    /// The language of a page request (cookie, else Indonesian).
    pub fn from_cookies(headers: &HeaderMap) -> Lang {
        super::cookie(headers, LANG_COOKIE)
            .and_then(Lang::parse)
            .unwrap_or_default()
    }

    /// The language of an API request (`Accept-Language: en...`, else Indonesian).
    pub fn from_accept_language(headers: &HeaderMap) -> Lang {
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(|first| {
                if first.trim().to_ascii_lowercase().starts_with("en") {
                    Lang::En
                } else {
                    Lang::Id
                }
            })
            .unwrap_or_default()
    }

    /// The language for any request: API paths use `Accept-Language`, pages the cookie.
    pub fn for_request(path: &str, headers: &HeaderMap) -> Lang {
        if path.starts_with("/api/") {
            Lang::from_accept_language(headers)
        } else {
            Lang::from_cookies(headers)
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang::for_request(parts.uri.path(), &parts.headers))
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct LangForm {
    lang: String,
    back: String,
}

/// Remembers the chosen language for a year and returns to the page the visitor was on.
pub async fn switch(
    axum::extract::State(state): axum::extract::State<super::AppState>,
    super::extract::Form(form): super::extract::Form<LangForm>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let lang = Lang::parse(&form.lang).unwrap_or_default();
    let back = super::nav::safe_next(Some(&form.back));
    let mut res = axum::response::Redirect::to(&back).into_response();
    super::set_cookie(
        &mut res,
        &state.config,
        LANG_COOKIE,
        lang.code(),
        "Max-Age=31536000; SameSite=Lax",
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_locales_have_the_same_keys() {
        let backend = crate::_rust_i18n_backend();
        let keys = |l| {
            let mut k: Vec<String> = backend
                .messages_for_locale(l)
                .unwrap_or_default()
                .into_iter()
                .map(|(k, _)| k.into_owned())
                .collect();
            k.sort();
            k
        };
        let (id, en) = (keys("id"), keys("en"));
        assert!(id.len() > 50, "the Indonesian catalogue is loaded");
        let missing_en: Vec<_> = id.iter().filter(|k| !en.contains(k)).collect();
        let missing_id: Vec<_> = en.iter().filter(|k| !id.contains(k)).collect();
        assert!(missing_en.is_empty(), "missing in en: {missing_en:?}");
        assert!(missing_id.is_empty(), "missing in id: {missing_id:?}");
    }

    /// Every key of a locale file with its value (a block scalar as its lines).
    fn entries(text: &str) -> Vec<(String, String)> {
        let mut path: Vec<(usize, String)> = Vec::new();
        let mut out = Vec::new();
        let mut block: Option<(usize, String, String)> = None;
        for line in text.lines() {
            let indent = line.len() - line.trim_start().len();
            if let Some((at, key, mut value)) = block.take() {
                if line.trim().is_empty() || indent > at {
                    value.push_str(line.trim());
                    value.push('\n');
                    block = Some((at, key, value));
                    continue;
                }
                out.push((key, value));
            }
            let t = line.trim();
            let Some((k, v)) = t.split_once(':').filter(|_| !t.starts_with('#')) else {
                continue;
            };
            while path.last().is_some_and(|(i, _)| *i >= indent) {
                path.pop();
            }
            let key: Vec<&str> = path.iter().map(|(_, k)| k.as_str()).chain([k]).collect();
            let key = key.join(".");
            match v.trim() {
                "" => path.push((indent, k.to_owned())),
                b if b.starts_with('|') => block = Some((indent, key, String::new())),
                v => out.push((key, v.trim_matches('"').to_owned())),
            }
        }
        out.extend(block.map(|(_, k, v)| (k, v)));
        out
    }

    /// Every feature's file goes into one catalogue per language, where a key given twice
    /// keeps one of its values, unseen: a BLKK's "Nama" became "Nama program" because the
    /// aid programs named their own field `name`. A key means one thing everywhere.
    #[test]
    fn no_key_has_two_meanings() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        for lang in ["id", "en"] {
            let mut seen: std::collections::HashMap<String, (String, String)> =
                std::collections::HashMap::new();
            let mut clashes = Vec::new();
            let mut files = 0;
            for feature in std::fs::read_dir(&dir).expect("locales").flatten() {
                let path = feature.path().join(format!("{lang}.yml"));
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                files += 1;
                let name = feature.file_name().to_string_lossy().into_owned();
                for (key, value) in entries(&text) {
                    match seen.get(&key) {
                        Some((other, v)) if *v != value => {
                            clashes.push(format!("{key}: {other} {v:?}, {name} {value:?}"));
                        }
                        Some(_) => {}
                        None => {
                            seen.insert(key, (name.clone(), value));
                        }
                    }
                }
            }
            assert!(files > 10, "the {lang} files are read");
            assert!(seen.contains_key("field.name"), "keys are read whole");
            assert!(clashes.is_empty(), "{lang}: {clashes:#?}");
        }
    }

    #[test]
    fn cookie_selects_english_and_default_is_indonesian() {
        let mut h = HeaderMap::new();
        assert_eq!(Lang::from_cookies(&h), Lang::Id);
        h.insert(header::COOKIE, "a=b; lang=en".parse().unwrap());
        assert_eq!(Lang::from_cookies(&h), Lang::En);
        assert_eq!(Lang::Id.t("nav.directory"), "Direktori");
        assert_eq!(Lang::En.t("nav.directory"), "Directory");
        let e = FieldError {
            field: "aid_year".into(),
            code: "out_of_range",
            args: vec![("min", "2017".into()), ("max", "2027".into())],
        };
        assert_eq!(
            Lang::Id.field_error(&e),
            "Nilai di luar rentang yang diizinkan (2017–2027)."
        );
    }
}
