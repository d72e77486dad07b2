//! The signed-in user's own page: who they are, their organisation and scope.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use crate::app::AppError;
use crate::app::centres;
use crate::domain::access::Scope;
use crate::storage::users::User;
use crate::web::AppState;
use crate::web::page::Page;

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
pub struct AccountPage {
    page: Page,
    user: User,
    /// Translation key describing the scope.
    scope_key: &'static str,
    in_scope: i64,
}

pub async fn show(State(state): State<AppState>, page: Page) -> Result<AccountPage, AppError> {
    let actor = page.require()?;
    let user = page.user.clone().ok_or(AppError::Unauthenticated)?;
    let scope_key = match actor.centre_scope() {
        Scope::All => "account.scope_all",
        Scope::Pembina(_) => "account.scope_pembina",
        Scope::Region(_) => "account.scope_region",
        Scope::Forum(_) => "account.scope_forum",
        Scope::Centre(_) => "account.scope_centre",
        Scope::Nothing => "account.scope_nothing",
    };
    let in_scope = centres::directory(&state.db, Some(&actor), &Default::default(), true, 1)
        .await?
        .total;
    let title = page.t("account.title");
    Ok(AccountPage {
        page: page.titled(title),
        user,
        scope_key,
        in_scope,
    })
}
