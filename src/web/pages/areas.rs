//! The area picker: province → regency → district → village selects (and a village search)
//! that htmx re-renders as a whole on each change, so lower levels always match higher ones.

use crate::web::extract::Query;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use serde::Deserialize;

use crate::app::AppError;
use crate::domain::area::{AreaCode, AreaLevel};
use crate::storage::areas::{self, Area, VillageQuery};
use crate::storage::{Db, StoreError};
use crate::web::AppState;
use crate::web::page::Page;

/// What the picker shows: the chosen codes and the options at each level.
#[derive(Debug, Clone, Default)]
pub struct AreaPicker {
    /// 2: province and regency; 4: down to the village.
    pub levels: u8,
    pub province: String,
    pub regency: String,
    pub district: String,
    pub village: String,
    pub village_q: String,
    pub provinces: Vec<Area>,
    pub regencies: Vec<Area>,
    pub districts: Vec<Area>,
    pub villages: Vec<Area>,
}

/// The raw choices, as sent by the picker's selects.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PickerQuery {
    pub levels: String,
    pub province: String,
    pub regency: String,
    pub district: String,
    pub village_code: String,
    pub village_q: String,
}

/// `code` if it is a syntactically valid code lying inside `parent`.
fn within(code: &str, parent: &str) -> String {
    match (AreaCode::parse(code), AreaCode::parse(parent)) {
        (Some(c), Some(p)) if p.contains(&c) && c != p => c.to_string(),
        _ => String::new(),
    }
}

impl AreaPicker {
    /// Loads the options, dropping any choice that does not sit inside the one above it.
    /// A village alone fills in everything above it.
    pub async fn load(db: &Db, levels: u8, q: &PickerQuery) -> Result<AreaPicker, StoreError> {
        let mut p = AreaPicker {
            levels,
            village_q: q.village_q.trim().to_owned(),
            ..Default::default()
        };
        let village = AreaCode::parse(&q.village_code).filter(|c| c.level() == AreaLevel::Village);
        let given = |l: AreaLevel, v: &str| {
            if v.is_empty() {
                village
                    .as_ref()
                    .and_then(|c| c.ancestor(l))
                    .map(String::from)
                    .unwrap_or_default()
            } else {
                v.to_owned()
            }
        };
        p.province = AreaCode::parse(&given(AreaLevel::Province, &q.province))
            .filter(|c| c.level() == AreaLevel::Province)
            .map(String::from)
            .unwrap_or_default();
        p.regency = within(&given(AreaLevel::Regency, &q.regency), &p.province);
        if levels >= 4 {
            p.district = within(&given(AreaLevel::District, &q.district), &p.regency);
            p.village = village
                .map(String::from)
                .filter(|v| {
                    AreaCode::parse(&p.regency)
                        .is_some_and(|r| r.contains(&AreaCode::parse(v).expect("parsed")))
                })
                .unwrap_or_default();
            if !p.district.is_empty() && !p.village.starts_with(&p.district) {
                p.village.clear();
            }
        }
        p.provinces = areas::provinces(db).await?;
        if !p.province.is_empty() {
            p.regencies = areas::children(db, &p.province).await?;
        }
        if levels >= 4 && !p.regency.is_empty() {
            p.districts = areas::children(db, &p.regency).await?;
            if !p.village_q.is_empty() {
                let found = areas::find_villages(
                    db,
                    &VillageQuery {
                        q: p.village_q.clone(),
                        regency: Some(p.regency.clone()),
                        district: (!p.district.is_empty()).then(|| p.district.clone()),
                        limit: 100,
                    },
                )
                .await?;
                p.villages = found
                    .into_iter()
                    .map(|v| Area {
                        name: format!("{} (Kec. {})", v.name, v.district_name),
                        code: v.code,
                        level: 4,
                        parent_code: Some(v.district_code),
                    })
                    .collect();
            } else if !p.district.is_empty() {
                p.villages = areas::children(db, &p.district).await?;
            }
            // Keep the chosen village selectable even when a search hides it.
            if !p.village.is_empty()
                && !p.villages.iter().any(|v| v.code == p.village)
                && let Some(a) = areas::get(db, &p.village).await?
            {
                p.villages.insert(0, a);
            }
        }
        Ok(p)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "area_picker_fragment.html")]
pub struct PickerFragment {
    page: Page,
    picker: AreaPicker,
}

/// The picker alone, for htmx.
pub async fn options(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<PickerQuery>,
) -> Result<PickerFragment, AppError> {
    let levels = if q.levels == "4" { 4 } else { 2 };
    Ok(PickerFragment {
        picker: AreaPicker::load(&state.db, levels, &q).await?,
        page,
    })
}
