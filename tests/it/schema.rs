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

/// `(table, column)` → the codes its CHECK list allows.
type Checks = std::collections::BTreeMap<(String, String), BTreeSet<String>>;

fn quoted(text: &str) -> BTreeSet<String> {
    text.split('\'')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

async fn sqlite_checks(db: &Db) -> Checks {
    let tables: Vec<(String, String)> = db
        .fetch_all(Sql::new(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'",
        ))
        .await
        .unwrap();
    let mut out = Checks::new();
    for (table, sql) in tables {
        for part in sql.split("CHECK").skip(1) {
            // ` (column IN ('a', 'b'))`: the column, then the quoted codes up to `))`.
            let part = part.trim_start().trim_start_matches('(').trim_start();
            let Some((column, rest)) = part.split_once(char::is_whitespace) else {
                continue;
            };
            let rest = rest.trim_start();
            if !rest.starts_with("IN") {
                continue;
            }
            let list = rest.split(')').next().unwrap_or_default();
            out.insert((table.clone(), column.to_owned()), quoted(list));
        }
    }
    out
}

async fn postgres_checks(db: &Db) -> Checks {
    let defs: Vec<(String, String)> = db
        .fetch_all(Sql::new(
            "SELECT c.conrelid::regclass::text, pg_get_constraintdef(c.oid) FROM pg_constraint c \
             JOIN pg_namespace n ON n.oid = c.connamespace \
             WHERE c.contype = 'c' AND n.nspname = 'public'",
        ))
        .await
        .unwrap();
    let mut out = Checks::new();
    for (table, def) in defs {
        // `CHECK ((status = ANY (ARRAY['aktif'::text, ...])))`
        let Some((head, list)) = def.split_once("= ANY (ARRAY[") else {
            continue;
        };
        let column = head
            .trim_start_matches("CHECK")
            .trim()
            .trim_start_matches('(')
            .trim()
            .trim_end();
        out.insert((table, column.to_owned()), quoted(list));
    }
    out
}

/// Every CHECK list is the same on both databases and is exactly the codes of the Rust enum
/// the column stores, so a value added to one cannot be refused by the other.
#[tokio::test]
async fn check_lists_match_their_enums() {
    let sqlite = support::database(Kind::Sqlite, Content::Reference)
        .await
        .unwrap();
    let Some(pg) = support::database(Kind::Postgres, Content::Reference).await else {
        return;
    };
    let lite = sqlite_checks(&sqlite.db).await;
    let pg = postgres_checks(&pg.db).await;
    assert_eq!(lite, pg, "CHECK lists differ between SQLite and PostgreSQL");
    let enums = enums();
    for (key, codes) in &lite {
        let Some(expected) = enums.get(key) else {
            panic!("{key:?} has a CHECK list {codes:?}: name the Rust enum it stores in `enums`");
        };
        assert_eq!(
            codes, expected,
            "{key:?}: the CHECK list and the Rust enum differ"
        );
    }
    for key in enums.keys() {
        assert!(lite.contains_key(key), "{key:?} has no CHECK list any more");
    }
}

/// The codes of a `code_enum!`.
macro_rules! codes {
    ($t:ty) => {
        <$t>::ALL
            .iter()
            .map(|v| v.as_str().to_owned())
            .collect::<BTreeSet<String>>()
    };
}

/// The Rust enum each CHECK-listed column stores.
fn enums() -> Checks {
    use simandiri::features::{
        accounts, aid, centres, imports, income, notifications, orgs, partnerships, reports,
        trainings, visits,
    };
    use simandiri::kernel::access::Role;
    let delivery = codes!(notifications::model::Delivery);
    [
        (
            "account_tokens",
            "purpose",
            codes!(accounts::model::TokenPurpose),
        ),
        ("aid_programs", "kind", codes!(aid::model::AidKind)),
        (
            "applications",
            "status",
            codes!(trainings::applications::model::ApplicationStatus),
        ),
        ("centres", "host_type", codes!(centres::model::HostType)),
        ("centres", "status", codes!(centres::model::CentreStatus)),
        (
            "consents",
            "purpose",
            codes!(trainings::trainees::model::ConsentPurpose),
        ),
        (
            "enrolments",
            "result",
            codes!(trainings::batches::model::Competence),
        ),
        ("imports", "status", codes!(imports::model::ImportStatus)),
        (
            "income_lines",
            "source",
            codes!(income::model::IncomeSource),
        ),
        ("notification_kinds", "delivery", delivery.clone()),
        ("notification_preferences", "delivery", delivery.clone()),
        ("notifications", "delivery", delivery),
        ("orgs", "kind", codes!(orgs::model::OrgKind)),
        (
            "outcomes",
            "reported_by",
            codes!(trainings::tracer::model::Reporter),
        ),
        (
            "outcomes",
            "status",
            codes!(trainings::tracer::model::OutcomeStatus),
        ),
        (
            "partnerships",
            "document",
            codes!(partnerships::model::Document),
        ),
        (
            "partnerships",
            "status",
            codes!(partnerships::model::PartnershipStatus),
        ),
        (
            "personal_data_access",
            "action",
            codes!(trainings::trainees::model::AccessAction),
        ),
        ("persons", "sex", codes!(trainings::trainees::model::Sex)),
        (
            "report_types",
            "audience",
            codes!(reports::types::model::Audience),
        ),
        (
            "report_types",
            "frequency",
            codes!(reports::period::Frequency),
        ),
        (
            "reports",
            "status",
            codes!(reports::workflow::model::ReportStatus),
        ),
        (
            "trainings",
            "funding",
            codes!(trainings::batches::model::Funding),
        ),
        ("users", "role", codes!(Role)),
        (
            "visit_actions",
            "status",
            codes!(visits::model::ActionStatus),
        ),
        (
            "visit_findings",
            "severity",
            codes!(visits::model::Severity),
        ),
        (
            "visit_questions",
            "kind",
            codes!(visits::model::QuestionKind),
        ),
        ("visits", "status", codes!(visits::model::VisitStatus)),
    ]
    .into_iter()
    .map(|(t, c, codes)| ((t.to_owned(), c.to_owned()), codes))
    .collect()
}
