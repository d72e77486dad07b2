//! The two migrations make the same schema: the same tables and columns, of matching types
//! and nullability, with the same indexes and unique keys.

use std::collections::BTreeSet;

use simandiri::kernel::db::{Db, Sql};

use crate::support::{self, Content, Kind};

/// `(table, column, SQLite type, not null)`.
type Column = (String, String, String, bool);
/// `(table, columns, unique)`.
type Index = (String, String, bool);

/// The SQLite storage type a PostgreSQL column type must be declared as.
fn sqlite_type_for(pg: &str) -> &'static str {
    match pg {
        "bigint" | "integer" | "smallint" | "boolean" => "INTEGER",
        "double precision" | "real" => "REAL",
        "text" | "timestamp with time zone" | "date" => "TEXT",
        other => panic!("no SQLite counterpart chosen for PostgreSQL type {other}"),
    }
}

async fn sqlite_schema(db: &Db) -> (BTreeSet<Column>, BTreeSet<Index>) {
    let cols: Vec<(String, String, String, i64, i64)> = db
        .fetch_all(Sql::new(
            "SELECT m.name, p.name, p.type, p.\"notnull\", p.pk FROM sqlite_master m, \
             pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
             AND m.name NOT LIKE '_sqlx%'",
        ))
        .await
        .unwrap();
    let columns = cols
        .into_iter()
        .map(|(t, c, ty, notnull, pk)| (t, c, ty.to_uppercase(), notnull == 1 || pk > 0))
        .collect();
    let idx: Vec<(String, String, i64, String)> = db
        .fetch_all(Sql::new(
            "SELECT m.tbl_name, l.name, l.\"unique\", \
             (SELECT group_concat(name, ',') FROM (SELECT i.name FROM pragma_index_info(l.name) i ORDER BY i.seqno)) \
             FROM sqlite_master m, pragma_index_list(m.name) l \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'",
        ))
        .await
        .unwrap();
    let mut indexes: BTreeSet<Index> = idx
        .into_iter()
        .map(|(t, _, unique, cols)| (t, cols, unique == 1))
        .collect();
    // An INTEGER PRIMARY KEY is the row id itself, with no separate index.
    let rowid_keys: Vec<(String, String)> = db
        .fetch_all(Sql::new(
            "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND p.pk = 1 AND upper(p.type) = 'INTEGER' \
             AND (SELECT COUNT(*) FROM pragma_table_info(m.name) q WHERE q.pk > 0) = 1",
        ))
        .await
        .unwrap();
    for (t, c) in rowid_keys {
        indexes.insert((t, c, true));
    }
    (columns, indexes)
}

async fn postgres_schema(db: &Db) -> (BTreeSet<Column>, BTreeSet<Index>) {
    let cols: Vec<(String, String, String, String)> = db
        .fetch_all(Sql::new(
            "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text \
             FROM information_schema.columns WHERE table_schema = 'public' \
             AND table_name NOT LIKE '_sqlx%'",
        ))
        .await
        .unwrap();
    let columns = cols
        .into_iter()
        .map(|(t, c, ty, nullable)| (t, c, sqlite_type_for(&ty).to_owned(), nullable == "NO"))
        .collect();
    let idx: Vec<(String, String, bool, String)> = db
        .fetch_all(Sql::new(
            "SELECT t.relname::text, i.relname::text, x.indisunique, \
             (SELECT string_agg(a.attname::text, ',' ORDER BY k.n) \
              FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, n) \
              JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) \
             FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid \
             JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace ns ON ns.oid = t.relnamespace \
             WHERE ns.nspname = 'public' AND t.relname NOT LIKE '_sqlx%'",
        ))
        .await
        .unwrap();
    let indexes = idx
        .into_iter()
        .map(|(t, _, unique, cols)| (t, cols, unique))
        .collect();
    (columns, indexes)
}

#[tokio::test]
async fn sqlite_and_postgres_schemas_match() {
    let sqlite = support::database(Kind::Sqlite, Content::Reference)
        .await
        .unwrap();
    let Some(pg) = support::database(Kind::Postgres, Content::Reference).await else {
        return;
    };
    let (lite_cols, lite_idx) = sqlite_schema(&sqlite.db).await;
    let (pg_cols, pg_idx) = postgres_schema(&pg.db).await;
    assert!(lite_cols.len() > 60, "{lite_cols:?}");
    let only =
        |a: &BTreeSet<Column>, b: &BTreeSet<Column>| a.difference(b).cloned().collect::<Vec<_>>();
    assert_eq!(
        only(&lite_cols, &pg_cols),
        vec![],
        "columns only in SQLite (or differing)"
    );
    assert_eq!(
        only(&pg_cols, &lite_cols),
        vec![],
        "columns only in PostgreSQL (or differing)"
    );
    assert!(lite_idx.len() > 15, "{lite_idx:?}");
    let only =
        |a: &BTreeSet<Index>, b: &BTreeSet<Index>| a.difference(b).cloned().collect::<Vec<_>>();
    assert_eq!(only(&lite_idx, &pg_idx), vec![], "indexes only in SQLite");
    assert_eq!(
        only(&pg_idx, &lite_idx),
        vec![],
        "indexes only in PostgreSQL"
    );
}
