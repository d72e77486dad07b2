//! The kejuruan catalogue in the database.

use super::model::Kejuruan;
use crate::kernel::db::{Db, Sql, StoreError, Tx};

pub async fn all(db: &Db) -> Result<Vec<Kejuruan>, StoreError> {
    db.fetch_all(Sql::new(
        "SELECT code, name_id, name_en FROM kejuruan ORDER BY sort, code",
    ))
    .await
}

pub async fn insert_all(tx: &mut Tx, items: &[Kejuruan]) -> Result<(), StoreError> {
    for (i, k) in items.iter().enumerate() {
        tx.execute(Sql::insert(
            "kejuruan",
            vec![
                ("code", k.code.as_str().into()),
                ("name_id", k.name_id.as_str().into()),
                ("name_en", k.name_en.as_str().into()),
                ("sort", (i as i64).into()),
            ],
        ))
        .await?;
    }
    Ok(())
}

/// Which of `codes` are not in the catalogue.
pub async fn unknown(tx: &mut Tx, codes: &[String]) -> Result<Vec<String>, StoreError> {
    let mut sql = Sql::new("SELECT code FROM kejuruan WHERE code IN ");
    sql.push_list(codes.iter().map(String::as_str));
    let known: Vec<(String,)> = tx.fetch_all(sql).await?;
    Ok(codes
        .iter()
        .filter(|c| !known.iter().any(|(k,)| k == *c))
        .cloned()
        .collect())
}
