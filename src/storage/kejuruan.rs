//! The kejuruan (vocational field) catalogue.

use serde::Serialize;

use super::{Db, Sql, StoreError, Tx};

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Kejuruan {
    pub code: String,
    pub name_id: String,
    pub name_en: String,
}

impl Kejuruan {
    pub fn name(&self, lang: &str) -> &str {
        if lang == "en" {
            &self.name_en
        } else {
            &self.name_id
        }
    }
}

/// The name of `code` in `lang` from a loaded catalogue (the code itself if unknown).
pub fn name_of(list: &[Kejuruan], code: &str, lang: &str) -> String {
    list.iter()
        .find(|k| k.code == code)
        .map_or_else(|| code.to_owned(), |k| k.name(lang).to_owned())
}

pub async fn all(db: &Db) -> Result<Vec<Kejuruan>, StoreError> {
    db.fetch_all(Sql::new(
        "SELECT code, name_id, name_en FROM kejuruan ORDER BY sort, code",
    ))
    .await
}

pub async fn insert_all(tx: &mut Tx, items: &[Kejuruan]) -> Result<(), StoreError> {
    for (i, k) in items.iter().enumerate() {
        tx.execute(
            Sql::new("INSERT INTO kejuruan (code, name_id, name_en, sort) VALUES ($1, $2, $3, $4)")
                .arg(k.code.as_str())
                .arg(k.name_id.as_str())
                .arg(k.name_en.as_str())
                .arg(i as i64),
        )
        .await?;
    }
    Ok(())
}
