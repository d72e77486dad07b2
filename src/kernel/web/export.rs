//! Lists as files: CSV (streamed, UTF-8 with a byte-order mark so spreadsheet programs read
//! it right) and XLSX (rust_xlsxwriter, rows kept on disk as they are written). Every text
//! cell that a spreadsheet would run as a formula (`= + - @`, tab, carriage return first)
//! is neutralised with a leading apostrophe.

use std::borrow::Cow;
use std::collections::BTreeMap;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use futures_util::future::BoxFuture;
use utoipa::openapi::RefOr;

use crate::kernel::error::AppError;
use crate::kernel::files::Kind;

/// A printable PDF, shown in the browser (`inline`; `filename` names it when saved) and
/// never cached.
pub fn pdf(bytes: Vec<u8>, filename: &str) -> Response {
    named(bytes, "application/pdf", filename, true)
}

/// What a stored file is served under: a sandbox (no scripts, no plugins, an origin of its
/// own) where nothing may be loaded. An uploaded file is someone's content, not ours: a
/// PDF with JavaScript, or a page behind a `%PDF-` header, runs nothing here.
pub const FILE_CSP: &str = "sandbox; default-src 'none'";

/// An uploaded file as every download route serves it (the one place): its real type,
/// never sniffed, under [`FILE_CSP`]; images shown in the browser, everything else (PDF
/// included, whose viewer would run its scripts) downloaded.
pub fn file(bytes: Vec<u8>, kind: Kind, filename: &str) -> Response {
    let mut res = named(bytes, kind.mime(), filename, kind.is_image());
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(FILE_CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res
}

/// The API document's answer of a download route serving [`file`]: 200 with a file of any
/// kind accepted ([`Kind::ALL`]), and the headers it comes with.
pub struct StoredFile;

/// Like [`StoredFile`], for the routes that keep images only (a finding's photos).
pub struct StoredImage;

impl utoipa::IntoResponses for StoredFile {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        stored(Kind::ALL.iter().copied(), "The file, with its type")
    }
}

impl utoipa::IntoResponses for StoredImage {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        stored(Kind::ALL.into_iter().filter(|k| k.is_image()), "The photo")
    }
}

fn stored(
    kinds: impl Iterator<Item = Kind>,
    description: &str,
) -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
    use utoipa::openapi::{ContentBuilder, HeaderBuilder, ResponseBuilder, Type};
    let text = || utoipa::openapi::ObjectBuilder::new().schema_type(Type::String);
    let mut r = ResponseBuilder::new()
        .description(description)
        .header(
            "Content-Security-Policy",
            HeaderBuilder::new()
                .schema(Some(text().enum_values(Some([FILE_CSP]))))
                .build(),
        )
        .header(
            "Content-Disposition",
            HeaderBuilder::new()
                .schema(Some(text()))
                .description(Some("`inline` for images, `attachment` for the rest"))
                .build(),
        );
    for k in kinds {
        r = r.content(
            k.mime(),
            ContentBuilder::new()
                .schema(Some(text().format(Some(
                    utoipa::openapi::SchemaFormat::KnownFormat(
                        utoipa::openapi::KnownFormat::Binary,
                    ),
                ))))
                .build(),
        );
    }
    BTreeMap::from([("200".to_owned(), r.build().into())])
}

