//! What the lists of BLKK show: the directory search (its query, filters and lines, and
//! what an export adds), a supervisor's table of their BLKK, and the national counts. No
//! I/O here.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{CentreStatus, Completeness, HostType};
use crate::code_enum;

/// Directory filters as they arrive in a query string (pages and API alike).
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
    #[param(value_type = Option<HostType>)]
    pub host_type: String,
    #[param(value_type = Option<CentreStatus>)]
    pub status: String,
    /// Id of the supervising UPTP.
    #[param(value_type = Option<i64>)]
    pub pembina: String,
    /// Id of a forum.
    #[param(value_type = Option<i64>)]
    pub forum: String,
    /// `1`: only the BLKK in the signed-in user's scope (sign-in required).
    #[param(value_type = Option<String>, pattern = "^(1|true|0|false)?$")]
    pub mine: String,
    /// Page number, from 1.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100000)]
    pub page: String,
}

impl DirectoryQuery {
    /// The filter these parameters ask for; an unknown code or a malformed id is a bad
    /// request.
    pub fn filter(&self) -> Result<DirectoryFilter, crate::kernel::error::AppError> {
        use crate::kernel::error::AppError;
        fn code<T>(
            v: &str,
            parse: fn(&str) -> Option<T>,
            what: &str,
        ) -> Result<Option<T>, AppError> {
            match v.trim() {
                "" => Ok(None),
                s => parse(s)
                    .map(Some)
                    .ok_or_else(|| AppError::BadRequest(format!("unknown {what}"))),
            }
        }
        fn id(v: &str, what: &str) -> Result<Option<i64>, AppError> {
            code(v, |s| s.parse::<i64>().ok(), what)
        }
        Ok(DirectoryFilter {
            q: self.q.clone(),
            province: self.province.trim().to_owned(),
            // A regency outside the chosen province is a leftover from before the
            // province changed: ignore it.
            regency: if self.province.trim().is_empty()
                || self
                    .regency
                    .starts_with(&format!("{}.", self.province.trim()))
            {
                self.regency.trim().to_owned()
            } else {
                String::new()
            },
            kejuruan: self.kejuruan.trim().to_owned(),
            host_type: code(&self.host_type, HostType::parse, "host_type")?,
            status: code(&self.status, CentreStatus::parse, "status")?,
            pembina: id(&self.pembina, "pembina")?,
            forum: id(&self.forum, "forum")?,
        })
    }

    /// Whether only the user's own BLKK are asked for.
    pub fn mine(&self) -> Result<bool, crate::kernel::error::AppError> {
        match self.mine.as_str() {
            "1" | "true" => Ok(true),
            "" | "0" | "false" => Ok(false),
            _ => Err(crate::kernel::error::AppError::BadRequest(
                "mine must be 1 or 0".into(),
            )),
        }
    }

    /// How many filters besides the name are set (the "Filter (n)" button).
    pub fn active_filters(&self) -> i64 {
        [
            &self.province,
            &self.regency,
            &self.kejuruan,
            &self.host_type,
            &self.status,
            &self.mine,
        ]
        .iter()
        .filter(|v| !v.trim().is_empty() && v.as_str() != "0" && v.as_str() != "false")
        .count() as i64
    }

    /// The same list as a file (`xlsx` or `csv`).
    pub fn export_href(&self, format: &str) -> String {
        let page = self.href(1);
        let query = page.strip_prefix("/centres").unwrap_or_default();
        match query.strip_prefix('?') {
            Some(q) => format!("/centres/export?format={format}&{q}"),
            None => format!("/centres/export?format={format}"),
        }
    }

    /// The address of page `n` of the same search, without empty parameters.
    pub fn href(&self, n: i64) -> String {
        let page = n.to_string();
        crate::kernel::web::nav::href(
            "/centres",
            &[
                ("q", self.q.as_str()),
                ("province", &self.province),
                ("regency", &self.regency),
                ("kejuruan", &self.kejuruan),
                ("host_type", &self.host_type),
                ("status", &self.status),
                ("pembina", &self.pembina),
                ("forum", &self.forum),
                ("mine", &self.mine),
                ("page", if n > 1 { &page } else { "" }),
            ],
        )
    }
}

/// Directory filters. Empty strings mean "any".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DirectoryFilter {
    pub q: String,
    pub province: String,
    pub regency: String,
    pub kejuruan: String,
    pub host_type: Option<HostType>,
    pub status: Option<CentreStatus>,
    pub pembina: Option<i64>,
    pub forum: Option<i64>,
}

impl DirectoryFilter {
    pub fn is_empty(&self) -> bool {
        *self == DirectoryFilter::default()
    }
}

/// One line of the public directory: no personal data.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct DirectoryEntry {
    pub id: i64,
    pub name: String,
    pub host_name: String,
    pub host_type: HostType,
    pub status: CentreStatus,
    pub aid_year: i64,
    pub village_name: String,
    pub district_name: String,
    pub regency_code: String,
    pub regency_name: String,
    pub province_code: String,
    pub province_name: String,
    pub pembina_name: Option<String>,
    #[sqlx(skip)]
    pub kejuruan: Vec<String>,
}

/// What an export adds to a directory line: the rest of the public profile, and the
/// contacts (personal data: left out for users outside the BLKK's scope).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ExportDetail {
    pub id: i64,
    pub reg_no: String,
    pub street: String,
    pub year_built: Option<i64>,
    pub head_name: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub updated_at: OffsetDateTime,
    pub contact_phone: String,
    pub contact_email: String,
}

/// One BLKK in the table of a supervisor's scope: with contacts (they may see them), when it
/// last changed and what its profile still lacks.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct ScopeRow {
    pub id: i64,
    pub name: String,
    pub status: CentreStatus,
    pub updated_at: OffsetDateTime,
    pub regency_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub street: String,
    pub latitude: Option<f64>,
    pub year_built: Option<i64>,
    pub head_name: String,
    #[sqlx(skip)]
    pub kejuruan: Vec<String>,
}

impl ScopeRow {
    pub fn missing(&self) -> Vec<&'static str> {
        Completeness {
            street: &self.street,
            located: self.latitude.is_some(),
            year_built: self.year_built.is_some(),
            kejuruan: !self.kejuruan.is_empty(),
            head_name: &self.head_name,
            contact_phone: &self.contact_phone,
            contact_email: &self.contact_email,
        }
        .missing()
    }
}

code_enum! {
    /// How the scope table is ordered.
    pub enum ScopeSort {
        Name = "nama",
        /// Most recently changed first.
        Updated = "diubah",
        Status = "status",
    }
}

/// A supervisor's BLKK at a glance: one page of the table, and counts over the whole scope.
#[derive(Debug, Clone)]
pub struct ScopeOverview {
    pub rows: crate::kernel::web::paging::Paged<ScopeRow>,
    pub by_status: Vec<(CentreStatus, i64)>,
    /// `(kejuruan code, BLKK offering it)`, most common first.
    pub by_kejuruan: Vec<(String, i64)>,
}

/// BLKK per province, from the counters.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct ProvinceCount {
    pub code: String,
    pub name: String,
    pub total: i64,
    pub aktif: i64,
    pub persiapan: i64,
    pub tidak_aktif: i64,
}

/// National figures, read from the counters kept with every write.
#[derive(Debug, Clone, Default, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Totals {
    pub centres: i64,
    pub aktif: i64,
    pub persiapan: i64,
    pub tidak_aktif: i64,
    pub provinces: i64,
    pub regencies: i64,
}
