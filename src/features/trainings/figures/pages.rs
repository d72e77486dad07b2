//! The training figures page, with its drill-down from the nation to a BLKK's batches.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use serde::Deserialize;

use super::model::Figures;
use super::service::{self, KeyedFigures};
use crate::features::areas;
use crate::features::kejuruan::model::Kejuruan;
use crate::features::kejuruan::service::catalogue;
use crate::features::trainings::batches;
use crate::features::trainings::batches::model::{Funding, TrainingFilter};
use crate::kernel::error::AppError;
use crate::kernel::validate::{FieldErrors, check};
use crate::kernel::web::AppState;
use crate::kernel::web::extract::Query;
use crate::kernel::web::nav::href;
use crate::kernel::web::page::{Choice, Page};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct StatsQuery {
    year: String,
    province: String,
    regency: String,
    centre: String,
    kejuruan: String,
    funding: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "trainings/stats.html")]
pub struct StatsPage {
    page: Page,
    query: StatsQuery,
    total: Figures,
    /// The next level down: `(link, name, figures)`.
    rows: Vec<(String, String, Figures)>,
    by_sex: Vec<KeyedFigures>,
    by_funding: Vec<KeyedFigures>,
    level: &'static str,
    crumbs: Vec<(String, String)>,
    kejuruan: Vec<Kejuruan>,
}

impl StatsPage {
    fn funding_options(&self) -> Vec<Choice> {
        self.page.choices("funding", Funding::ALL)
    }
}

pub async fn stats(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<StatsQuery>,
) -> Result<StatsPage, AppError> {
    use super::service::GroupBy;
    let actor = page.require()?;
    let mut e = FieldErrors::new();
    let year = e.take("year", check::int_in(&q.year, 2000, 2100));
    let centre = e.take("centre", check::int_in(&q.centre, 1, i64::MAX));
    e.finish(()).map_err(AppError::Invalid)?;
    let f = TrainingFilter {
        year,
        centre,
        province: q.province.trim().to_owned(),
        regency: q.regency.trim().to_owned(),
        kejuruan: q.kejuruan.trim().to_owned(),
        funding: Funding::parse(q.funding.trim()),
    };
    let (level, by) = if centre.is_some() {
        ("stats.level_batch", None)
    } else if !f.regency.is_empty() {
        ("stats.level_centre", Some(GroupBy::Centre))
    } else if !f.province.is_empty() {
        ("stats.level_regency", Some(GroupBy::Regency))
    } else {
        ("stats.level_province", Some(GroupBy::Province))
    };
    let (total, keyed) = service::stats(&state.db, &actor, &f, by).await?;
    let (_, by_sex) = service::stats(&state.db, &actor, &f, Some(GroupBy::Sex)).await?;
    let (_, by_funding) = service::stats(&state.db, &actor, &f, Some(GroupBy::Funding)).await?;
    let link = |key: &str, value: &str| {
        href(
            "/trainings/stats",
            &[
                ("year", &q.year),
                (
                    "province",
                    if key == "province" {
                        value
                    } else {
                        &q.province
                    },
                ),
                ("regency", if key == "regency" { value } else { &q.regency }),
                ("centre", if key == "centre" { value } else { "" }),
                ("kejuruan", &q.kejuruan),
                ("funding", &q.funding),
            ],
        )
    };
    let mut rows = Vec::new();
    match by {
        Some(GroupBy::Centre) => {
            let ids: Vec<i64> = keyed.iter().filter_map(|k| k.key.parse().ok()).collect();
            let names = service::names(&state.db, &ids).await?;
            for k in keyed {
                let name = names
                    .iter()
                    .find(|(id, _)| id.to_string() == k.key)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default();
                rows.push((link("centre", &k.key), name, k.figures));
            }
        }
        Some(kind) => {
            let codes: Vec<&str> = keyed.iter().map(|k| k.key.as_str()).collect();
            let names = areas::service::names(&state.db, &codes).await?;
            let key = if kind == GroupBy::Province {
                "province"
            } else {
                "regency"
            };
            for k in &keyed {
                let name = names
                    .iter()
                    .find(|(c, _)| *c == k.key)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_else(|| k.key.clone());
                rows.push((link(key, &k.key), name, k.figures.clone()));
            }
        }
        None => {
            let list = batches::service::list(&state.db, &actor, &f, 1).await?;
            for t in list.items {
                rows.push((
                    format!("/trainings/{}", t.id),
                    t.training.title.clone(),
                    Figures {
                        batches: 1,
                        trainees: t.enrolled,
                        ..Default::default()
                    },
                ));
            }
        }
    }
    let mut crumbs = vec![(link("province", ""), page.t("stats.nation").into_owned())];
    let mut codes = Vec::new();
    if !f.province.is_empty() {
        codes.push(f.province.as_str());
    }
    if !f.regency.is_empty() {
        codes.push(f.regency.as_str());
    }
    let names = areas::service::names(&state.db, &codes).await?;
    for (code, name) in names {
        let key = if code.len() == 2 {
            "province"
        } else {
            "regency"
        };
        crumbs.push((link(key, &code), name));
    }
    let title = page.t("stats.title");
    Ok(StatsPage {
        page: page.titled(title),
        query: q,
        total,
        rows,
        by_sex,
        by_funding,
        level,
        crumbs,
        kejuruan: catalogue(&state.db).await?,
    })
}
