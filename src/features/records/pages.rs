//! `/records/options`: a picker's choices as an HTML fragment (htmx swaps it in as one
//! types).

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use super::service;
use crate::kernel::error::AppError;
use crate::kernel::web::AppState;
use crate::kernel::web::export;
use crate::kernel::web::extract::Query;
use crate::kernel::web::page::Page;
use crate::kernel::web::picker::RecordPicker;

#[derive(Template, WebTemplate)]
#[template(path = "records/options.html")]
pub struct Options {
    page: Page,
    picker: RecordPicker,
}

/// `?kind=centre&field=centre_id&centre_id_q=darul`.
pub async fn options(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Options, AppError> {
    let actor = page.require()?;
    let get = |k: &str| q.get(k).map_or("", String::as_str);
    let field = get("field");
    let picker = service::options(
        &state.db,
        &actor,
        get("kind"),
        field,
        get(&format!("{field}_q")),
    )
    .await?;
    Ok(Options { page, picker })
}

/// A record's attached file, as the pages of every record kind serve it (sandboxed, see
/// [`export::file`]): `path` is the kind's file path (`reports`, `actions`, ...).
pub async fn download(
    state: &AppState,
    page: &Page,
    path: &str,
    id: i64,
    attachment_id: i64,
) -> Result<axum::response::Response, AppError> {
    let actor = page.require()?;
    let (a, kind, bytes) = service::file(
        &state.db,
        &state.config.files,
        &actor,
        path,
        id,
        attachment_id,
    )
    .await?;
    Ok(export::file(bytes, kind, &a.name))
}
