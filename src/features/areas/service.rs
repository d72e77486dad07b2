//! Area use cases: the reference lists (public), village look-up, and the area picker that
//! forms use to choose a province, regency, district and village consistently.

use serde::Deserialize;

use super::model::{Area, AreaCode, AreaLevel, Place, VillageMatch, strip_area_prefix};
use super::store::{self, VillageQuery};
use crate::kernel::db::Db;
use crate::kernel::error::AppError;
use crate::kernel::text::search_key;
use crate::kernel::validate::Problem;

/// The most villages one search answers (`limit`).
pub const MAX_VILLAGES: i64 = 100;

/// The 38 provinces. Reference data never changes while the server runs: read once.
pub async fn provinces(db: &Db) -> Result<Vec<Area>, AppError> {
    static PROVINCES: tokio::sync::OnceCell<Vec<Area>> = tokio::sync::OnceCell::const_new();
    Ok(PROVINCES
        .get_or_try_init(|| store::provinces(db))
        .await?
        .clone())
}

/// The areas directly inside a known area.
pub async fn children(db: &Db, code: &str) -> Result<Vec<Area>, AppError> {
    if store::get(db, code).await?.is_none() {
        return Err(AppError::NotFound);
    }
    Ok(store::children(db, code).await?)
}

/// The names of a village and the areas above it, if it is a known village.
pub async fn place(db: &Db, village: &AreaCode) -> Result<Option<Place>, AppError> {
    Ok(store::place(db, village).await?)
}

/// `(code, name)` of the given areas.
pub async fn names(db: &Db, codes: &[&str]) -> Result<Vec<(String, String)>, AppError> {
    Ok(store::names(db, codes).await?)
}

/// A village look-up as asked for: a name, and optionally the regency or district to look in.
#[derive(Debug, Default, Clone)]
pub struct VillageSearch {
    pub q: String,
    pub regency: String,
    pub district: String,
    pub limit: Option<i64>,
}

/// Finds villages by name within a regency or district, or nationally with 3+ letters.
pub async fn find_villages(db: &Db, s: &VillageSearch) -> Result<Vec<VillageMatch>, AppError> {
    let within = |code: &str, level: AreaLevel, field: &'static str| match code.trim() {
        "" => Ok(None),
        c => match AreaCode::parse(c) {
            Some(a) if a.level() == level => Ok(Some(a.to_string())),
            _ => Err(AppError::invalid(field, "unknown_area")),
        },
    };
    let regency = within(&s.regency, AreaLevel::Regency, "regency")?;
    let district = within(&s.district, AreaLevel::District, "district")?;
    let limit = s.limit.unwrap_or(20);
    if !(1..=MAX_VILLAGES).contains(&limit) {
        return Err(AppError::invalid(
            "limit",
            Problem::out_of_range(1, MAX_VILLAGES),
        ));
    }
    let key_len = search_key(strip_area_prefix(&s.q)).chars().count();
    let needed = if regency.is_some() || district.is_some() {
        1
    } else {
        3
    };
    if key_len < needed {
        return Err(AppError::invalid("q", "too_short"));
    }
    Ok(store::find_villages(
        db,
        &VillageQuery {
            q: s.q.clone(),
            regency,
            district,
            limit,
        },
    )
    .await?)
}

/// What the picker shows: the chosen codes and the options at each level.
#[derive(Debug, Clone, Default)]
pub struct Picker {
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
    /// Inside a form that is posted: offers a "refresh lists" button without JavaScript.
    pub in_form: bool,
}

/// The raw choices, as sent by the picker's fields.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PickerChoice {
    pub levels: String,
    pub province: String,
    pub regency: String,
    pub district: String,
    pub village_code: String,
    pub village_q: String,
    /// Set by the "refresh lists" button.
    pub refresh_areas: String,
}

impl PickerChoice {
    /// The chosen village lies outside a province, regency or district chosen above it
    /// (the lists were changed without the village list following, e.g. without JavaScript).
    pub fn village_outside(&self) -> bool {
        let Some(village) = AreaCode::parse(&self.village_code) else {
            return false;
        };
        [&self.province, &self.regency, &self.district]
            .into_iter()
            .filter(|c| !c.trim().is_empty())
            .any(|c| AreaCode::parse(c).is_none_or(|parent| !parent.contains(&village)))
    }

    /// The form was sent only to refresh the area lists (no JavaScript): show it again,
    /// save nothing.
    pub fn refresh_only(&self) -> bool {
        !self.refresh_areas.is_empty()
    }
}

/// `code` if it is a syntactically valid code lying inside `parent`.
fn within(code: &str, parent: &str) -> String {
    match (AreaCode::parse(code), AreaCode::parse(parent)) {
        (Some(c), Some(p)) if p.contains(&c) && c != p => c.to_string(),
        _ => String::new(),
    }
}

/// Loads the picker's options, dropping any choice that does not sit inside the one above
/// it. A village alone fills in everything above it.
pub async fn picker(db: &Db, levels: u8, q: &PickerChoice) -> Result<Picker, AppError> {
    let mut p = Picker {
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
        p.village = match (&village, AreaCode::parse(&p.regency)) {
            (Some(v), Some(r)) if r.contains(v) => v.to_string(),
            _ => String::new(),
        };
        if !p.district.is_empty() && !p.village.starts_with(&p.district) {
            p.village.clear();
        }
    }
    p.provinces = provinces(db).await?;
    if !p.province.is_empty() {
        p.regencies = store::children(db, &p.province).await?;
    }
    if levels >= 4 && !p.regency.is_empty() {
        p.districts = store::children(db, &p.regency).await?;
        if !p.village_q.is_empty() {
            let found = store::find_villages(
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
            p.villages = store::children(db, &p.district).await?;
        }
        // Keep the chosen village selectable even when a search hides it.
        if !p.village.is_empty()
            && !p.villages.iter().any(|v| v.code == p.village)
            && let Some(a) = store::get(db, &p.village).await?
        {
            p.villages.insert(0, a);
        }
    }
    Ok(p)
}

/// One area by its code, if it exists.
pub async fn find(db: &Db, code: &str) -> Result<Option<Area>, AppError> {
    Ok(store::get(db, code).await?)
}

/// [`place`] inside a transaction.
pub async fn place_in(
    tx: &mut crate::kernel::db::Tx,
    village: &AreaCode,
) -> Result<Option<Place>, AppError> {
    Ok(store::place_in(tx, village).await?)
}
