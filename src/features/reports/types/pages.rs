//! The report types page: each type with its indicators.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use super::model::ReportType;
use super::service;
use crate::kernel::error::AppError;
use crate::kernel::web::AppState;
use crate::kernel::web::page::Page;

#[derive(Template, WebTemplate)]
#[template(path = "reports/types.html")]
pub struct TypesPage {
    page: Page,
    types: Vec<ReportType>,
}

pub async fn types(State(state): State<AppState>, page: Page) -> Result<TypesPage, AppError> {
    page.require()?;
    let types = service::types(&state.db).await?;
    let title = page.t("report_types.title");
    Ok(TypesPage {
        page: page.titled(title),
        types,
    })
}
