//! Every kind of record the application keeps, known by name: each feature declares its
//! record kinds once ([`Kind`]: the audit entity name, how to name and link a record of it,
//! who may read one, how a picker finds one), and everything that refers to "some record"
//! (recent changes, histories, notifications, the work queue, pickers, search) resolves it
//! here. The kernel never imports a feature: features register their kinds at start-up
//! ([`register`], called by `http::router`).

use std::collections::HashMap;
use std::sync::OnceLock;

use futures_util::future::BoxFuture;
use serde::Serialize;

use crate::kernel::access::Actor;
use crate::kernel::db::Db;
use crate::kernel::error::AppError;

/// A record as users see it: its name and the page that shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RecordRef {
    /// The kind of record (`centre`, `report`, `visit_action`, ...).
    pub entity: String,
    pub id: i64,
    /// Its human name ("BLK Komunitas PP Darul Bayan", "Laporan bulanan 2026-11 · Darul
    /// Bayan").
    pub name: String,
    /// The page that shows it.
    pub href: String,
}

/// One record a picker offers: its id, name and a line that tells it apart (a place, a
/// registration number, a year).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Pickable {
    pub id: i64,
    pub name: String,
    pub detail: String,
}

/// Names and links the records of one kind with these ids (those that no longer exist are
/// left out).
pub type Resolve = for<'a> fn(&'a Db, &'a [i64]) -> BoxFuture<'a, Result<Vec<RecordRef>, AppError>>;

/// Which of these ids the actor may read.
pub type Readable =
    for<'a> fn(&'a Db, &'a Actor, &'a [i64]) -> BoxFuture<'a, Result<Vec<i64>, AppError>>;

/// The records of a kind the actor may choose in a form, matching a search (at most
/// `limit`); an empty search offers the first ones.
pub type Search =
    for<'a> fn(&'a Db, &'a Actor, &'a str, i64) -> BoxFuture<'a, Result<Vec<Pickable>, AppError>>;

/// A kind of record, as its feature declares it.
#[derive(Clone, Copy)]
pub struct Kind {
    /// The audit entity name (`centre`, `report`, ...): the key everything refers to it by.
    pub entity: &'static str,
    pub resolve: Resolve,
    pub readable: Readable,
    /// For kinds a form may refer to: what a picker offers, and which ids the actor may
    /// choose (a form given another is refused beside the field).
    pub search: Option<(Search, Readable)>,
    /// For kinds that take files (photos, documents): how.
    pub files: Option<crate::kernel::attachments::FileRules>,
    /// For kinds that have a conversation: who may write, whom a comment tells.
    pub comments: Option<crate::kernel::comments::CommentRules>,
}

/// Declares a record kind from a feature's functions:
/// `record_kind!(ENTITY, resolve, readable)` or
/// `record_kind!(ENTITY, resolve, readable, search, choosable)`, each an `async fn` taking
/// what the matching type above takes.
#[macro_export]
macro_rules! record_kind {
    ($entity:expr, $resolve:path, $readable:path $(, $search:path, $choosable:path)?) => {{
        use $crate::kernel::records as r;
        fn kind_resolve<'a>(
            db: &'a $crate::kernel::db::Db,
            ids: &'a [i64],
        ) -> futures_util::future::BoxFuture<
            'a,
            Result<Vec<r::RecordRef>, $crate::kernel::error::AppError>,
        > {
            Box::pin($resolve(db, ids))
        }
        fn kind_readable<'a>(
            db: &'a $crate::kernel::db::Db,
            actor: &'a $crate::kernel::access::Actor,
            ids: &'a [i64],
        ) -> futures_util::future::BoxFuture<'a, Result<Vec<i64>, $crate::kernel::error::AppError>>
        {
            Box::pin($readable(db, actor, ids))
        }
        #[allow(unused_mut, unused_assignments)]
        let mut search: Option<(r::Search, r::Readable)> = None;
        $(
            fn kind_search<'a>(
                db: &'a $crate::kernel::db::Db,
                actor: &'a $crate::kernel::access::Actor,
                q: &'a str,
                limit: i64,
            ) -> futures_util::future::BoxFuture<
                'a,
                Result<Vec<r::Pickable>, $crate::kernel::error::AppError>,
            > {
                Box::pin($search(db, actor, q, limit))
            }
            fn kind_choosable<'a>(
                db: &'a $crate::kernel::db::Db,
                actor: &'a $crate::kernel::access::Actor,
                ids: &'a [i64],
            ) -> futures_util::future::BoxFuture<
                'a,
                Result<Vec<i64>, $crate::kernel::error::AppError>,
            > {
                Box::pin($choosable(db, actor, ids))
            }
            search = Some((kind_search as r::Search, kind_choosable as r::Readable));
        )?
        r::Kind {
            entity: $entity,
            resolve: kind_resolve,
            readable: kind_readable,
            search,
            files: None,
            comments: None,
        }
    }};
}

/// Records of one kind from `(id, name)` rows, each linked by `href`.
pub fn named(
    entity: &str,
    rows: Vec<(i64, String)>,
    href: impl Fn(i64) -> String,
) -> Vec<RecordRef> {
    rows.into_iter()
        .map(|(id, name)| RecordRef {
            entity: entity.to_owned(),
            href: href(id),
            id,
            name,
        })
        .collect()
}

