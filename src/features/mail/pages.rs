//! The outbox page: every queued message, for ministry admins. Without an SMTP server (the
//! demo) this is where mail is read.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use serde::Deserialize;

use super::model::OutboxEntry;
use super::service;
use crate::kernel::error::AppError;
use crate::kernel::web::AppState;
use crate::kernel::web::extract::Query;
use crate::kernel::web::page::Page;
use crate::kernel::web::paging::{Paged, Pager, page_number};

#[derive(Template, WebTemplate)]
#[template(path = "mail/outbox.html")]
pub struct OutboxPage {
    page: Page,
    mails: Paged<OutboxEntry>,
    pager: Pager,
    waiting: i64,
    /// No SMTP server: messages stay here, bodies shown so they can be read.
    no_smtp: bool,
}

impl OutboxPage {
    fn shows_body(&self, m: &OutboxEntry) -> bool {
        !m.body.is_empty() && (self.no_smtp || !m.secret)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OutboxQuery {
    page: String,
}

pub async fn outbox(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<OutboxQuery>,
) -> Result<OutboxPage, AppError> {
    let actor = page.require()?;
    let (mails, waiting) = service::outbox(&state.db, &actor, page_number(&q.page)?).await?;
    let title = page.t("outbox.title");
    Ok(OutboxPage {
        page: page.titled(title),
        pager: mails.pager(|n| format!("/outbox?page={n}")),
        mails,
        waiting,
        no_smtp: state.config.smtp_url.is_none(),
    })
}
