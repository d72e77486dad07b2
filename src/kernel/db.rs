//! One way to query both backends.
//!
//! Every store builds an [`Sql`] (text with `$N` placeholders plus its arguments) and runs
//! it through [`Db`] or [`Tx`]. Those two are the only places that know which backend is in
//! use: the same SQL string and the same `FromRow` struct serve SQLite and PostgreSQL
//! (sqlx-sqlite accepts `$N`). SQLite gets one writer connection (transactions start with
//! `BEGIN IMMEDIATE`, so read-then-write never fails with "database is locked") and a
//! separate pool of read-only connections.
//!
//! A record is written from one list of `(column, value)` pairs ([`Columns`]): the same list
//! makes its `INSERT` ([`Sql::insert`]) and its `UPDATE ... SET` ([`Sql::update`]).
//! Where the two dialects must differ, the store says so with [`Db::dialect`] in one marked
//! place per query.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, FromRow, Postgres, Sqlite, Transaction};
use time::{Date, OffsetDateTime};

/// A connection pool on either backend.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite { read: SqlitePool, write: SqlitePool },
    Postgres(PgPool),
}

/// An open transaction on either backend. Dropping it without [`Tx::commit`] rolls back.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// A value bound to a placeholder. `None` binds SQL NULL of the right type.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Int(Option<i64>),
    Float(Option<f64>),
    Bool(Option<bool>),
    Text(Option<String>),
    Time(Option<OffsetDateTime>),
    Date(Option<Date>),
}

macro_rules! arg_from {
    ($($t:ty => $variant:ident $(as $conv:ty)?),* $(,)?) => {$(
        impl From<$t> for Arg {
            fn from(v: $t) -> Self { Arg::$variant(Some(v $(as $conv)?)) }
        }
        impl From<Option<$t>> for Arg {
            fn from(v: Option<$t>) -> Self { Arg::$variant(v.map(|v| v $(as $conv)?)) }
        }
    )*};
}
arg_from!(i64 => Int, i32 => Int as i64, f64 => Float, bool => Bool, String => Text,
    OffsetDateTime => Time, Date => Date);

impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(Some(v.to_owned()))
    }
}
impl From<Option<&str>> for Arg {
    fn from(v: Option<&str>) -> Self {
        Arg::Text(v.map(str::to_owned))
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Arg::Text(Some(v.clone()))
    }
}

