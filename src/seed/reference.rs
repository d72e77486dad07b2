//! Reference data loaded on first start: Indonesia's administrative areas (vendored from
//! idn-area-data 4.0.1, ODbL, see `data/areas/`) and the kejuruan catalogue.

use serde::Deserialize;

use crate::features::areas::model::Area;
use crate::features::areas::store as areas;
use crate::features::kejuruan::model::{CATALOGUE, Kejuruan};
use crate::features::kejuruan::store as kejuruan;
use crate::kernel::db::{Db, StoreError};

const PROVINCES: &str = include_str!("../../data/areas/provinces.csv");
const REGENCIES: &str = include_str!("../../data/areas/regencies.csv");
const DISTRICTS: &str = include_str!("../../data/areas/districts.csv");
const VILLAGES: &str = include_str!("../../data/areas/villages.csv");

#[derive(Deserialize)]
struct Row {
    code: String,
    #[serde(
        alias = "province_code",
        alias = "regency_code",
        alias = "district_code"
    )]
    parent: Option<String>,
    name: String,
}

fn parse(csv_text: &str, level: i64, out: &mut Vec<Area>) -> Result<(), StoreError> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    for row in reader.deserialize::<Row>() {
        let r = row.map_err(|e| StoreError::Data(e.to_string()))?;
        out.push(Area {
            code: r.code,
            level,
            parent_code: r.parent,
            name: r.name,
        });
    }
    Ok(())
}

/// Every area, parents before children.
pub fn all_areas() -> Result<Vec<Area>, StoreError> {
    let mut out = Vec::with_capacity(92_000);
    parse(PROVINCES, 1, &mut out)?;
    parse(REGENCIES, 2, &mut out)?;
    parse(DISTRICTS, 3, &mut out)?;
    parse(VILLAGES, 4, &mut out)?;
    Ok(out)
}

/// Loads the reference data if the database has none yet. Returns whether it loaded.
pub async fn ensure_loaded(db: &Db) -> Result<bool, StoreError> {
    if areas::count(db).await? > 0 {
        return Ok(false);
    }
    let all = all_areas()?;
    let mut tx = db.begin().await?;
    areas::insert_all(&mut tx, &all).await?;
    let catalogue: Vec<Kejuruan> = CATALOGUE
        .iter()
        .map(|(code, id, en)| Kejuruan {
            code: (*code).into(),
            name_id: (*id).into(),
            name_en: (*en).into(),
        })
        .collect();
    kejuruan::insert_all(&mut tx, &catalogue).await?;
    tx.commit().await?;
    db.settle().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendored_areas_are_complete() {
        let all = all_areas().unwrap();
        let count = |l| all.iter().filter(|a| a.level == l).count();
        assert_eq!(count(1), 38);
        assert_eq!(count(2), 514);
        assert_eq!(count(3), 7285);
        assert_eq!(count(4), 83762);
        let panimbang = all.iter().find(|a| a.code == "36.01.06").unwrap();
        assert_eq!(panimbang.name, "Panimbang");
        assert_eq!(panimbang.parent_code.as_deref(), Some("36.01"));
    }
}
