//! `/notifications`: the signed-in user's notifications, newest first; opening the page
//! does not mark them read, the button does.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::service::{self, Notification};
use crate::kernel::error::AppError;
use crate::kernel::web::AppState;
use crate::kernel::web::extract::{FormBody, Query};
use crate::kernel::web::nav::href;
use crate::kernel::web::page::Page;
use crate::kernel::web::paging::{Paged, Pager, page_number};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    page: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "notifications/list.html")]
pub struct ListPage {
    page: Page,
    list: Paged<Notification>,
    pager: Pager,
    unread: i64,
}

pub async fn list(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<ListQuery>,
) -> Result<ListPage, AppError> {
    let actor = page.require()?;
    let (list, unread) = service::list(&state.db, &actor, page_number(&q.page)?).await?;
    let pager = list.pager(|n| href("/notifications", &[("page", &n.to_string())]));
    let title = page.t("notifications.title");
    Ok(ListPage {
        page: page.titled(title),
        list,
        pager,
        unread,
    })
}

pub async fn mark_read(
    State(state): State<AppState>,
    page: Page,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let _: std::collections::HashMap<String, String> = body.parse()?;
    service::mark_read(&state.db, &actor).await?;
    Ok(Redirect::to("/notifications?done=notifications_read").into_response())
}
