//! The live compliance page: completeness and timeliness of a report type, league tables,
//! the trend, and the BLKK that have not sent it.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use serde::Deserialize;

use super::service::{self, Compliance, Grid};
use crate::features::figures::service as figures_service;
use crate::features::reports::types;
use crate::features::reports::types::model::ReportType;
use crate::kernel::access::Scope;
use crate::kernel::error::AppError;
use crate::kernel::figures;
use crate::kernel::validate::{FieldErrors, check};
use crate::kernel::web::AppState;
use crate::kernel::web::extract::Query;
use crate::kernel::web::nav::href;
use crate::kernel::web::page::{Choice, Page};
use crate::kernel::web::paging::{Paged, Pager, page_number};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ComplianceQuery {
    #[serde(rename = "type")]
    type_id: String,
    period: String,
    scope: String,
    page: String,
    sort: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/compliance.html")]
pub struct CompliancePage {
    page: Page,
    c: Option<Compliance>,
    types: Vec<ReportType>,
    query: ComplianceQuery,
    pager: Option<Pager>,
    errors: FieldErrors,
    scopes: Vec<Choice>,
    periods: Vec<Choice>,
    grid: Option<Grid>,
}

impl CompliancePage {
    fn type_options(&self) -> Vec<Choice> {
        self.types
            .iter()
            .map(|t| Choice::new(t.id, t.input.name_id.clone()))
            .collect()
    }

    fn chosen_type(&self) -> String {
        match &self.c {
            Some(c) => c.type_id.to_string(),
            None => self.query.type_id.clone(),
        }
    }

    fn chosen_period(&self) -> String {
        match &self.c {
            Some(c) => c.period.clone(),
            None => self.query.period.clone(),
        }
    }

    fn chosen_scope(&self) -> String {
        match self.query.scope.trim() {
            "" => self
                .scopes
                .first()
                .map(|s| s.value.clone())
                .unwrap_or_default(),
            s => s.to_owned(),
        }
    }

    fn scope_href(&self, scope: &str) -> String {
        self.href(scope, "")
    }

    fn sort_href(&self, sort: &str) -> String {
        format!("{}#tahun", self.href("nation", sort))
    }

    fn href(&self, scope: &str, sort: &str) -> String {
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
                ("sort", sort),
            ],
        )
    }
}

pub async fn compliance(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<ComplianceQuery>,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let types = types::service::types(&state.db).await?;
    let mut e = FieldErrors::new();
    let type_id = e.take("type", check::int_in(&q.type_id, 1, i64::MAX));
    let type_id = type_id.or_else(|| types.first().map(|t| t.id));
    let chosen = types.iter().find(|t| Some(t.id) == type_id);
    if type_id.is_some() && chosen.is_none() && e.get("type").is_none() {
        e.add("type", "invalid_choice");
    }
    // The scope is chosen from those the user holds; anything else is refused beside it.
    let current = figures::parse_scope(&q.scope);
    let scopes =
        figures_service::scope_choices(&state.db, &actor, current.as_ref().unwrap_or(&Scope::All))
            .await?;
    let scope = q.scope.trim();
    if !scope.is_empty() && !scopes.iter().any(|s| s.value == scope) {
        e.add("scope", "invalid_choice");
    }
    let mut c = None;
    if let (true, Some(t)) = (e.is_empty(), chosen) {
        match service::compliance(
            &state.db,
            &actor,
            t.id,
            Some(q.period.as_str()),
            &q.scope,
            page_number(&q.page)?,
        )
        .await
        {
            Ok(v) => c = Some(v),
            Err(AppError::Invalid(fe)) => e.merge(fe),
            Err(AppError::Forbidden) => e.add("scope", "invalid_choice"),
            Err(other) => return Err(other),
        }
    }
    // The provinces over a year, for the ministry's national view.
    let mut grid = None;
    if let Some(cc) = c
        .as_ref()
        .filter(|_| actor.centre_scope() == Scope::All && matches!(scope, "" | "nation"))
    {
        match service::grid(&state.db, &actor, cc.type_id, Some(&cc.period), &q.sort).await {
            Ok(g) => grid = Some(g),
            Err(AppError::Invalid(fe)) => e.merge(fe),
            Err(other) => return Err(other),
        }
    }
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
    let mut periods: Vec<Choice> = chosen
        .map(|t| figures_service::period_choices(t.input.frequency, 24))
        .unwrap_or_default()
        .into_iter()
        .map(|p| Choice::new(&p, p.clone()))
        .collect();
    if let Some(cc) = c
        .as_ref()
        .filter(|cc| !periods.iter().any(|p| p.value == cc.period))
    {
        periods.push(Choice::new(&cc.period, cc.period.clone()));
    }
    let scopes = scopes
        .into_iter()
        .map(|s| {
            let kind = page.t(&format!("scope.{}", s.kind));
            let label = if s.name.is_empty() {
                kind.into_owned()
            } else {
                format!("{kind} {}", s.name)
            };
            Choice::new(&s.value, label)
        })
        .collect();
    let title = page.t("compliance.title");
    let status = if e.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let body = CompliancePage {
        page: page.titled(title),
        c,
        types,
        query: q,
        pager,
        errors: e,
        scopes,
        periods,
        grid,
    };
    Ok((status, body).into_response())
}
