//! The conversation on a record (a report today; a forum's thread next): comments in one
//! table under the record's audit entity and id, each written with its audit entry. A kind
//! of record that has one declares [`CommentRules`] with its record kind: who may write, and
//! whom a new comment tells.

use futures_util::future::BoxFuture;
use serde::Serialize;
use time::OffsetDateTime;

use crate::kernel::access::Actor;
use crate::kernel::audit;
use crate::kernel::db::{Db, Sql, StoreError, Tx};
use crate::kernel::error::AppError;
use crate::kernel::validate::{FieldErrors, check};

/// The longest comment.
pub const MAX_COMMENT: usize = 4000;

/// A comment as everyone who may read its record sees it: who wrote it (name and role,
/// never their contacts), when, what.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Comment {
    pub id: i64,
    /// The kind of record (`report`, ...).
    pub entity: String,
    pub entity_id: i64,
    pub author_id: Option<i64>,
    pub author_name: String,
    pub author_role: String,
    pub body: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

/// Whether the actor may comment on record `id` now.
pub type MayComment = for<'a> fn(&'a Db, &'a Actor, i64) -> BoxFuture<'a, Result<(), AppError>>;

/// Tells those concerned about a new comment, in its transaction.
pub type Tell = for<'a> fn(&'a mut Tx, &'a Actor, i64) -> BoxFuture<'a, Result<(), AppError>>;

/// How a kind of record takes comments.
#[derive(Clone, Copy)]
pub struct CommentRules {
    /// The path segment of its records: `/api/v1/{path}/{id}/comments`.
    pub path: &'static str,
    pub may_comment: MayComment,
    pub tell: Option<Tell>,
}

/// A record's comments, oldest first.
pub async fn list(db: &Db, entity: &str, entity_id: i64) -> Result<Vec<Comment>, StoreError> {
    db.fetch_all(
        Sql::new(
            "SELECT c.id, c.entity, c.entity_id, c.author_id, COALESCE(u.name, '') AS author_name, \
             COALESCE(u.role, '') AS author_role, c.body, c.created_at FROM comments c \
             LEFT JOIN users u ON u.id = c.author_id WHERE c.entity = $1 AND c.entity_id = $2 \
             ORDER BY c.id",
        )
        .arg(entity)
        .arg(entity_id),
    )
    .await
}

/// A comment's text, checked: required, at most [`MAX_COMMENT`] characters (else a field
/// error on `field`).
pub fn text(body: &str, field: &'static str) -> Result<String, AppError> {
    let mut e = FieldErrors::new();
    let t = e.take(field, check::required(body, MAX_COMMENT));
    e.finish(t).map_err(AppError::Invalid)
}

/// Adds a comment in the caller's transaction (a step that carries one, such as returning
/// a report, records it in its own audit entry).
pub async fn insert(
    tx: &mut Tx,
    entity: &'static str,
    entity_id: i64,
    author: i64,
    body: &str,
) -> Result<i64, StoreError> {
    let mut sql = Sql::insert(
        "comments",
        vec![
            ("entity", entity.into()),
            ("entity_id", entity_id.into()),
            ("author_id", author.into()),
            ("body", body.into()),
            ("created_at", crate::kernel::time::now().into()),
        ],
    );
    sql.push(" RETURNING id");
    let (id,): (i64,) = tx.fetch_one(sql).await?;
    Ok(id)
}

fn rules(path: &str) -> Result<(&'static str, CommentRules), AppError> {
    crate::kernel::records::with_comments(path).ok_or(AppError::NotFound)
}

async fn readable(db: &Db, actor: &Actor, entity: &str, id: i64) -> Result<(), AppError> {
    if crate::kernel::records::may_read(db, actor, entity, id).await? {
        return Ok(());
    }
    Err(if crate::kernel::records::exists(db, entity, id).await? {
        AppError::Forbidden
    } else {
        AppError::NotFound
    })
}

/// The conversation on a record the actor may read.
pub async fn of_record(
    db: &Db,
    actor: &Actor,
    path: &str,
    id: i64,
) -> Result<Vec<Comment>, AppError> {
    let (entity, _) = rules(path)?;
    readable(db, actor, entity, id).await?;
    Ok(list(db, entity, id).await?)
}

/// Adds the actor's comment to a record they may comment on, telling those concerned, in
/// one transaction.
pub async fn add_to(
    db: &Db,
    actor: &Actor,
    path: &str,
    id: i64,
    body: &str,
) -> Result<Comment, AppError> {
    let (entity, r) = rules(path)?;
    readable(db, actor, entity, id).await?;
    (r.may_comment)(db, actor, id).await?;
    let body = text(body, "body")?;
    let mut tx = db.begin().await?;
    let cid = insert(&mut tx, entity, id, actor.user_id, &body).await?;
    audit::record_now(
        &mut tx,
        Some(actor.user_id),
        entity,
        id,
        "comment",
        &audit::note("comment", cid),
    )
    .await?;
    if let Some(tell) = r.tell {
        tell(&mut tx, actor, id).await?;
    }
    tx.commit().await?;
    list(db, entity, id)
        .await?
        .into_iter()
        .find(|c| c.id == cid)
        .ok_or(AppError::NotFound)
}

/// Declares a kind's [`CommentRules`] from a feature's `async fn(&Db, &Actor, i64)` check and,
/// optionally, its `async fn(&mut Tx, &Actor, i64)` that tells those concerned.
#[macro_export]
macro_rules! comment_rules {
    ($path:expr, may_comment: $check:path $(, tell: $tell:path)?) => {{
        fn rules_may_comment<'a>(
            db: &'a $crate::kernel::db::Db,
            actor: &'a $crate::kernel::access::Actor,
            id: i64,
        ) -> futures_util::future::BoxFuture<'a, Result<(), $crate::kernel::error::AppError>> {
            Box::pin($check(db, actor, id))
        }
        #[allow(unused_mut, unused_assignments)]
        let mut tell: Option<$crate::kernel::comments::Tell> = None;
        $(
            fn rules_tell<'a>(
                tx: &'a mut $crate::kernel::db::Tx,
                actor: &'a $crate::kernel::access::Actor,
                id: i64,
            ) -> futures_util::future::BoxFuture<'a, Result<(), $crate::kernel::error::AppError>> {
                Box::pin($tell(tx, actor, id))
            }
            tell = Some(rules_tell as $crate::kernel::comments::Tell);
        )?
        $crate::kernel::comments::CommentRules {
            path: $path,
            may_comment: rules_may_comment,
            tell,
        }
    }};
}
