//! Report type use cases: the ministry defines report types (their indicators are data, so
//! a new type or indicator needs no new code); anyone signed in reads them. Each checks
//! access once, validates, and writes in one transaction with its audit entry.

use super::model::{REPORT_TYPE, ReportType, ReportTypeInput};
use super::store;
use crate::kernel::access::{self, Actor};
use crate::kernel::audit;
use crate::kernel::db::Db;
use crate::kernel::error::AppError;
use crate::kernel::records;
use crate::kernel::time::now;
use crate::kernel::validate::FieldErrors;

/// Every report type (anyone signed in may read them).
pub async fn types(db: &Db) -> Result<Vec<ReportType>, AppError> {
    Ok(store::types(db).await?)
}

pub async fn report_type(db: &Db, id: i64) -> Result<ReportType, AppError> {
    store::report_type(db, id).await?.ok_or(AppError::NotFound)
}

/// The ministry adds a report type; its indicators are data, so no new code is needed.
pub async fn create_type(
    db: &Db,
    actor: &Actor,
    input: ReportTypeInput,
) -> Result<ReportType, AppError> {
    access::admin(actor)?;
    let t = input.validate().map_err(AppError::Invalid)?;
    let mut e = FieldErrors::new();
    if store::type_code_taken(db, &t.code).await? {
        e.add("code", "duplicate");
    }
    if let Some(area) = &t.audience_area {
        let known = crate::features::areas::service::find(db, area).await?;
        if known.is_none_or(|a| a.level > 2) {
            e.add("audience_area", "unknown_area");
        }
    }
    if !t.audience_centres.is_empty() {
        let active = store::active_centres(db, &t.audience_centres).await?;
        if active.len() != t.audience_centres.len() {
            e.add("audience_centres", "invalid_choice");
        }
    }
    e.finish(()).map_err(AppError::Invalid)?;
    let mut tx = db.begin().await?;
    let id = store::insert_type(&mut tx, &t, now()).await?;
    audit::record_now(
        &mut tx,
        Some(actor.user_id),
        REPORT_TYPE,
        id,
        "create",
        &audit::created(&audit::snapshot(&t)),
    )
    .await?;
    tx.commit().await?;
    report_type(db, id).await
}

// ---- For the other parts of reports --------------------------------------------------

/// A report type, if there is one with that id.
pub(crate) async fn stored_type(db: &Db, id: i64) -> Result<Option<ReportType>, AppError> {
    Ok(store::report_type(db, id).await?)
}

/// The report types a BLKK must send (active ones whose audience includes it).
pub(crate) async fn types_for(db: &Db, centre_id: i64) -> Result<Vec<ReportType>, AppError> {
    Ok(store::types_for(db, centre_id).await?)
}

// ---- The record kinds ----------------------------------------------------------------

/// Report types as records others refer to (and a form may choose).
pub fn kinds() -> Vec<records::Kind> {
    vec![crate::record_kind!(
        REPORT_TYPE,
        resolve_types,
        readable_types,
        pick_types,
        readable_types
    )]
}

async fn resolve_types(db: &Db, ids: &[i64]) -> Result<Vec<records::RecordRef>, AppError> {
    let rows = store::type_names(db, ids).await?;
    Ok(records::named(REPORT_TYPE, rows, |_| {
        "/reports/types".to_owned()
    }))
}

async fn readable_types(db: &Db, _actor: &Actor, ids: &[i64]) -> Result<Vec<i64>, AppError> {
    Ok(store::type_names(db, ids)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect())
}

/// Report types by name or code (a short list, read whole).
async fn pick_types(
    db: &Db,
    _actor: &Actor,
    q: &str,
    limit: i64,
) -> Result<Vec<records::Pickable>, AppError> {
    let q = q.to_lowercase();
    Ok(types(db)
        .await?
        .into_iter()
        .filter(|t| {
            q.is_empty()
                || t.input.code.to_lowercase().contains(&q)
                || t.input.name_id.to_lowercase().contains(&q)
                || t.input.name_en.to_lowercase().contains(&q)
        })
        .take(usize::try_from(limit).unwrap_or(0))
        .map(|t| records::Pickable {
            id: t.id,
            name: t.input.name_id,
            detail: t.input.code,
        })
        .collect())
}
