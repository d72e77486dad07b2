//! The front page: what Simandiri is, a search box, and live national figures.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use crate::app::AppError;
use crate::storage::centres::{self, Totals};
use crate::web::AppState;
use crate::web::page::Page;

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    page: Page,
    totals: Totals,
}

pub async fn show(State(state): State<AppState>, page: Page) -> Result<HomePage, AppError> {
    let totals = centres::totals(&state.db).await?;
    let title = page.t("home.title");
    Ok(HomePage {
        page: page.titled(title),
        totals,
    })
}
