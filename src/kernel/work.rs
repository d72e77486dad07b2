//! Each user's work queue: what is theirs to do now, gathered from every feature (each
//! registers a [`Provider`] at start-up and answers for the work it owns), counted live
//! from indexes, each item linked to the page that does the work, saying why and by when.

use std::sync::OnceLock;

use futures_util::future::BoxFuture;
use serde::Serialize;
use time::Date;

use crate::kernel::access::Actor;
use crate::kernel::db::Db;
use crate::kernel::error::AppError;
use crate::kernel::records::RecordRef;

/// One thing to do.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct WorkItem {
    /// What kind of work (`report_due`, `report_to_verify`, `action_overdue`, ...): its
    /// reason is the translation `work.<kind>`.
    pub kind: String,
    /// How many (the item stands for a list when more than one).
    pub count: i64,
    /// The record it is about, when it is about one.
    pub record: Option<RecordRef>,
    /// The page that does the work.
    pub href: String,
    /// By when.
    #[serde(with = "crate::kernel::time::ymd::option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub due: Option<Date>,
    /// Past its date.
    pub overdue: bool,
    /// Why it is here, in the user's language (filled by [`queue`]'s caller).
    pub reason: String,
}

impl WorkItem {
    /// An item of `count` things of `kind`, done at `href`.
    pub fn new(kind: &str, count: i64, href: impl Into<String>) -> WorkItem {
        WorkItem {
            kind: kind.to_owned(),
            count,
            record: None,
            href: href.into(),
            due: None,
            overdue: false,
            reason: String::new(),
        }
    }

    /// About one record, done on its page.
    pub fn about(kind: &str, record: RecordRef) -> WorkItem {
        let mut item = WorkItem::new(kind, 1, record.href.clone());
        item.record = Some(record);
        item
    }

    /// Due on `due` (overdue when that is before `today`).
    pub fn due(mut self, due: Date, today: Date) -> WorkItem {
        self.due = Some(due);
        self.overdue = due < today;
        self
    }
}

/// A feature's part of a user's queue (nothing when none of its work is theirs).
pub type Provider = for<'a> fn(&'a Db, &'a Actor) -> BoxFuture<'a, Result<Vec<WorkItem>, AppError>>;

static PROVIDERS: OnceLock<Vec<Provider>> = OnceLock::new();

/// Registers every feature's provider, once.
pub fn register(providers: impl FnOnce() -> Vec<Provider>) {
    PROVIDERS.get_or_init(providers);
}

/// Declares a provider from a feature's `async fn(&Db, &Actor) -> Result<Vec<WorkItem>, _>`.
#[macro_export]
macro_rules! work_provider {
    ($f:path) => {{
        fn provide<'a>(
            db: &'a $crate::kernel::db::Db,
            actor: &'a $crate::kernel::access::Actor,
        ) -> futures_util::future::BoxFuture<
            'a,
            Result<Vec<$crate::kernel::work::WorkItem>, $crate::kernel::error::AppError>,
        > {
            Box::pin($f(db, actor))
        }
        provide as $crate::kernel::work::Provider
    }};
}

/// The actor's queue: overdue first, then by date, then the undated.
pub async fn queue(db: &Db, actor: &Actor) -> Result<Vec<WorkItem>, AppError> {
    let mut items = Vec::new();
    for p in PROVIDERS.get().into_iter().flatten() {
        items.extend(p(db, actor).await?.into_iter().filter(|i| i.count > 0));
    }
    items.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then_with(|| match (a.due, b.due) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
    });
    Ok(items)
}
