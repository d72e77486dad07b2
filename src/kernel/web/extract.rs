//! Request extractors whose failures are [`AppError`]s, so a malformed path, query, form or
//! JSON body gets the same JSON error or friendly page as every other error. Handlers use
//! these, never axum's own.
//!
//! Text reaching a service never holds a NUL character (PostgreSQL cannot store one): the
//! [`refuse_nul`] layer checks paths and query strings, [`Form`] and [`ApiJson`] their
//! bodies.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::kernel::error::AppError;
use crate::kernel::validate::strict_json;

/// A path parameter; one that does not parse (`/centres/abc`) is a 404.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct Path<T>(pub T);

/// Query parameters (repeated keys allowed).
#[derive(FromRequestParts)]
#[from_request(via(axum_extra::extract::Query), rejection(AppError))]
pub struct Query<T>(pub T);

impl From<axum::extract::rejection::PathRejection> for AppError {
    fn from(_: axum::extract::rejection::PathRejection) -> Self {
        AppError::NotFound
    }
}

impl From<axum_extra::extract::QueryRejection> for AppError {
    fn from(r: axum_extra::extract::QueryRejection) -> Self {
        AppError::BadRequest(r.body_text())
    }
}

/// Refuses a request whose path or query holds a NUL (`%00`), before any handler sees it.
pub async fn refuse_nul(req: Request, next: Next) -> Response {
    let uri = req.uri().path_and_query().map_or("", |p| p.as_str());
    if has_encoded_nul(uri.as_bytes()) {
        return AppError::BadRequest("the address must not contain NUL characters".into())
            .into_response();
    }
    next.run(req).await
}

/// Whether URL-encoded text holds a NUL (`%00`, or a raw zero byte).
fn has_encoded_nul(bytes: &[u8]) -> bool {
    bytes.contains(&0)
        || bytes
            .windows(3)
            .any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0')
}

async fn body<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, AppError> {
    Bytes::from_request(req, state).await.map_err(|r| {
        if r.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge
        } else {
            AppError::BadRequest(r.body_text())
        }
    })
}

/// The names of a struct's fields, as serde knows them.
pub fn field_names<T: DeserializeOwned>() -> &'static [&'static str] {
    use serde::de::{self, Deserializer, Visitor};
    struct Names(Option<&'static [&'static str]>);
    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("stop")
        }
    }
    impl std::error::Error for Stop {}
    impl de::Error for Stop {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    impl<'de> Deserializer<'de> for &mut Names {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.0 = Some(fields);
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }
    let mut names = Names(None);
    let _ = T::deserialize(&mut names);
    names.0.unwrap_or(&[])
}

/// An URL-encoded form body (repeated keys allowed, for checkboxes). Keys the target struct
/// does not have (`_csrf`, the area picker's helpers) are left for other parsers of the
/// same body, so one input struct serves the form and the API, which refuses unknown keys.
pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let bytes = body(req, state).await?;
        Ok(Form(parse_form(&bytes)?))
    }
}

/// A form body read whole, for handlers that parse it into more than one struct (the
/// record's input and, say, the area picker's choices).
pub struct FormBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for FormBody {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        Ok(FormBody(body(req, state).await?))
    }
}

impl FormBody {
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, AppError> {
        parse_form(&self.0)
    }
}

/// Parses a form body into `T`, keeping only `T`'s own keys.
pub fn parse_form<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    if has_encoded_nul(bytes) {
        return Err(AppError::BadRequest(
            "form values must not contain NUL characters".into(),
        ));
    }
    let names = field_names::<T>();
    let kept: Vec<(String, String)> = form_urlencoded::parse(bytes)
        .filter(|(k, _)| names.is_empty() || names.contains(&k.as_ref()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let encoded = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&kept)
        .finish();
    serde_html_form::from_str(&encoded).map_err(|e| AppError::BadRequest(e.to_string()))
}

/// A JSON body: `application/json` (else 415), an object (a top-level array is refused,
/// never read by position), no NUL in any text, only the documented fields (structs say
/// `deny_unknown_fields`), numbers as JSON numbers.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| {
                let v = v.trim();
                v.eq_ignore_ascii_case("application/json")
                    || (v.starts_with("application/") && v.ends_with("+json"))
            });
        if !is_json {
            return Err(AppError::UnsupportedMediaType);
        }
        let bytes = body(req, state).await?;
        Ok(ApiJson(parse_json(&bytes)?))
    }
}

/// Parses an API body (see [`ApiJson`]).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| AppError::BadRequest(e.to_string()))?;
    if !value.is_object() {
        return Err(AppError::BadRequest(
            "the body must be a JSON object".into(),
        ));
    }
    if holds_nul(&value) {
        return Err(AppError::BadRequest(
            "text must not contain NUL characters".into(),
        ));
    }
    strict_json(|| T::deserialize(value)).map_err(|e| AppError::BadRequest(e.to_string()))
}