/// The columns of one row to write, in order: the single list from which a record's `INSERT`
/// and `UPDATE` are both built.
pub type Columns = Vec<(&'static str, Arg)>;

/// The two SQL dialects, for the few queries that must differ (full-text search, time
/// buckets, `FOR UPDATE SKIP LOCKED`). Each such query holds both forms in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// SQL text with `$1..$N` placeholders and the values for them.
#[derive(Debug, Clone, Default)]
pub struct Sql {
    text: String,
    args: Vec<Arg>,
    /// Placeholders were written by hand (they may repeat or come out of order).
    hand_numbered: bool,
}

impl Sql {
    /// Static SQL whose placeholders are written by hand; add their values with [`Sql::arg`].
    pub fn new(text: impl Into<String>) -> Self {
        Sql {
            text: text.into(),
            args: Vec::new(),
            hand_numbered: false,
        }
    }

    /// Adds the value for the next hand-written placeholder.
    pub fn arg(mut self, value: impl Into<Arg>) -> Self {
        self.hand_numbered = true;
        self.args.push(value.into());
        self
    }

    /// Appends SQL text (never user input).
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends another statement built with [`Sql::push_bind`] (a subquery), renumbering
    /// its placeholders after this one's.
    pub fn append(&mut self, other: Sql) -> &mut Self {
        debug_assert!(
            !other.hand_numbered,
            "only built statements can be appended"
        );
        let offset = self.args.len();
        let mut chars = other.text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
                let mut n = String::new();
                while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
                    n.push(d);
                    chars.next();
                }
                let n: usize = n.parse().unwrap_or(0);
                self.text.push('$');
                self.text.push_str(&(n + offset).to_string());
            } else {
                self.text.push(c);
            }
        }
        self.args.extend(other.args);
        self
    }

    /// Appends a numbered placeholder bound to `value`.
    pub fn push_bind(&mut self, value: impl Into<Arg>) -> &mut Self {
        self.args.push(value.into());
        self.text.push('$');
        self.text.push_str(&self.args.len().to_string());
        self
    }

    /// Appends `($a, $b, ...)` for an `IN` list. An empty list becomes `(NULL)`, which matches nothing.
    pub fn push_list<T: Into<Arg>>(&mut self, values: impl IntoIterator<Item = T>) -> &mut Self {
        self.text.push('(');
        let mut first = true;
        for v in values {
            if !first {
                self.text.push_str(", ");
            }
            first = false;
            self.push_bind(v);
        }
        if first {
            self.text.push_str("NULL");
        }
        self.text.push(')');
        self
    }

    /// Appends `($a, $b), ($c, $d), ...`: the rows of a multi-row `VALUES`.
    pub fn push_rows<R: IntoIterator<Item = Arg>>(
        &mut self,
        rows: impl IntoIterator<Item = R>,
    ) -> &mut Self {
        for (i, row) in rows.into_iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.push_list(row);
        }
        self
    }

    /// `INSERT INTO table (a, b) VALUES ($1, $2)` from a record's columns.
    pub fn insert(table: &str, columns: Columns) -> Sql {
        let mut sql = Sql::new(format!("INSERT INTO {table} ("));
        let names: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
        sql.push(&names.join(", ")).push(") VALUES (");
        for (i, (_, v)) in columns.into_iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push_bind(v);
        }
        sql.push(")");
        sql
    }

    /// `UPDATE table SET a = $1, b = $2` from a record's columns; add the `WHERE` after it.
    pub fn update(table: &str, columns: Columns) -> Sql {
        let mut sql = Sql::new(format!("UPDATE {table} SET "));
        for (i, (c, v)) in columns.into_iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push(c).push(" = ").push_bind(v);
        }
        sql
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The form SQLite binds fastest. SQLite looks up each *named* parameter (`$N`) by a
    /// linear scan, which makes a 3,500-value bulk insert quadratic; placeholders added by
    /// `push_bind` are in order, so they can become anonymous `?` instead.
    fn for_sqlite(mut self) -> Sql {
        if self.hand_numbered || self.args.is_empty() {
            return self;
        }
        let mut out = String::with_capacity(self.text.len());
        let mut chars = self.text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
                out.push('?');
            } else {
                out.push(c);
            }
        }
        self.text = out;
        self
    }
}

/// A row type that decodes from both backends.
pub trait Row: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}
impl<T> Row for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{}

/// Binds every [`Arg`] of an [`Sql`] onto a sqlx query of whichever backend.
macro_rules! bound {
    ($query:expr, $args:expr) => {{
        let mut q = $query;
        for a in $args {
            q = match a {
                Arg::Int(v) => q.bind(v),
                Arg::Float(v) => q.bind(v),
                Arg::Bool(v) => q.bind(v),
                Arg::Text(v) => q.bind(v),
                Arg::Time(v) => q.bind(v),
                Arg::Date(v) => q.bind(v),
            };
        }
        q
    }};
}

/// Runs one statement on an executor of either backend.
macro_rules! run {
    (all, $ex:expr, $sql:expr, $T:ty) => {{
        let sql: Sql = $sql;
        bound!(sqlx::query_as::<_, $T>(AssertSqlSafe(sql.text)), sql.args)
            .fetch_all($ex)
            .await
    }};
    (optional, $ex:expr, $sql:expr, $T:ty) => {{
        let sql: Sql = $sql;
        bound!(sqlx::query_as::<_, $T>(AssertSqlSafe(sql.text)), sql.args)
            .fetch_optional($ex)
            .await
    }};
    (execute, $ex:expr, $sql:expr) => {{
        let sql: Sql = $sql;
        bound!(sqlx::query(AssertSqlSafe(sql.text)), sql.args)
            .execute($ex)
            .await
            .map(|r| r.rows_affected())
    }};
}

