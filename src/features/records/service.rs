//! The pickers' search, for those signed in: each kind offers only what the user may choose.

use crate::kernel::access::Actor;
use crate::kernel::db::Db;
use crate::kernel::error::AppError;
use crate::kernel::records::{self, Pickable};
use crate::kernel::web::picker::{CHOICES, RecordPicker};

/// What a picker of `kind` offers the actor for the search `q` (at most `limit`).
pub async fn search(
    db: &Db,
    actor: &Actor,
    kind: &str,
    q: &str,
    limit: Option<i64>,
) -> Result<Vec<Pickable>, AppError> {
    records::search(db, actor, kind, q, limit.unwrap_or(CHOICES)).await
}

/// A picker's choices for `field` (its name must be a plain field name).
pub async fn options(
    db: &Db,
    actor: &Actor,
    kind: &str,
    field: &str,
    q: &str,
) -> Result<RecordPicker, AppError> {
    let plain = !field.is_empty()
        && field.len() <= 40
        && field.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
    if !plain {
        return Err(AppError::invalid("field", "invalid_choice"));
    }
    let mut p = RecordPicker::load(db, actor, field, kind, None, q).await?;
    p.searched = true;
    Ok(p)
}
