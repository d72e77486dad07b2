//! Report pages: a BLKK's reporting obligations and the reports in a user's scope, their
//! export, and opening a report; one report is in [`report`].

pub mod report;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::model::{ReportHead, ReportStatus};
use super::service::{self, ListFilter, Obligation};
use crate::features::reports::period::Period;
use crate::features::reports::types;
use crate::features::reports::types::model::ReportType;
use crate::kernel::access::Role;
use crate::kernel::error::AppError;
use crate::kernel::validate::{FieldErrors, check};
use crate::kernel::web::AppState;
use crate::kernel::web::export;
use crate::kernel::web::extract::{FormBody, Query};
use crate::kernel::web::form_answer::saved_or_again;
use crate::kernel::web::nav::href;
use crate::kernel::web::page::{Choice, Page};
use crate::kernel::web::paging::{Paged, Pager, page_number};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct IndexQuery {
    #[serde(rename = "type")]
    type_id: String,
    period: String,
    status: String,
    page: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/index.html")]
pub struct IndexPage {
    page: Page,
    obligations: Vec<Obligation>,
    centre_id: i64,
    list: Paged<ReportHead>,
    pager: Pager,
    types: Vec<ReportType>,
    query: IndexQuery,
    errors: FieldErrors,
}

impl IndexPage {
    fn status_options(&self) -> Vec<Choice> {
        self.page.choices("report_status", ReportStatus::ALL)
    }

    fn type_options(&self) -> Vec<Choice> {
        self.types
            .iter()
            .map(|t| Choice::new(t.id, t.input.name_id.clone()))
            .collect()
    }

    fn export_href(&self, format: &str) -> String {
        href(
            "/reports/export",
            &[
                ("format", format),
                ("type", &self.query.type_id),
                ("period", &self.query.period),
                ("status", &self.query.status),
            ],
        )
    }

    /// Late reports are no longer taken for the period.
    fn closed(&self, o: &Obligation, p: &Period) -> bool {
        let t = &o.report_type.input;
        p.due(t.due_day) + time::Duration::days(t.grace_days) < crate::kernel::time::today()
    }

    fn due_of(&self, o: &Obligation, p: &Period) -> String {
        self.page.date(&p.due(o.report_type.input.due_day))
    }
}

async fn index_page(
    state: &AppState,
    page: Page,
    q: IndexQuery,
    errors: FieldErrors,
) -> Result<IndexPage, AppError> {
    let actor = page.require()?;
    let f = q.filter()?;
    let own = match (actor.role, actor.org_id) {
        (Role::Pengelola, Some(c)) => Some(c),
        _ => None,
    };
    let obligations = match own {
        Some(c) => service::obligations(&state.db, &actor, c).await?,
        None => Vec::new(),
    };
    let list = service::list(&state.db, &actor, &f, page_number(&q.page)?).await?;
    let pairs = [
        ("type", q.type_id.clone()),
        ("period", q.period.clone()),
        ("status", q.status.clone()),
    ];
    let pager = list.pager(|n| {
        let mut p: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let n = n.to_string();
        p.push(("page", &n));
        href("/reports", &p)
    });
    let types = types::service::types(&state.db).await?;
    let title = page.t("reports.title");
    Ok(IndexPage {
        page: page.titled(title),
        obligations,
        centre_id: own.unwrap_or(0),
        list,
        pager,
        types,
        query: q,
        errors,
    })
}

pub async fn index(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<IndexQuery>,
) -> Result<IndexPage, AppError> {
    index_page(&state, page, q, FieldErrors::new()).await
}

impl IndexQuery {
    fn filter(&self) -> Result<ListFilter, AppError> {
        let mut e = FieldErrors::new();
        let type_id = e.take("type", check::int_in(&self.type_id, 1, i64::MAX));
        let period = self.period.trim();
        if !period.is_empty() && Period::parse(period).is_none() {
            e.add("period", "invalid_period");
        }
        e.finish(()).map_err(AppError::Invalid)?;
        Ok(ListFilter {
            centre: None,
            type_id,
            period: (!period.is_empty()).then(|| period.to_owned()),
            status: ReportStatus::parse(self.status.trim()),
        })
    }
}

/// The report list as XLSX or CSV, with the list's filters (`/reports/export?format=xlsx`).
pub async fn export(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<IndexQuery>,
    Query(f): Query<export::FormatQuery>,
) -> Result<Response, AppError> {
    let format = export::Format::parse(&f.format)?;
    let actor = page.require()?;
    let filter = q.filter()?;
    let headers = vec![
        page.field_label("type").into_owned(),
        page.field_label("period").into_owned(),
        "BLKK".to_owned(),
        page.field_label("status").into_owned(),
        page.t("reports.due").into_owned(),
        page.t("report.submitted_at").into_owned(),
        page.t("report.on_time").into_owned(),
    ];
    let statuses: Vec<(ReportStatus, String)> = ReportStatus::ALL
        .iter()
        .map(|s| (*s, page.label("report_status", s.as_str()).into_owned()))
        .collect();
    let (yes, no) = (
        page.t("form.yes").into_owned(),
        page.t("form.no").into_owned(),
    );
    let db = state.db.clone();
    let fetch: export::Fetch = Box::new(move |n| {
        let (db, actor, filter, statuses, yes, no) = (
            db.clone(),
            actor.clone(),
            filter.clone(),
            statuses.clone(),
            yes.clone(),
            no.clone(),
        );
        Box::pin(async move {
            let rows = service::export_chunk(&db, &actor, &filter, n, export::CHUNK).await?;
            Ok(rows
                .into_iter()
                .map(|r| {
                    let status = statuses.iter().find(|(s, _)| *s == r.status);
                    vec![
                        r.type_name,
                        r.period,
                        r.centre_name,
                        status.map(|(_, l)| l.clone()).unwrap_or_default(),
                        r.due_date.to_string(),
                        r.submitted_at
                            .map(|t| t.date().to_string())
                            .unwrap_or_default(),
                        r.on_time
                            .map(|t| if t { yes.clone() } else { no.clone() })
                            .unwrap_or_default(),
                    ]
                })
                .collect())
        })
    });
    export::respond(format, "laporan", headers, fetch).await
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OpenForm {
    type_id: String,
    centre_id: String,
    period: String,
}

/// Opens (or creates) the report of a period and goes to it.
pub async fn open(
    State(state): State<AppState>,
    page: Page,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let form: OpenForm = body.parse()?;
    let ids = (form.type_id.trim().parse(), form.centre_id.trim().parse());
    let (Ok(type_id), Ok(centre_id)) = ids else {
        return Err(AppError::BadRequest(
            "type_id and centre_id are numbers".into(),
        ));
    };
    saved_or_again(
        service::open(&state.db, &actor, type_id, centre_id, &form.period).await,
        |(id, _)| format!("/reports/{id}"),
        |errors| index_page(&state, page, IndexQuery::default(), errors),
    )
    .await
}
