//! Kejuruan use cases: the catalogue, public.

use super::model::Kejuruan;
use super::store;
use crate::kernel::db::Db;
use crate::kernel::error::AppError;

/// The catalogue, read once: it is reference data, loaded before the server starts and not
/// changed while it runs.
pub async fn catalogue(db: &Db) -> Result<Vec<Kejuruan>, AppError> {
    static CATALOGUE: tokio::sync::OnceCell<Vec<Kejuruan>> = tokio::sync::OnceCell::const_new();
    Ok(CATALOGUE.get_or_try_init(|| store::all(db)).await?.clone())
}

/// Those of `codes` that are not in the catalogue.
pub async fn unknown(
    tx: &mut crate::kernel::db::Tx,
    codes: &[String],
) -> Result<Vec<String>, AppError> {
    Ok(store::unknown(tx, codes).await?)
}
