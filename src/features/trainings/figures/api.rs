//! `/api/v1/stats/trainings`: the training figures in the caller's scope, live.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

use super::model::Figures;
use super::service::{self, GroupBy};
use crate::features::trainings::batches::model::{Funding, TrainingFilter};
use crate::kernel::error::AppError;
use crate::kernel::web::AppState;
use crate::kernel::web::auth::RequireUser;
use crate::kernel::web::error::ErrorBody;
use crate::kernel::web::extract::Query;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i64>,
    /// Province code (`36`).
    pub province: String,
    /// Regency code (`36.01`).
    pub regency: String,
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[param(minimum = 1)]
    pub centre: Option<i64>,
    pub kejuruan: String,
    pub funding: Option<Funding>,
    /// A breakdown: `province`, `regency`, `centre`, `kejuruan`, `funding`, `sex` or `year`.
    #[param(pattern = "^(province|regency|centre|kejuruan|funding|sex|year)?$")]
    pub by: String,
}

/// Figures with their rates.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Stats {
    #[serde(flatten)]
    pub figures: Figures,
    /// Kompeten plus belum kompeten.
    pub graduates: i64,
    /// (bekerja + wirausaha) / traced, percent; `null` when none traced.
    pub placement_rate: Option<f64>,
    /// Traced / graduates, percent; `null` without graduates.
    pub response_rate: Option<f64>,
}

impl From<Figures> for Stats {
    fn from(f: Figures) -> Stats {
        Stats {
            graduates: f.graduates(),
            placement_rate: f.placement_rate(),
            response_rate: f.response_rate(),
            figures: f,
        }
    }
}

/// One row of a breakdown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StatsRow {
    /// The province or regency code, BLKK id, kejuruan or funding code, sex (`L`, `P`) or
    /// year; `""` for the batch counts when broken down by sex.
    pub key: String,
    #[serde(flatten)]
    pub stats: Stats,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StatsAnswer {
    pub total: Stats,
    pub rows: Vec<StatsRow>,
}

pub fn group_by(by: &str) -> Result<Option<GroupBy>, AppError> {
    Ok(match by.trim() {
        "" => None,
        "province" => Some(GroupBy::Province),
        "regency" => Some(GroupBy::Regency),
        "centre" => Some(GroupBy::Centre),
        "kejuruan" => Some(GroupBy::Kejuruan),
        "funding" => Some(GroupBy::Funding),
        "sex" => Some(GroupBy::Sex),
        "year" => Some(GroupBy::Year),
        _ => return Err(AppError::invalid("by", "invalid_choice")),
    })
}

/// Training figures in the caller's scope, live: batches, trainees, graduates by result,
/// traced graduates by their latest outcome, the placement and response rates; optionally
/// broken down.
#[utoipa::path(get, path = "/api/v1/stats/trainings", tag = "trainings",
    operation_id = "stats_trainings", params(StatsParams), security(("session" = [])),
    responses((status = 200, description = "The figures", body = StatsAnswer),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, description = "No BLKK in the caller's scope", body = ErrorBody),
        (status = 422, description = "An unknown breakdown, or a year or BLKK id out of \
            range", body = ErrorBody)))]
pub async fn stats(
    State(state): State<AppState>,
    user: RequireUser,
    Query(p): Query<StatsParams>,
) -> Result<Json<StatsAnswer>, AppError> {
    let by = group_by(&p.by)?;
    let f = TrainingFilter {
        centre: p.centre,
        year: p.year,
        province: p.province,
        regency: p.regency,
        kejuruan: p.kejuruan,
        funding: p.funding,
    };
    let (total, rows) = service::stats(&state.db, &user.actor(), &f, by).await?;
    Ok(Json(StatsAnswer {
        total: total.into(),
        rows: rows
            .into_iter()
            .map(|r| StatsRow {
                key: r.key,
                stats: r.figures.into(),
            })
            .collect(),
    }))
}
