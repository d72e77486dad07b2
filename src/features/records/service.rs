//! What records of every kind have, through the kernel's registry: the pickers' search
//! (each kind offers only what the user may choose) and the files attached to a record
//! (each kind's rules say who may add or remove them, and when).

use crate::kernel::access::Actor;
use crate::kernel::attachments::{self, Attachment};
use crate::kernel::comments::Comment;
use crate::kernel::db::Db;
use crate::kernel::error::AppError;
use crate::kernel::files::{Files, Kind as FileKind};
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

// ---- Files of any record ---------------------------------------------------------------

/// The files of record `id` of the kind whose files live under `path` (`reports`,
/// `partnerships`, `income`, `findings`, `actions`), for those who may read it.
pub async fn attachments(
    db: &Db,
    actor: &Actor,
    path: &str,
    id: i64,
) -> Result<Vec<Attachment>, AppError> {
    attachments::of_record(db, actor, path, id).await
}

/// Attaches a file to a record the actor may change now (its kind's rules decide).
pub async fn attach(
    db: &Db,
    files: &Files,
    actor: &Actor,
    path: &str,
    id: i64,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<Attachment, AppError> {
    attachments::attach_to(db, files, actor, path, id, file_name, bytes).await
}

/// One file of a record the actor may read: the file, its kind and content.
pub async fn file(
    db: &Db,
    files: &Files,
    actor: &Actor,
    path: &str,
    id: i64,
    attachment_id: i64,
) -> Result<(Attachment, FileKind, Vec<u8>), AppError> {
    attachments::file_of(db, files, actor, path, id, attachment_id).await
}

/// Removes a file of a record the actor may change now.
pub async fn detach(
    db: &Db,
    files: &Files,
    actor: &Actor,
    path: &str,
    id: i64,
    attachment_id: i64,
) -> Result<(), AppError> {
    attachments::detach_from(db, files, actor, path, id, attachment_id).await
}

// ---- The conversation on any record ------------------------------------------------------

/// The comments on record `id` of the kind whose conversation lives under `path`
/// (`reports`), for those who may read it.
pub async fn comments(
    db: &Db,
    actor: &Actor,
    path: &str,
    id: i64,
) -> Result<Vec<Comment>, AppError> {
    crate::kernel::comments::of_record(db, actor, path, id).await
}

/// The actor writes on a record they may comment on; those concerned are told.
pub async fn comment(
    db: &Db,
    actor: &Actor,
    path: &str,
    id: i64,
    body: &str,
) -> Result<Comment, AppError> {
    crate::kernel::comments::add_to(db, actor, path, id, body).await
}
