//! Storage: everything that reads or writes the database, one module per table group.
//! All SQL goes through [`db::Sql`] and runs on either backend.

pub mod areas;
pub mod audit;
pub mod centres;
pub mod db;
mod error;
pub mod kejuruan;
pub mod orgs;
pub mod sessions;
pub mod throttle;
pub mod users;

pub use db::{Db, Sql, Tx};
pub use error::StoreError;

/// Rows per multi-row `INSERT` in bulk loads: well under both backends' placeholder limits.
pub(crate) const BATCH_ROWS: usize = 500;
