//! `/records/options`: a picker's choices as an HTML fragment (htmx swaps it in as one
//! types).

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use super::service;
use crate::kernel::error::AppError;
use crate::kernel::web::AppState;
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
