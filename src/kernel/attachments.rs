//! Files attached to a record (a report, an agreement, a visit's finding): the file in the
//! store ([`crate::kernel::files`]), its record in `attachments` under the record's audit
//! entity and id, and an audit entry for each one added or removed.
//!
//! A feature attaches with [`add`]; one whose transaction must also check the record's own
//! state (a report that may still change) takes the same three steps itself: [`keep`]
//! checks and stores the file, its transaction checks its rules and calls [`insert`]
//! (which holds the count limit), and [`Kept::discard`] removes the file again if that
//! transaction fails.

use serde::Serialize;
use time::OffsetDateTime;

use crate::kernel::audit;
use crate::kernel::db::{Db, Sql, StoreError, Tx};
use crate::kernel::error::AppError;
use crate::kernel::files::{self, Files, Kind};
use crate::kernel::validate::Problem;

/// A photo or document attached to a record; the file itself is kept outside the database.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Attachment {
    pub id: i64,
    /// The file's name as uploaded, with the extension of what it really is.
    pub name: String,
    /// Read from the content: `image/jpeg`, `image/png`, `image/webp`, `application/pdf`,
    /// or a Word or Excel document.
    pub content_type: String,
    /// In bytes.
    pub size: i64,
    #[serde(skip)]
    pub object_key: String,
    pub uploaded_by: Option<i64>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

impl Attachment {
    pub fn is_image(&self) -> bool {
        self.content_type.starts_with("image/")
    }

    /// Its size for people: `850 KB`, `2,4 MB`.
    pub fn size_text(&self) -> String {
        const MB: i64 = 1024 * 1024;
        if self.size < MB {
            format!("{} KB", (self.size + 1023) / 1024)
        } else {
            let tenths = (self.size * 10 + MB / 2) / MB;
            format!("{},{} MB", tenths / 10, tenths % 10)
        }
    }
}

const SELECT: &str = "SELECT id, name, content_type, size, object_key, uploaded_by, created_at \
    FROM attachments";

/// A record's attachments, oldest first.
pub async fn list(db: &Db, entity: &str, entity_id: i64) -> Result<Vec<Attachment>, StoreError> {
    db.fetch_all(
        Sql::new(format!(
            "{SELECT} WHERE entity = $1 AND entity_id = $2 ORDER BY id"
        ))
        .arg(entity)
        .arg(entity_id),
    )
    .await
}

/// The attachments of several records of one kind at once, by record id (oldest first):
/// one read for a page of records, however many.
pub async fn list_of(
    db: &Db,
    entity: &str,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, Vec<Attachment>>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        entity_id: i64,
        #[sqlx(flatten)]
        attachment: Attachment,
    }
    let mut out: std::collections::HashMap<i64, Vec<Attachment>> = Default::default();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut sql = Sql::new(SELECT.replacen("SELECT id,", "SELECT entity_id, id,", 1));
    sql.push(" WHERE entity = ")
        .push_bind(entity)
        .push(" AND entity_id IN ");
    sql.push_list(ids.iter().copied());
    sql.push(" ORDER BY id");
    let rows: Vec<Row> = db.fetch_all(sql).await?;
    for r in rows {
        out.entry(r.entity_id).or_default().push(r.attachment);
    }
    Ok(out)
}

pub async fn find(
    db: &Db,
    entity: &str,
    entity_id: i64,
    id: i64,
) -> Result<Option<Attachment>, StoreError> {
    db.fetch_optional(
        Sql::new(format!(
            "{SELECT} WHERE entity = $1 AND entity_id = $2 AND id = $3"
        ))
        .arg(entity)
        .arg(entity_id)
        .arg(id),
    )
    .await
}

/// A file checked and stored, not yet attached.
#[derive(Debug)]
pub struct Kept {
    pub name: String,
    pub kind: Kind,
    pub size: i64,
    pub key: String,
}

