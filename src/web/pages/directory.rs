//! The public BLKK directory: search and filters, paginated; htmx swaps just the results.

use crate::web::extract::Query;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::areas::{AreaPicker, PickerQuery};
use crate::app::AppError;
use crate::app::centres::{self, DirectoryPage};
use crate::domain::centre::{CentreStatus, HostType};
use crate::storage::centres::DirectoryFilter;
use crate::storage::kejuruan::{self, Kejuruan};
use crate::web::AppState;
use crate::web::page::Page;

/// Directory filters as they arrive in the query string (pages and API).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct DirectoryQuery {
    /// Part of the name (spaces, case and punctuation ignored) or the registration number.
    pub q: String,
    /// Province code, e.g. `36`.
    pub province: String,
    /// Regency code, e.g. `36.01`.
    pub regency: String,
    /// Kejuruan code, e.g. `menjahit`.
    pub kejuruan: String,
    /// `pesantren`, `keagamaan_lain` or `komunitas`.
    pub host_type: String,
    /// `persiapan`, `aktif` or `tidak_aktif`.
    pub status: String,
    /// Id of the supervising UPTP.
    pub pembina: String,
    /// Id of a forum.
    pub forum: String,
    /// `1`: only the BLKK in the signed-in user's scope.
    pub mine: String,
    /// Page number, from 1.
    pub page: String,
}

impl DirectoryQuery {
    pub fn filter(&self) -> DirectoryFilter {
        DirectoryFilter {
            q: self.q.clone(),
            province: self.province.clone(),
            // A regency outside the chosen province is a leftover from before the
            // province changed: ignore it.
            regency: if self.province.is_empty()
                || self.regency.starts_with(&format!("{}.", self.province))
            {
                self.regency.clone()
            } else {
                String::new()
            },
            kejuruan: self.kejuruan.clone(),
            host_type: self.host_type.clone(),
            status: self.status.clone(),
            pembina: self.pembina.trim().parse().ok(),
            forum: self.forum.trim().parse().ok(),
        }
    }

    pub fn mine(&self) -> bool {
        matches!(self.mine.as_str(), "1" | "true")
    }

    pub fn page(&self) -> Result<i64, AppError> {
        match self.page.trim() {
            "" => Ok(1),
            p => p
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=100_000).contains(n))
                .ok_or_else(|| AppError::BadRequest("page must be a positive number".into())),
        }
    }

    /// The query string for page `n` of the same search.
    pub fn href(&self, n: i64) -> String {
        let mut q = self.clone();
        q.page = n.to_string();
        let pairs: Vec<(&str, &str)> = [
            ("q", q.q.as_str()),
            ("province", &q.province),
            ("regency", &q.regency),
            ("kejuruan", &q.kejuruan),
            ("host_type", &q.host_type),
            ("status", &q.status),
            ("pembina", &q.pembina),
            ("forum", &q.forum),
            ("mine", &q.mine),
            ("page", &q.page),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect();
        format!(
            "/centres?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "directory.html")]
pub struct DirectoryView {
    page: Page,
    query: DirectoryQuery,
    results: DirectoryPage,
    picker: AreaPicker,
    kejuruan: Vec<Kejuruan>,
    host_types: Vec<&'static str>,
    statuses: Vec<&'static str>,
}

#[derive(Template, WebTemplate)]
#[template(path = "directory.html", block = "results")]
pub struct DirectoryResults {
    page: Page,
    query: DirectoryQuery,
    results: DirectoryPage,
    kejuruan: Vec<Kejuruan>,
}

impl DirectoryView {
    fn kejuruan_name(&self, code: &str) -> String {
        kejuruan::name_of(&self.kejuruan, code, self.page.lang.code())
    }
}

impl DirectoryResults {
    fn kejuruan_name(&self, code: &str) -> String {
        kejuruan::name_of(&self.kejuruan, code, self.page.lang.code())
    }
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    headers: HeaderMap,
    Query(query): Query<DirectoryQuery>,
) -> Result<Response, AppError> {
    let actor = page.actor();
    let results = centres::directory(
        &state.db,
        actor.as_ref(),
        &query.filter(),
        query.mine(),
        query.page()?,
    )
    .await?;
    let kejuruan = kejuruan::all(&state.db).await?;
    let title = page.t("directory.title");
    if super::is_htmx(&headers) {
        return Ok(DirectoryResults {
            page: page.titled(title),
            query,
            results,
            kejuruan,
        }
        .into_response());
    }
    let picker = AreaPicker::load(
        &state.db,
        2,
        &PickerQuery {
            province: query.province.clone(),
            regency: query.regency.clone(),
            ..Default::default()
        },
    )
    .await?;
    Ok(DirectoryView {
        page: page.titled(title),
        query,
        results,
        picker,
        kejuruan,
        host_types: HostType::ALL.iter().map(|h| h.as_str()).collect(),
        statuses: CentreStatus::ALL.iter().map(|s| s.as_str()).collect(),
    }
    .into_response())
}
