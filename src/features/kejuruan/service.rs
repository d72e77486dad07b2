//! Kejuruan use cases: the catalogue, public.

use super::model::Kejuruan;
use super::store;
use crate::kernel::db::Db;
use crate::kernel::error::AppError;

pub async fn catalogue(db: &Db) -> Result<Vec<Kejuruan>, AppError> {
    Ok(store::all(db).await?)
}