/// Checks an uploaded file (field `file`: present, at most [`files::MAX_FILE_BYTES`], of
/// an accepted kind read from its content) and stores it under `prefix` (e.g. `reports/12`).
pub async fn keep(
    files: &Files,
    prefix: &str,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<Kept, AppError> {
    if bytes.is_empty() {
        return Err(AppError::invalid("file", "required"));
    }
    if bytes.len() > files::MAX_FILE_BYTES {
        return Err(AppError::invalid("file", "file_too_large"));
    }
    let kind = Kind::sniff(&bytes).ok_or(AppError::invalid("file", "file_type"))?;
    let kept = Kept {
        name: files::display_name(file_name, kind),
        kind,
        size: i64::try_from(bytes.len()).map_err(AppError::internal)?,
        key: files::new_key(prefix),
    };
    files.put(&kept.key, bytes).await?;
    Ok(kept)
}

impl Kept {
    /// Removes the stored file when its record was not written.
    pub async fn discard(self, files: &Files) {
        files.delete(&self.key).await;
    }
}

/// Attaches a kept file to a record holding fewer than `max` files (else `file`:
/// `too_many_files`), with its audit entry (action `attach`), in the caller's transaction.
/// The record is locked first ([`Tx::lock`]), so parallel uploads count and insert one
/// after another on both databases and the record never holds more than `max`.
pub async fn insert(
    tx: &mut Tx,
    entity: &'static str,
    entity_id: i64,
    kept: &Kept,
    by: i64,
    max: i64,
) -> Result<i64, AppError> {
    tx.lock(entity, entity_id).await?;
    let (n,): (i64,) = tx
        .fetch_one(
            Sql::new("SELECT COUNT(*) FROM attachments WHERE entity = $1 AND entity_id = $2")
                .arg(entity)
                .arg(entity_id),
        )
        .await?;
    if n >= max {
        return Err(AppError::invalid(
            "file",
            Problem {
                code: "too_many_files",
                args: vec![("max", max.to_string())],
            },
        ));
    }
    let mut sql = Sql::insert(
        "attachments",
        vec![
            ("entity", entity.into()),
            ("entity_id", entity_id.into()),
            ("name", kept.name.as_str().into()),
            ("content_type", kept.kind.mime().into()),
            ("size", kept.size.into()),
            ("object_key", kept.key.as_str().into()),
            ("uploaded_by", by.into()),
            ("created_at", crate::kernel::time::now().into()),
        ],
    );
    sql.push(" RETURNING id");
    let (id,): (i64,) = tx.fetch_one(sql).await?;
    audit::record_now(
        tx,
        Some(by),
        entity,
        entity_id,
        "attach",
        &audit::note("attachment", kept.name.as_str()),
    )
    .await?;
    Ok(id)
}

/// Removes an attachment's record, with its audit entry (action `detach`); the caller
/// deletes the file ([`Files::delete`]) once the transaction is committed.
pub async fn remove(
    tx: &mut Tx,
    entity: &'static str,
    entity_id: i64,
    id: i64,
    by: i64,
) -> Result<Option<Attachment>, StoreError> {
    let found: Option<Attachment> = tx
        .fetch_optional(
            Sql::new(format!(
                "{SELECT} WHERE entity = $1 AND entity_id = $2 AND id = $3"
            ))
            .arg(entity)
            .arg(entity_id)
            .arg(id),
        )
        .await?;
    let Some(a) = found else {
        return Ok(None);
    };
    tx.execute(Sql::new("DELETE FROM attachments WHERE id = $1").arg(id))
        .await?;
    audit::record_now(
        tx,
        Some(by),
        entity,
        entity_id,
        "detach",
        &audit::note("attachment", a.name.as_str()),
    )
    .await?;
    Ok(Some(a))
}

/// Keeps a file and attaches it to a record holding fewer than `max` (else `file`:
/// `too_many_files`), in one transaction with its audit entry; the file is removed again if
/// that fails. For records whose own state the transaction need not check.
#[allow(clippy::too_many_arguments)]
pub async fn add(
    db: &Db,
    files: &Files,
    entity: &'static str,
    entity_id: i64,
    prefix: &str,
    file_name: &str,
    bytes: Vec<u8>,
    by: i64,
    max: i64,
) -> Result<Attachment, AppError> {
    let kept = keep(files, &format!("{prefix}/{entity_id}"), file_name, bytes).await?;
    let saved = async {
        let mut tx = db.begin().await?;
        let id = insert(&mut tx, entity, entity_id, &kept, by, max).await?;
        tx.commit().await?;
        Ok(id)
    }
    .await;
    match saved {
        Ok(id) => find(db, entity, entity_id, id)
            .await?
            .ok_or(AppError::NotFound),
        Err(e) => {
            kept.discard(files).await;
            Err(e)
        }
    }
}

/// An attachment's kind and content.
pub async fn read(files: &Files, a: &Attachment) -> Result<(Kind, Vec<u8>), AppError> {
    let kind = Kind::from_mime(&a.content_type)
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("stored type {}", a.content_type)))?;
    Ok((kind, files.get(&a.object_key).await?))
}

// ---- Files of any record kind ----------------------------------------------------------

/// Whether the actor may add or remove the files of record `id` now (a 403, 404 or a
/// field error says why not).
pub type Check = for<'a> fn(
    &'a Db,
    &'a crate::kernel::access::Actor,
    i64,
) -> futures_util::future::BoxFuture<'a, Result<(), AppError>>;

/// A rule that a concurrent change could break, checked again inside the transaction that
/// adds or removes the file (a report sent meanwhile is locked).
pub type StillCheck =
    for<'a> fn(&'a mut Tx, i64) -> futures_util::future::BoxFuture<'a, Result<(), AppError>>;

/// How a kind of record takes files, declared with its record kind.
#[derive(Clone, Copy)]
pub struct FileRules {
    /// The path segment of its records: `/api/v1/{path}/{id}/attachments`, and the folder
    /// its files are kept under.
    pub path: &'static str,
    /// At most this many files per record.
    pub max: i64,
    /// Photos only.
    pub images_only: bool,
    pub may_change: Check,
    pub still: Option<StillCheck>,
}

