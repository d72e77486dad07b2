//! The front page: what Simandiri is, a search box, and live national figures.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use crate::features::centres::model::Totals;
use crate::features::centres::service;
use crate::kernel::error::AppError;
use crate::kernel::web::AppState;
use crate::kernel::web::page::Page;

#[derive(Template, WebTemplate)]
#[template(path = "home/index.html")]
pub struct HomePage {
    page: Page,
    totals: Totals,
}

pub async fn show(State(state): State<AppState>, page: Page) -> Result<HomePage, AppError> {
    let totals = service::totals(&state.db).await?;
    let title = page.t("home.title");
    Ok(HomePage {
        page: page.titled(title),
        totals,
    })
}
