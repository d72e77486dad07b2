//! Training figures in a scope: batches, trainees, graduates by result, traced graduates by
//! their latest outcome, the rates, and their breakdowns; kept live by the writes of the
//! other parts of trainings.

use super::model::Figures;
use super::store;
pub use super::store::{GroupBy, KeyedFigures};
use crate::features::orgs;
use crate::features::trainings::batches;
use crate::features::trainings::batches::model::TrainingFilter;
use crate::kernel::access::{Actor, Scope};
use crate::kernel::db::{Db, Tx};
use crate::kernel::error::AppError;

/// Figures in the actor's scope, and the breakdown by `by`.
pub async fn stats(
    db: &Db,
    actor: &Actor,
    f: &TrainingFilter,
    by: Option<GroupBy>,
) -> Result<(Figures, Vec<KeyedFigures>), AppError> {
    let scope = batches::service::figures_scope(actor, f)?;
    let total = store::figures(db, f, &scope).await?;
    let rows = match by {
        Some(k) => store::figures_by(db, k, f, &scope).await?,
        None => Vec::new(),
    };
    Ok((total, rows))
}

/// The names of BLKK (or any organisations) by id, for the figures' rows.
pub async fn names(db: &Db, ids: &[i64]) -> Result<Vec<(i64, String)>, AppError> {
    orgs::service::names(db, ids).await
}

// ---- For the other parts of trainings ------------------------------------------------

/// Brings a batch's contribution to the figures up to date, in the transaction of the write
/// that changed it (see [`store::refresh_figures`]).
pub(crate) async fn refresh_figures(tx: &mut Tx, training_id: i64) -> Result<(), AppError> {
    Ok(store::refresh_figures(tx, training_id).await?)
}

/// The figures of the batches matching, in a scope (the caller checks access).
pub(crate) async fn figures(
    db: &Db,
    f: &TrainingFilter,
    scope: &Scope,
) -> Result<Figures, AppError> {
    Ok(store::figures(db, f, scope).await?)
}
