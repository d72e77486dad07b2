//! The area picker alone, for htmx to refresh it when a choice changes.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use super::service::{self, Picker, PickerChoice};
use crate::kernel::error::AppError;
use crate::kernel::web::AppState;
use crate::kernel::web::extract::Query;
use crate::kernel::web::page::Page;

#[derive(Template, WebTemplate)]
#[template(path = "areas/picker_fragment.html")]
pub struct PickerFragment {
    page: Page,
    picker: Picker,
}

pub async fn options(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<PickerChoice>,
) -> Result<PickerFragment, AppError> {
    let levels = if q.levels == "4" { 4 } else { 2 };
    Ok(PickerFragment {
        picker: service::picker(&state.db, levels, &q).await?,
        page,
    })
}