/// Bytes shown in the browser when `inline`, else downloaded; named `filename` (any
/// language: RFC 6266 `filename*`), never cached.
fn named(bytes: Vec<u8>, mime: &'static str, filename: &str, inline: bool) -> Response {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let how = if inline { "inline" } else { "attachment" };
    (
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("{how}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// Rows fetched per round trip.
pub const CHUNK: i64 = 1000;
/// The most rows one XLSX holds (CSV streams any number).
pub const MAX_XLSX_ROWS: usize = 200_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn parse(s: &str) -> Result<Format, AppError> {
        match s.trim() {
            "csv" => Ok(Format::Csv),
            "xlsx" | "" => Ok(Format::Xlsx),
            _ => Err(AppError::BadRequest("format must be xlsx or csv".into())),
        }
    }
}

/// `?format=xlsx|csv` of an export address.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct FormatQuery {
    pub format: String,
}

/// A cell as a spreadsheet will not run it.
pub fn neutralise(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// One chunk of rows (`n`-th, from 0); an empty chunk ends the list.
pub type Fetch =
    Box<dyn FnMut(i64) -> BoxFuture<'static, Result<Vec<Vec<String>>, AppError>> + Send>;

/// A [`Fetch`] of rows already at hand (a small list: a BLKK's year).
pub fn rows(rows: Vec<Vec<String>>) -> Fetch {
    let mut rows = Some(rows);
    Box::new(move |_| {
        let chunk = rows.take().unwrap_or_default();
        Box::pin(async move { Ok(chunk) })
    })
}

/// The file of a list: `stem` names it (`blkk` → `blkk-2026-11-23.csv`).
pub async fn respond(
    format: Format,
    stem: &str,
    headers: Vec<String>,
    mut fetch: Fetch,
) -> Result<Response, AppError> {
    let date = crate::kernel::time::now()
        .to_offset(crate::kernel::time::Zone::Wib.offset())
        .date();
    let (ext, mime) = match format {
        Format::Csv => ("csv", "text/csv; charset=utf-8"),
        Format::Xlsx => (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    };
    let first = fetch(0).await?;
    let body = match format {
        Format::Csv => {
            let head = {
                let mut b = b"\xEF\xBB\xBF".to_vec();
                b.extend(csv_bytes(&[headers])?);
                b.extend(csv_bytes(&first)?);
                Bytes::from(b)
            };
            let done = first.len() < CHUNK as usize;
            let rest = futures_util::stream::unfold(
                (fetch, 1i64, done),
                |(mut fetch, n, done)| async move {
                    if done {
                        return None;
                    }
                    match fetch(n).await {
                        Ok(rows) if rows.is_empty() => None,
                        Ok(rows) => {
                            let last = rows.len() < CHUNK as usize;
                            let bytes = csv_bytes(&rows).map(Bytes::from);
                            Some((bytes.map_err(std::io::Error::other), (fetch, n + 1, last)))
                        }
                        Err(e) => Some((
                            Err(std::io::Error::other(format!("{e:?}"))),
                            (fetch, n + 1, true),
                        )),
                    }
                },
            );
            let head = futures_util::stream::once(async move { Ok::<_, std::io::Error>(head) });
            // Fused: the compression layer may poll once more after the end, which an
            // unfused `unfold` answers with a panic.
            use futures_util::StreamExt;
            Body::from_stream(head.chain(rest).fuse())
        }
        Format::Xlsx => {
            let mut rows = first;
            let mut n = 1;
            if rows.len() == CHUNK as usize {
                loop {
                    let more = fetch(n).await?;
                    let last = more.len() < CHUNK as usize;
                    rows.extend(more);
                    if rows.len() > MAX_XLSX_ROWS {
                        return Err(AppError::BadRequest(format!(
                            "more than {MAX_XLSX_ROWS} rows: narrow the filters or use CSV"
                        )));
                    }
                    if last {
                        break;
                    }
                    n += 1;
                }
            }
            let bytes = tokio::task::spawn_blocking(move || xlsx_bytes(&headers, &rows))
                .await
                .map_err(AppError::internal)??;
            Body::from(bytes)
        }
    };
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{stem}-{date}.{ext}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

fn csv_bytes(rows: &[Vec<String>]) -> Result<Vec<u8>, AppError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(r.iter().map(|c| neutralise(c).into_owned()))
            .map_err(AppError::internal)?;
    }
    w.into_inner()
        .map_err(|e| AppError::internal(anyhow::anyhow!("{e}")))
}

fn xlsx_bytes(headers: &[String], rows: &[Vec<String>]) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format as CellFormat, Workbook};
    let mut book = Workbook::new();
    let bold = CellFormat::new().set_bold();
    let sheet = book
        .add_worksheet_with_constant_memory()
        .map_err(AppError::internal)?;
    for (c, h) in headers.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, neutralise(h), &bold)
            .map_err(AppError::internal)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            // Always text: nothing in an export is ever a formula.
            sheet
                .write_string(r as u32 + 1, c as u16, neutralise(v))
                .map_err(AppError::internal)?;
        }
    }
    book.save_to_buffer().map_err(AppError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(neutralise("=1+1"), "'=1+1");
        assert_eq!(neutralise("+62812"), "'+62812");
        assert_eq!(neutralise("-2"), "'-2");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("BLK Komunitas"), "BLK Komunitas");
        assert_eq!(neutralise(""), "");
    }
}