/// The kind of record whose files live under `path`, and its rules.
fn rules(path: &str) -> Result<(&'static str, FileRules), AppError> {
    crate::kernel::records::with_files(path).ok_or(AppError::NotFound)
}

/// Record `id` of `entity` exists and the actor may read it (404 when it does not exist,
/// 403 when it is not theirs to read).
async fn readable(
    db: &Db,
    actor: &crate::kernel::access::Actor,
    entity: &str,
    id: i64,
) -> Result<(), AppError> {
    if crate::kernel::records::may_read(db, actor, entity, id).await? {
        return Ok(());
    }
    Err(if crate::kernel::records::exists(db, entity, id).await? {
        AppError::Forbidden
    } else {
        AppError::NotFound
    })
}

/// The files of a record the actor may read, oldest first.
pub async fn of_record(
    db: &Db,
    actor: &crate::kernel::access::Actor,
    path: &str,
    id: i64,
) -> Result<Vec<Attachment>, AppError> {
    let (entity, _) = rules(path)?;
    readable(db, actor, entity, id).await?;
    Ok(list(db, entity, id).await?)
}

/// Attaches an uploaded file to a record the actor may change now: checked (kind from its
/// content, size, photos only where so), stored, and recorded with its audit entry in one
/// transaction that also holds the record's limit and rules; the stored file is removed
/// again if that fails.
pub async fn attach_to(
    db: &Db,
    files: &Files,
    actor: &crate::kernel::access::Actor,
    path: &str,
    id: i64,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<Attachment, AppError> {
    let (entity, r) = rules(path)?;
    readable(db, actor, entity, id).await?;
    (r.may_change)(db, actor, id).await?;
    if r.images_only && Kind::sniff(&bytes).is_some_and(|k| !k.is_image()) {
        return Err(AppError::invalid("file", "not_an_image"));
    }
    let kept = keep(files, &format!("{}/{id}", r.path), file_name, bytes).await?;
    let saved = async {
        let mut tx = db.begin().await?;
        if let Some(still) = r.still {
            still(&mut tx, id).await?;
        }
        let aid = insert(&mut tx, entity, id, &kept, actor.user_id, r.max).await?;
        tx.commit().await?;
        Ok(aid)
    }
    .await;
    match saved {
        Ok(aid) => find(db, entity, id, aid).await?.ok_or(AppError::NotFound),
        Err(e) => {
            kept.discard(files).await;
            Err(e)
        }
    }
}

/// One file of a record the actor may read: its record, kind and content.
pub async fn file_of(
    db: &Db,
    files: &Files,
    actor: &crate::kernel::access::Actor,
    path: &str,
    id: i64,
    attachment_id: i64,
) -> Result<(Attachment, Kind, Vec<u8>), AppError> {
    let (entity, _) = rules(path)?;
    readable(db, actor, entity, id).await?;
    let a = find(db, entity, id, attachment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (kind, bytes) = read(files, &a).await?;
    Ok((a, kind, bytes))
}

/// Removes a file of a record the actor may change now, with its audit entry; the stored
/// file is deleted once that is committed.
pub async fn detach_from(
    db: &Db,
    files: &Files,
    actor: &crate::kernel::access::Actor,
    path: &str,
    id: i64,
    attachment_id: i64,
) -> Result<(), AppError> {
    let (entity, r) = rules(path)?;
    readable(db, actor, entity, id).await?;
    (r.may_change)(db, actor, id).await?;
    let mut tx = db.begin().await?;
    if let Some(still) = r.still {
        still(&mut tx, id).await?;
    }
    let a = remove(&mut tx, entity, id, attachment_id, actor.user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    files.delete(&a.object_key).await;
    Ok(())
}

/// Declares a kind's [`FileRules`] from a feature's `async fn(&Db, &Actor, i64)` check and,
/// optionally, its `async fn(&mut Tx, i64)` check inside the transaction.
#[macro_export]
macro_rules! file_rules {
    ($path:expr, max: $max:expr, images_only: $images:expr, may_change: $check:path $(, still: $still:path)?) => {{
        fn rules_may_change<'a>(
            db: &'a $crate::kernel::db::Db,
            actor: &'a $crate::kernel::access::Actor,
            id: i64,
        ) -> futures_util::future::BoxFuture<'a, Result<(), $crate::kernel::error::AppError>> {
            Box::pin($check(db, actor, id))
        }
        #[allow(unused_mut, unused_assignments)]
        let mut still: Option<$crate::kernel::attachments::StillCheck> = None;
        $(
            fn rules_still<'a>(
                tx: &'a mut $crate::kernel::db::Tx,
                id: i64,
            ) -> futures_util::future::BoxFuture<'a, Result<(), $crate::kernel::error::AppError>> {
                Box::pin($still(tx, id))
            }
            still = Some(rules_still as $crate::kernel::attachments::StillCheck);
        )?
        $crate::kernel::attachments::FileRules {
            path: $path,
            max: $max,
            images_only: $images,
            may_change: rules_may_change,
            still,
        }
    }};
}