/// Those of `ids` for which `check` (a feature's own read check, one record at a time)
/// succeeds: for the short lists records are resolved for.
pub async fn each_readable<F, Fut, T>(ids: &[i64], check: F) -> Vec<i64>
where
    F: Fn(i64) -> Fut,
    Fut: std::future::Future<Output = Result<T, AppError>>,
{
    let mut out = Vec::new();
    for id in ids {
        if check(*id).await.is_ok() {
            out.push(*id);
        }
    }
    out
}

static KINDS: OnceLock<HashMap<&'static str, Kind>> = OnceLock::new();

/// Registers the record kinds of every feature, once (later calls change nothing: the
/// features and their kinds are the same for the whole process).
pub fn register(kinds: impl FnOnce() -> Vec<Kind>) {
    KINDS.get_or_init(|| kinds().into_iter().map(|k| (k.entity, k)).collect());
}

/// The kind with this entity name, once registered.
pub fn kind(entity: &str) -> Option<&'static Kind> {
    KINDS.get().and_then(|k| k.get(entity))
}

/// The kind whose records keep their files under `path`, and its rules.
pub fn with_files(path: &str) -> Option<(&'static str, crate::kernel::attachments::FileRules)> {
    KINDS
        .get()?
        .values()
        .find_map(|k| k.files.filter(|f| f.path == path).map(|f| (k.entity, f)))
}

/// The kind whose records have their conversation under `path`, and its rules.
pub fn with_comments(path: &str) -> Option<(&'static str, crate::kernel::comments::CommentRules)> {
    KINDS
        .get()?
        .values()
        .find_map(|k| k.comments.filter(|c| c.path == path).map(|c| (k.entity, c)))
}

/// The path segments of the kinds that take files, sorted.
pub fn file_paths() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = KINDS
        .get()
        .into_iter()
        .flat_map(|k| k.values())
        .filter_map(|k| k.files.map(|f| f.path))
        .collect();
    out.sort_unstable();
    out
}

/// The entity names of the kinds a picker can search.
pub fn searchable() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = KINDS
        .get()
        .into_iter()
        .flat_map(|k| k.values())
        .filter(|k| k.search.is_some())
        .map(|k| k.entity)
        .collect();
    out.sort_unstable();
    out
}

/// Names and links these records, in one query per kind. A record of an unknown kind, or
/// one that no longer exists, is named by its kind and number and links nowhere.
pub async fn resolve(db: &Db, refs: &[(&str, i64)]) -> Result<Vec<RecordRef>, AppError> {
    let mut by_kind: HashMap<&str, Vec<i64>> = HashMap::new();
    for (entity, id) in refs {
        let ids = by_kind.entry(entity).or_default();
        if !ids.contains(id) {
            ids.push(*id);
        }
    }
    let mut found: HashMap<(String, i64), RecordRef> = HashMap::new();
    for (entity, ids) in by_kind {
        if let Some(k) = kind(entity) {
            for r in (k.resolve)(db, &ids).await? {
                found.insert((r.entity.clone(), r.id), r);
            }
        }
    }
    Ok(refs
        .iter()
        .map(|(entity, id)| {
            found
                .get(&((*entity).to_owned(), *id))
                .cloned()
                .unwrap_or_else(|| RecordRef {
                    entity: (*entity).to_owned(),
                    id: *id,
                    name: format!("{entity} {id}"),
                    href: String::new(),
                })
        })
        .collect())
}

/// Whether this record exists (a known kind names it).
pub async fn exists(db: &Db, entity: &str, id: i64) -> Result<bool, AppError> {
    match kind(entity) {
        Some(k) => Ok(!(k.resolve)(db, &[id]).await?.is_empty()),
        None => Ok(false),
    }
}

/// Whether the actor may read this record (unknown kinds: no).
pub async fn may_read(db: &Db, actor: &Actor, entity: &str, id: i64) -> Result<bool, AppError> {
    match kind(entity) {
        Some(k) => Ok((k.readable)(db, actor, &[id]).await?.contains(&id)),
        None => Ok(false),
    }
}

/// The records of a kind the actor may choose, matching `q`: for pickers. An unknown or
/// unsearchable kind is a field error on `kind`.
pub async fn search(
    db: &Db,
    actor: &Actor,
    entity: &str,
    q: &str,
    limit: i64,
) -> Result<Vec<Pickable>, AppError> {
    let (search, _) = kind(entity)
        .and_then(|k| k.search)
        .ok_or_else(|| AppError::invalid("kind", "invalid_choice"))?;
    search(db, actor, q.trim(), limit.clamp(1, 50)).await
}

/// Whether the actor may choose the record `id` of this kind in a form (a stale or
/// tampered id is refused by the caller as a field error).
pub async fn may_choose(db: &Db, actor: &Actor, entity: &str, id: i64) -> Result<bool, AppError> {
    match kind(entity).and_then(|k| k.search) {
        Some((_, choosable)) => Ok(choosable(db, actor, &[id]).await?.contains(&id)),
        None => Ok(false),
    }
}
