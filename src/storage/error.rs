//! The storage layer's one error type.

/// What can go wrong reading or writing the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("record not found")]
    NotFound,
    /// A unique constraint refused the write; carries the constraint or column text.
    #[error("duplicate value: {0}")]
    Duplicate(String),
    /// A foreign key refused the write (the referenced record does not exist).
    #[error("reference to a missing record: {0}")]
    MissingReference(String),
    /// The record changed since the caller read it (optimistic concurrency).
    #[error("record was changed by someone else")]
    Stale,
    #[error("configuration: {0}")]
    Config(String),
    #[error("bad reference data: {0}")]
    Data(String),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                StoreError::Duplicate(d.constraint().unwrap_or(d.message()).to_owned())
            }
            sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                StoreError::MissingReference(d.constraint().unwrap_or(d.message()).to_owned())
            }
            _ => StoreError::Database(e),
        }
    }
}