fn holds_nul(v: &Value) -> bool {
    match v {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(holds_nul),
        Value::Object(m) => m.iter().any(|(k, v)| k.contains('\0') || holds_nul(v)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::validate::{Num, Patch};
    use serde::Deserialize;

    #[derive(Debug, Deserialize, Default, PartialEq)]
    #[serde(default, deny_unknown_fields)]
    struct Input {
        name: Patch<String>,
        lat: Patch<Num>,
        tags: Patch<Vec<String>>,
    }

    #[test]
    fn forms_keep_their_own_keys_and_the_api_refuses_others() {
        let f: Input = parse_form(b"_csrf=x&name=A&lat=-6%2C5&tags=&tags=tik&province=36").unwrap();
        assert_eq!(f.name, Patch::Set("A".into()));
        assert_eq!(f.lat, Patch::Set(Num("-6,5".into())));
        assert_eq!(f.tags, Patch::Set(vec!["".into(), "tik".into()]));
        let empty: Input = parse_form(b"name=&lat=").unwrap();
        assert_eq!((empty.name, empty.lat), (Patch::Null, Patch::Null));
        assert!(matches!(
            parse_json::<Input>(br#"{"nama": "A"}"#),
            Err(AppError::BadRequest(_))
        ));
        assert!(matches!(
            parse_json::<Input>(br#"["A", "1"]"#),
            Err(AppError::BadRequest(_))
        ));
        assert!(matches!(
            parse_json::<Input>(br#"{"lat": "1"}"#),
            Err(AppError::BadRequest(_))
        ));
        assert!(matches!(
            parse_json::<Input>(br#"{"name": "a\u0000b"}"#),
            Err(AppError::BadRequest(_))
        ));
        assert!(matches!(
            parse_form::<Input>(b"name=a%00b"),
            Err(AppError::BadRequest(_))
        ));
        let ok: Input = parse_json(br#"{"lat": 1.5, "name": null}"#).unwrap();
        assert_eq!(
            (ok.lat, ok.name),
            (Patch::Set(Num("1.5".into())), Patch::Null)
        );
        assert_eq!(field_names::<Input>(), ["name", "lat", "tags"]);
    }

    #[test]
    fn encoded_nul_is_found() {
        assert!(has_encoded_nul(b"/centres?q=a%00b"));
        assert!(!has_encoded_nul(b"/centres?q=a%2500b"));
        assert!(!has_encoded_nul(b"/centres?page=100"));
    }
}

/// The largest body of a request carrying an attachment: the file's read limit and the
/// form around it.
pub const UPLOAD_BODY_BYTES: usize = crate::kernel::files::UPLOAD_READ + 64 * 1024;

/// The body limit of a route taking an attachment.
pub fn upload_limit() -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(UPLOAD_BODY_BYTES)
}

/// An API route taking an attachment, with [`upload_limit`] on that route alone.
pub fn with_upload_limit(
    r: utoipa_axum::router::UtoipaMethodRouter<super::AppState>,
) -> utoipa_axum::router::UtoipaMethodRouter<super::AppState> {
    let (schemas, paths, method) = r;
    (schemas, paths, method.layer(upload_limit()))
}

/// The largest file an upload may carry.
pub const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;

/// A `multipart/form-data` body with one file (field `file`) and the form's other fields.
/// A file over `MAX` bytes ([`MAX_UPLOAD_BYTES`] unless named) is refused (413) as it
/// arrives, not after; the route's body limit must allow it.
#[derive(Debug, Default)]
pub struct Upload<const MAX: usize = MAX_UPLOAD_BYTES> {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub fields: Vec<(String, String)>,
}

impl<const MAX: usize> Upload<MAX> {
    pub fn field(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

impl<S: Send + Sync, const MAX: usize> FromRequest<S> for Upload<MAX> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let mut parts = axum::extract::Multipart::from_request(req, state)
            .await
            .map_err(|_| AppError::UnsupportedMediaType)?;
        let mut up = Upload::<MAX>::default();
        let mut has_file = false;
        while let Some(mut field) = parts.next_field().await.map_err(multipart_error)? {
            let name = field.name().unwrap_or_default().to_owned();
            if name == "file" {
                has_file = true;
                up.file_name = field.file_name().unwrap_or_default().to_owned();
                while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                    if up.bytes.len() + chunk.len() > MAX {
                        return Err(AppError::TooLarge);
                    }
                    up.bytes.extend_from_slice(&chunk);
                }
            } else {
                let text = field.text().await.map_err(multipart_error)?;
                if text.contains('\0') {
                    return Err(AppError::BadRequest(
                        "form values must not contain NUL characters".into(),
                    ));
                }
                up.fields.push((name, text));
            }
        }
        if !has_file {
            return Err(AppError::invalid("file", "required"));
        }
        Ok(up)
    }
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> AppError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge
    } else {
        AppError::BadRequest(e.body_text())
    }
}