impl Db {
    /// Opens a pool from a URL: `sqlite:path` / `sqlite://path` or `postgres://...`.
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await?;
            Ok(Db::Postgres(pool))
        } else if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .pragma("temp_store", "memory")
                .pragma("cache_size", "-16000")
                // Read through the operating system's page cache, shared by every connection,
                // instead of each connection copying pages into its own cache.
                .pragma("mmap_size", "1073741824");
            // The writer comes first: it creates the file and switches it to WAL.
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(opts.clone())
                .await?;
            let readers = std::thread::available_parallelism().map_or(4, |n| n.get() * 2);
            let read = SqlitePoolOptions::new()
                .max_connections(readers as u32)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts.read_only(true))
                .await?;
            Ok(Db::Sqlite { read, write })
        } else {
            Err(StoreError::Config(format!(
                "unsupported database URL (expected sqlite: or postgres://): {}",
                url.split(':').next().unwrap_or_default()
            )))
        }
    }

    pub fn dialect(&self) -> Dialect {
        match self {
            Db::Sqlite { .. } => Dialect::Sqlite,
            Db::Postgres(_) => Dialect::Postgres,
        }
    }

    /// Applies the embedded migrations of this backend.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Db::Sqlite { write, .. } => sqlx::migrate!("migrations/sqlite").run(write).await?,
            Db::Postgres(pool) => sqlx::migrate!("migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    pub async fn fetch_all<T: Row>(&self, sql: Sql) -> Result<Vec<T>, StoreError> {
        Ok(match self {
            Db::Sqlite { read, .. } => run!(all, read, sql.for_sqlite(), T)?,
            Db::Postgres(pool) => run!(all, pool, sql, T)?,
        })
    }

    pub async fn fetch_optional<T: Row>(&self, sql: Sql) -> Result<Option<T>, StoreError> {
        Ok(match self {
            Db::Sqlite { read, .. } => run!(optional, read, sql.for_sqlite(), T)?,
            Db::Postgres(pool) => run!(optional, pool, sql, T)?,
        })
    }

    /// Like [`Db::fetch_optional`], but a missing row is [`StoreError::NotFound`].
    pub async fn fetch_one<T: Row>(&self, sql: Sql) -> Result<T, StoreError> {
        self.fetch_optional(sql).await?.ok_or(StoreError::NotFound)
    }

    /// Runs one write statement on its own; returns the number of rows it touched.
    pub async fn execute(&self, sql: Sql) -> Result<u64, StoreError> {
        Ok(match self {
            Db::Sqlite { write, .. } => run!(execute, write, sql.for_sqlite())?,
            Db::Postgres(pool) => run!(execute, pool, sql)?,
        })
    }

    /// Starts a write transaction (`BEGIN IMMEDIATE` on SQLite).
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Db::Sqlite { write, .. } => Tx::Sqlite(write.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// After a bulk load: brings the planner's statistics up to date and, on PostgreSQL,
    /// marks the new rows all-visible, so counts can be read from indexes alone (without
    /// this, a fresh 38,000-BLKK database counted a search's matches from the table: 40 ms
    /// instead of 1). SQLite's plans here do not need statistics.
    pub async fn settle(&self) -> Result<(), StoreError> {
        if let Db::Postgres(pool) = self {
            sqlx::query("VACUUM ANALYZE").execute(pool).await?;
        }
        Ok(())
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.fetch_one::<(i64,)>(Sql::new("SELECT CAST(1 AS BIGINT)"))
            .await
            .map(|_| ())
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite { read, write } => {
                read.close().await;
                write.close().await;
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

impl Tx {
    pub fn dialect(&self) -> Dialect {
        match self {
            Tx::Sqlite(_) => Dialect::Sqlite,
            Tx::Postgres(_) => Dialect::Postgres,
        }
    }

    /// For bulk loads in one long transaction on PostgreSQL: refreshes the planner's
    /// statistics of `tables`, counting this transaction's own new rows. Without it the
    /// plans made while the tables were empty (foreign-key checks among them) keep scanning
    /// whole tables, so each insert costs more than the last. SQLite needs nothing.
    pub async fn analyze(&mut self, tables: &[&str]) -> Result<(), StoreError> {
        if let Tx::Postgres(_) = self
            && !tables.is_empty()
        {
            self.execute(Sql::new(format!("ANALYZE {}", tables.join(", "))))
                .await?;
        }
        Ok(())
    }

    /// Holds the record `kind` `id` (an audit entity and its id) until this transaction
    /// ends, so that transactions which check a rule about the record and then write
    /// (at most N files, once only, a total recomputed from its parts) run one after
    /// another: call it before reading what the rule depends on. On PostgreSQL a
    /// transaction-scoped advisory lock (keys: the kind's hash, the id; another record
    /// sharing them only waits longer). SQLite's one writer already runs write transactions
    /// one at a time (`BEGIN IMMEDIATE`), so there it does nothing. Taking it again in the
    /// same transaction is harmless.
    pub async fn lock(&mut self, kind: &str, id: i64) -> Result<(), StoreError> {
        if let Tx::Postgres(_) = self {
            self.execute(
                Sql::new(
                    "SELECT pg_advisory_xact_lock(hashtext($1), CAST($2 % 2147483648 AS INTEGER))",
                )
                .arg(kind)
                .arg(id),
            )
            .await?;
        }
        Ok(())
    }

    pub async fn fetch_all<T: Row>(&mut self, sql: Sql) -> Result<Vec<T>, StoreError> {
        Ok(match self {
            Tx::Sqlite(tx) => run!(all, &mut **tx, sql.for_sqlite(), T)?,
            Tx::Postgres(tx) => run!(all, &mut **tx, sql, T)?,
        })
    }

    pub async fn fetch_optional<T: Row>(&mut self, sql: Sql) -> Result<Option<T>, StoreError> {
        Ok(match self {
            Tx::Sqlite(tx) => run!(optional, &mut **tx, sql.for_sqlite(), T)?,
            Tx::Postgres(tx) => run!(optional, &mut **tx, sql, T)?,
        })
    }

    pub async fn fetch_one<T: Row>(&mut self, sql: Sql) -> Result<T, StoreError> {
        self.fetch_optional(sql).await?.ok_or(StoreError::NotFound)
    }

    pub async fn execute(&mut self, sql: Sql) -> Result<u64, StoreError> {
        Ok(match self {
            Tx::Sqlite(tx) => run!(execute, &mut **tx, sql.for_sqlite())?,
            Tx::Postgres(tx) => run!(execute, &mut **tx, sql)?,
        })
    }

    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

/// What can go wrong reading or writing the database: the store layer's one error type.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("record not found")]
    NotFound,
    /// A unique constraint refused the write; `column` is the column it guards.
    #[error("duplicate value in {column}")]
    Duplicate { column: String },
    /// A foreign key refused the write (the referenced record does not exist).
    #[error("reference to a missing record: {0}")]
    MissingReference(String),
    /// The record changed since the caller read it (optimistic concurrency).
    #[error("record was changed by someone else")]
    Stale,
    #[error("configuration: {0}")]
    Config(String),
    /// Stored data that does not decode (a corrupt value) or reference data that does not load.
    #[error("bad data: {0}")]
    Data(String),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Database(sqlx::Error),
}

/// The column a unique constraint guards, from the backend's error: the key's last column
/// (in a key of several, the one that must differ among records sharing the others:
/// `centre_id` of `(program_id, centre_id)`). SQLite says `UNIQUE constraint failed:
/// aid_allocations.program_id, aid_allocations.centre_id`; PostgreSQL's detail says
/// `Key (program_id, centre_id)=(1, 2) already exists.`, else its constraint's name less
/// the table (`centres_reg_no_key`, its default naming, kept by every migration).
fn duplicate_column(d: &dyn sqlx::error::DatabaseError) -> String {
    let listed = d
        .message()
        .strip_prefix("UNIQUE constraint failed: ")
        .or_else(|| {
            let detail = d
                .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()?
                .detail()?;
            Some(detail.strip_prefix("Key (")?.split_once(")=")?.0)
        });
    if let Some(cols) = listed {
        let last = cols.rsplit(',').next().unwrap_or_default().trim();
        return last.rsplit('.').next().unwrap_or(last).to_owned();
    }
    match (d.constraint(), d.table()) {
        (Some(c), Some(t)) => c
            .strip_prefix(&format!("{t}_"))
            .and_then(|c| c.strip_suffix("_key"))
            .unwrap_or(c)
            .to_owned(),
        (Some(c), None) => c.to_owned(),
        _ => String::new(),
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Duplicate {
                column: duplicate_column(d.as_ref()),
            },
            sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                StoreError::MissingReference(d.constraint().unwrap_or(d.message()).to_owned())
            }
            sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => {
                StoreError::Data(e.to_string())
            }
            _ => StoreError::Database(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_bind_numbers_placeholders_in_order() {
        let mut sql = Sql::new("SELECT 1 WHERE a = $1").arg(5i64);
        sql.push(" AND b IN ").push_list(["x", "y"]);
        sql.push(" AND c = ").push_bind(Some(2.5f64));
        assert_eq!(
            sql.text(),
            "SELECT 1 WHERE a = $1 AND b IN ($2, $3) AND c = $4"
        );
        assert_eq!(sql.args.len(), 4);
        assert_eq!(sql.args[1], Arg::Text(Some("x".into())));
    }

    #[test]
    fn sqlite_gets_anonymous_placeholders_only_when_they_are_in_order() {
        let mut built = Sql::new("INSERT INTO t VALUES ");
        built
            .push("(")
            .push_bind(1i64)
            .push(", ")
            .push_bind("$5 is text")
            .push(")");
        assert_eq!(built.for_sqlite().text(), "INSERT INTO t VALUES (?, ?)");
        let hand = Sql::new("SELECT $2, $1").arg(1i64).arg(2i64);
        assert_eq!(hand.for_sqlite().text(), "SELECT $2, $1");
    }

    #[test]
    fn insert_and_update_come_from_one_column_list() {
        let cols = || -> Columns { vec![("a", 1i64.into()), ("b", "x".into())] };
        assert_eq!(
            Sql::insert("t", cols()).text(),
            "INSERT INTO t (a, b) VALUES ($1, $2)"
        );
        let mut u = Sql::update("t", cols());
        u.push(" WHERE id = ").push_bind(9i64);
        assert_eq!(u.text(), "UPDATE t SET a = $1, b = $2 WHERE id = $3");
        assert_eq!(u.args.len(), 3);
    }

    #[test]
    fn appended_statements_are_renumbered() {
        let mut outer = Sql::new("SELECT * FROM (");
        outer
            .push("SELECT 1 WHERE a = ")
            .push_bind(1i64)
            .push(" AND ");
        let mut inner = Sql::new("b = ");
        inner.push_bind(2i64).push(" AND c = ").push_bind(3i64);
        outer.append(inner).push(")");
        assert_eq!(
            outer.text(),
            "SELECT * FROM (SELECT 1 WHERE a = $1 AND b = $2 AND c = $3)"
        );
        assert_eq!(outer.args.len(), 3);
    }

    #[test]
    fn empty_in_list_matches_nothing() {
        let mut sql = Sql::new("x IN ");
        sql.push_list(Vec::<i64>::new());
        assert_eq!(sql.text(), "x IN (NULL)");
    }
}
