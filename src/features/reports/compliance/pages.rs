//! The live compliance page: completeness and timeliness of a report type, league tables,
//! the trend, and the BLKK that have not sent it.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use serde::Deserialize;

use super::service::{self, Compliance};
use crate::features::reports::types;
use crate::features::reports::types::model::ReportType;
use crate::kernel::error::AppError;
use crate::kernel::validate::{FieldErrors, check};
use crate::kernel::web::AppState;
use crate::kernel::web::extract::Query;
use crate::kernel::web::nav::href;
use crate::kernel::web::page::{Choice, Page};
use crate::kernel::web::paging::{Paged, Pager, page_number};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ComplianceQuery {
    #[serde(rename = "type")]
    type_id: String,
    period: String,
    scope: String,
    page: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/compliance.html")]
pub struct CompliancePage {
    page: Page,
    c: Option<Compliance>,
    types: Vec<ReportType>,
    query: ComplianceQuery,
    pager: Option<Pager>,
}

impl CompliancePage {
    fn type_options(&self) -> Vec<Choice> {
        self.types
            .iter()
            .map(|t| Choice::new(t.id, t.input.name_id.clone()))
            .collect()
    }

    fn scope_href(&self, scope: &str) -> String {
        let c = self.c.as_ref();
        href(
            "/reports/compliance",
            &[
                (
                    "type",
                    c.map(|c| c.type_id.to_string())
                        .unwrap_or_default()
                        .as_str(),
                ),
                ("period", c.map(|c| c.period.as_str()).unwrap_or_default()),
                ("scope", scope),
            ],
        )
    }
}

pub async fn compliance(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<ComplianceQuery>,
) -> Result<CompliancePage, AppError> {
    let actor = page.require()?;
    let types = types::service::types(&state.db).await?;
    let mut e = FieldErrors::new();
    let type_id = e.take("type", check::int_in(&q.type_id, 1, i64::MAX));
    e.finish(()).map_err(AppError::Invalid)?;
    let type_id = type_id.or_else(|| types.first().map(|t| t.id));
    let c = match type_id {
        Some(t) => Some(
            service::compliance(
                &state.db,
                &actor,
                t,
                Some(q.period.as_str()),
                &q.scope,
                page_number(&q.page)?,
            )
            .await?,
        ),
        None => None,
    };
    let pager = c.as_ref().map(|c| {
        let late = Paged::<()>::new(
            Vec::new(),
            c.late_total,
            crate::kernel::web::paging::Window::new(
                page_number(&q.page).unwrap_or(1),
                service::PAGE_SIZE,
            ),
        );
        let (t, p, s) = (c.type_id.to_string(), c.period.clone(), c.scope.clone());
        late.pager(|n| {
            href(
                "/reports/compliance",
                &[
                    ("type", &t),
                    ("period", &p),
                    ("scope", &s),
                    ("page", &n.to_string()),
                ],
            )
        })
    });
    let title = page.t("compliance.title");
    Ok(CompliancePage {
        page: page.titled(title),
        c,
        types,
        query: q,
        pager,
    })
}
