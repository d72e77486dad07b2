//! The figures layer: every figure the application shows is a number kept per figure code,
//! period and scope node in one table (`figures`), changed in the transaction of the write
//! that changes it (its old contribution out, the new one in), so a figure is live the
//! moment that transaction commits and a national or provincial figure reads a few rows,
//! never one row per BLKK.
//!
//! - **Codes.** Each feature declares its figures once ([`Figure`]: code, labels, unit,
//!   definition, source) and registers them at start-up with a recount ([`Source`]): the
//!   SQL that counts the same figures afresh from the feature's own records. A code may take
//!   a parameter after a slash (`reports.sent/3`: reports of type 3).
//! - **Periods.** A flow figure is kept per period of its records (`2026`, `2026-S1`,
//!   `2026-Q2`, `2026-10`); a stock figure (how many BLKK are active) under [`NOW`].
//! - **Nodes.** A BLKK's contribution goes to every node above it ([`nodes`]): the nation,
//!   its province, its regency, its UPTP, the pair of its province and UPTP (for league
//!   tables), and the BLKK itself. A forum's figure is the sum of its members' own rows, so
//!   it follows the membership as it is now.
//! - **Places.** A record is counted at the place its BLKK had when the record was made
//!   (reports keep their province, regency and UPTP), so a BLKK that moves leaves its past
//!   periods where they were counted; `simandiri figures recount` counts afresh from the
//!   records, and changes nothing else.
//!
//! The kernel never imports a feature: features register their figures and recounts
//! ([`register`], from `crate::init`).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Serialize;

use crate::kernel::access::{CentreFacts, Scope};
use crate::kernel::db::{Db, Dialect, Sql, StoreError, Tx};

/// The period of a stock figure: as it is now.
pub const NOW: &str = "now";

/// What a figure's number is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A number of things (BLKK, reports, graduates).
    Count,
    /// An amount of money, in rupiah.
    Rupiah,
}

/// Whether a figure counts what happened in a period or what is so now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Counted per period (month, quarter, semester or year).
    Flow,
    /// As it is now (period `now`).
    Stock,
}

/// One figure, as its feature declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Figure {
    /// Its code; a parameter follows after `/` when `param` is set.
    pub code: &'static str,
    /// The parameter the code takes (`type`: a report type's id), if any.
    pub param: Option<&'static str>,
    pub label_id: &'static str,
    pub label_en: &'static str,
    pub definition_id: &'static str,
    pub definition_en: &'static str,
    pub unit: Unit,
    pub kind: Kind,
    /// The feature that keeps it.
    pub source: &'static str,
}

/// A feature's figures and the SQL that counts them afresh from its records: each
/// statement selects rows of `(code, period, node, value)` (see [`node_rows`]).
#[derive(Clone, Copy)]
pub struct Source {
    pub figures: &'static [Figure],
    /// Every code this source keeps starts with this (`reports.`), so a recount replaces
    /// exactly its own rows.
    pub prefix: &'static str,
    pub recount: fn(Dialect) -> Vec<String>,
}

static SOURCES: OnceLock<Vec<Source>> = OnceLock::new();

/// Registers every feature's figures, once.
pub fn register(sources: impl FnOnce() -> Vec<Source>) {
    SOURCES.get_or_init(sources);
}

fn sources() -> &'static [Source] {
    SOURCES.get().map(Vec::as_slice).unwrap_or_default()
}

/// Every registered figure.
pub fn catalogue() -> Vec<&'static Figure> {
    sources().iter().flat_map(|s| s.figures.iter()).collect()
}

/// The declared figure a code names (`reports.sent/3` → `reports.sent`), if the code is
/// well formed: a parameter where the figure takes one (a positive number), none elsewhere.
pub fn figure(code: &str) -> Option<&'static Figure> {
    let (base, param) = match code.split_once('/') {
        Some((b, p)) => (b, Some(p)),
        None => (code, None),
    };
    let f = sources()
        .iter()
        .flat_map(|s| s.figures.iter())
        .find(|f| f.code == base)?;
    match (f.param, param) {
        (None, None) => Some(f),
        (Some(_), Some(p)) if p.parse::<i64>().is_ok_and(|n| n > 0) => Some(f),
        _ => None,
    }
}

/// The key of a scope node: `nation`, `province:32`, `regency:32.04`, `uptp:12`,
/// `forum:40`, `blkk:7`. `None` for [`Scope::Nothing`].
pub fn node(scope: &Scope) -> Option<String> {
    Some(match scope {
        Scope::All => "nation".to_owned(),
        Scope::Region(a) if a.len() == 2 => format!("province:{a}"),
        Scope::Region(a) => format!("regency:{a}"),
        Scope::Pembina(u) => format!("uptp:{u}"),
        Scope::Forum(f) => format!("forum:{f}"),
        Scope::Centre(c) => format!("blkk:{c}"),
        Scope::Nothing => return None,
    })
}

/// Reads a scope node: `nation` (or nothing), `province:32`, `regency:32.04`, `uptp:12`
/// or `forum:40`.
pub fn parse_scope(text: &str) -> Option<Scope> {
    let text = text.trim();
    if text.is_empty() || text == "nation" {
        return Some(Scope::All);
    }
    let (kind, value) = text.split_once(':')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match kind {
        "province" if value.len() == 2 && digits(value) => Some(Scope::Region(value.to_owned())),
        "regency"
            if value.len() == 5
                && digits(&value[..2])
                && value.as_bytes()[2] == b'.'
                && digits(&value[3..]) =>
        {
            Some(Scope::Region(value.to_owned()))
        }
        "uptp" => value.parse().ok().filter(|n| *n > 0).map(Scope::Pembina),
        "forum" => value.parse().ok().filter(|n| *n > 0).map(Scope::Forum),
        _ => None,
    }
}

/// A scope as asked for, named as answers name it (`nation` when none was given).
pub fn scope_text(asked: &str) -> String {
    match asked.trim() {
        "" => "nation".to_owned(),
        s => s.to_owned(),
    }
}

/// Whether the scope `own` (a user's) holds all of `wanted`.
pub fn holds(own: &Scope, wanted: &Scope) -> bool {
    match (own, wanted) {
        (Scope::All, _) => true,
        (Scope::Region(o), Scope::Region(w)) => w.starts_with(o.as_str()),
        (o, w) => o == w,
    }
}

/// The node of a province and UPTP pair (a league table's row).
pub fn pair(province: &str, uptp: i64) -> String {
    format!("pu:{province}:{uptp}")
}

/// Every node a BLKK's contribution is kept at (a forum's figure is summed from its
/// members' own rows, see the module notes).
pub fn nodes(c: &CentreFacts) -> Vec<String> {
    let mut out = vec![
        "nation".to_owned(),
        format!("province:{}", c.province_code),
        format!("regency:{}", c.regency_code),
        format!("blkk:{}", c.id),
    ];
    if let Some(u) = c.pembina_id {
        out.push(format!("uptp:{u}"));
        out.push(pair(&c.province_code, u));
    }
    out
}

/// The SQL that gives one row per node for a grouped count: `select` has the placeholders
/// `{node}` (the node expression), `{group}` (what to group by besides the code and
/// period, with its leading comma) and `{and}` (a condition for node kinds that need one,
/// with its leading `AND`), each replaced once per node kind; the rows of all kinds are
/// joined with `UNION ALL`. `province`, `regency`, `uptp` and `centre` are the record's
/// columns.
pub fn node_rows(select: &str, province: &str, regency: &str, uptp: &str, centre: &str) -> String {
    let text = |e: &str| format!("CAST({e} AS TEXT)");
    let kinds = [
        ("'nation'".to_owned(), String::new(), String::new()),
        (
            format!("'province:' || {province}"),
            format!(", {province}"),
            String::new(),
        ),
        (
            format!("'regency:' || {regency}"),
            format!(", {regency}"),
            String::new(),
        ),
        (
            format!("'uptp:' || {}", text(uptp)),
            format!(", {uptp}"),
            format!(" AND {uptp} IS NOT NULL"),
        ),
        (
            format!("'pu:' || {province} || ':' || {}", text(uptp)),
            format!(", {province}, {uptp}"),
            format!(" AND {uptp} IS NOT NULL"),
        ),
        (
            format!("'blkk:' || {}", text(centre)),
            format!(", {centre}"),
            String::new(),
        ),
    ];
    kinds
        .iter()
        .map(|(node, group, cond)| {
            select
                .replace("{node}", node)
                .replace("{group}", group)
                .replace("{and}", cond)
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ")
}

/// Changes to kept figures, gathered in a write and applied at its end in one statement,
/// always in the same order (so two writers on PostgreSQL never wait for each other in a
/// circle).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Delta {
    changes: BTreeMap<(String, String, String), i64>,
}

impl Delta {
    /// `value` more (or less, when negative) of figure `code` in `period`, at every node of
    /// the BLKK `place`.
    pub fn add(&mut self, code: &str, period: &str, place: &CentreFacts, value: i64) -> &mut Self {
        if value != 0 {
            for n in nodes(place) {
                *self
                    .changes
                    .entry((code.to_owned(), period.to_owned(), n))
                    .or_default() += value;
            }
        }
        self
    }

    pub fn is_empty(&self) -> bool {
        self.changes.values().all(|v| *v == 0)
    }

    /// Applies the changes in `tx` (the write's own transaction).
    pub async fn apply(&self, tx: &mut Tx) -> Result<(), StoreError> {
        let rows: Vec<_> = self.changes.iter().filter(|(_, v)| **v != 0).collect();
        insert(
            tx,
            &rows,
            " ON CONFLICT (code, period, node) DO UPDATE SET value = figures.value + excluded.value",
        )
        .await
    }
}

/// Inserts kept rows in chunks, each statement ending with `then`.
async fn insert(
    tx: &mut Tx,
    rows: &[(&(String, String, String), &i64)],
    then: &str,
) -> Result<(), StoreError> {
    for chunk in rows.chunks(200) {
        let mut sql = Sql::new("INSERT INTO figures (code, period, node, value) VALUES ");
        sql.push_rows(chunk.iter().map(|((c, p, n), v)| {
            [
                c.as_str().into(),
                p.as_str().into(),
                n.as_str().into(),
                (**v).into(),
            ]
        }));
        sql.push(then);
        tx.execute(sql).await?;
    }
    Ok(())
}

/// One kept value.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Value {
    pub code: String,
    pub period: String,
    pub node: String,
    pub value: i64,
}

/// The kept values of `codes` in `periods` at `nodes` (absent ones are zero). A forum node
/// is given by its members' rows: pass them as `blkk:` nodes and sum them.
pub async fn values(
    db: &Db,
    codes: &[String],
    periods: &[String],
    nodes: &[String],
) -> Result<Vec<Value>, StoreError> {
    if codes.is_empty() || periods.is_empty() || nodes.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new("SELECT code, period, node, value FROM figures WHERE code IN ");
    sql.push_list(codes.iter().map(String::as_str))
        .push(" AND period IN ");
    sql.push_list(periods.iter().map(String::as_str))
        .push(" AND node IN ");
    sql.push_list(nodes.iter().map(String::as_str));
    db.fetch_all(sql).await
}

/// The kept values of `codes` in `periods` at every node whose key starts with `prefix`
/// (`province:`, `pu:32:`): one index range per code and period.
pub async fn children(
    db: &Db,
    codes: &[String],
    periods: &[String],
    prefix: &str,
) -> Result<Vec<Value>, StoreError> {
    if codes.is_empty() || periods.is_empty() {
        return Ok(Vec::new());
    }
    // Keys are ASCII: every key starting with `prefix` sorts between it and the same with
    // its last byte raised by one.
    let mut upper = prefix.to_owned();
    let last = upper.pop().map(|c| char::from(c as u8 + 1)).unwrap_or('~');
    upper.push(last);
    let mut sql = Sql::new("SELECT code, period, node, value FROM figures WHERE code IN ");
    sql.push_list(codes.iter().map(String::as_str))
        .push(" AND period IN ");
    sql.push_list(periods.iter().map(String::as_str))
        .push(" AND node >= ")
        .push_bind(prefix)
        .push(" AND node < ")
        .push_bind(upper.as_str());
    db.fetch_all(sql).await
}

/// A difference between a kept value and its recount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub code: String,
    pub period: String,
    pub node: String,
    pub kept: i64,
    pub counted: i64,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} {}: kept {}, counted {}",
            self.code, self.period, self.node, self.kept, self.counted
        )
    }
}

type Key = (String, String, String);

async fn kept(tx: &mut Tx, prefix: &str) -> Result<BTreeMap<Key, i64>, StoreError> {
    let rows: Vec<Value> = tx
        .fetch_all(
            Sql::new("SELECT code, period, node, value FROM figures WHERE code LIKE $1")
                .arg(format!("{prefix}%")),
        )
        .await?;
    Ok(rows
        .into_iter()
        .filter(|v| v.value != 0)
        .map(|v| ((v.code, v.period, v.node), v.value))
        .collect())
}

async fn counted(tx: &mut Tx, s: &Source) -> Result<BTreeMap<Key, i64>, StoreError> {
    let mut out = BTreeMap::new();
    for q in (s.recount)(tx.dialect()) {
        let rows: Vec<Value> = tx.fetch_all(Sql::new(q)).await?;
        for v in rows {
            *out.entry((v.code, v.period, v.node)).or_default() += v.value;
        }
    }
    out.retain(|_, v| *v != 0);
    Ok(out)
}

fn differences(kept: &BTreeMap<Key, i64>, counted: &BTreeMap<Key, i64>) -> Vec<Difference> {
    let mut keys: Vec<&Key> = kept.keys().chain(counted.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|k| {
            let (a, b) = (
                kept.get(k).copied().unwrap_or(0),
                counted.get(k).copied().unwrap_or(0),
            );
            (a != b).then(|| Difference {
                code: k.0.clone(),
                period: k.1.clone(),
                node: k.2.clone(),
                kept: a,
                counted: b,
            })
        })
        .collect()
}

/// Counts every kept figure afresh from the records and compares: the differences found.
/// With `write`, the kept figures are then replaced by the recount. It holds the figures
/// the way writers do (on PostgreSQL the table is locked against writes, so a write that
/// commits meanwhile adds its change after the recount; SQLite's one writer waits anyway),
/// so no update is lost; without `write` it only reads, from one snapshot.
pub async fn recount(db: &Db, write: bool) -> Result<Vec<Difference>, StoreError> {
    let mut tx = db.begin().await?;
    if tx.dialect() == Dialect::Postgres {
        let lock = if write {
            "LOCK TABLE figures IN EXCLUSIVE MODE"
        } else {
            "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"
        };
        tx.execute(Sql::new(lock)).await?;
    }
    let mut out = Vec::new();
    for s in sources() {
        let kept = kept(&mut tx, s.prefix).await?;
        let counted = counted(&mut tx, s).await?;
        let diff = differences(&kept, &counted);
        if write && !diff.is_empty() {
            replace(&mut tx, s.prefix, &counted).await?;
        }
        out.extend(diff);
    }
    tx.commit().await?;
    Ok(out)
}

/// Counts every kept figure afresh inside `tx` (after a bulk load), without comparing.
pub async fn rebuild(tx: &mut Tx) -> Result<(), StoreError> {
    for s in sources() {
        let counted = counted(tx, s).await?;
        replace(tx, s.prefix, &counted).await?;
    }
    Ok(())
}

/// The row that says a source's figures have been counted once (its node is the source's
/// prefix; no figure code starts with `~`).
const COUNTED: &str = "~counted";

/// Counts the figures of every source that has never been counted in this database (a new
/// database, or a source added by an upgrade), each with its mark; the others are kept as
/// they are. Run at start-up, after the migrations.
pub async fn ensure_counted(db: &Db) -> Result<usize, StoreError> {
    let marked: Vec<(String,)> = db
        .fetch_all(Sql::new("SELECT node FROM figures WHERE code = $1").arg(COUNTED))
        .await?;
    let mut n = 0;
    for s in sources() {
        if marked.iter().any(|(m,)| m == s.prefix) {
            continue;
        }
        let mut tx = db.begin().await?;
        if tx.dialect() == Dialect::Postgres {
            tx.execute(Sql::new("LOCK TABLE figures IN EXCLUSIVE MODE"))
                .await?;
        }
        let counted = counted(&mut tx, s).await?;
        replace(&mut tx, s.prefix, &counted).await?;
        tx.execute(
            Sql::new(
                "INSERT INTO figures (code, period, node, value) VALUES ($1, $2, $3, 1) \
                 ON CONFLICT (code, period, node) DO NOTHING",
            )
            .arg(COUNTED)
            .arg(NOW)
            .arg(s.prefix),
        )
        .await?;
        tx.commit().await?;
        n += 1;
    }
    Ok(n)
}

async fn replace(tx: &mut Tx, prefix: &str, rows: &BTreeMap<Key, i64>) -> Result<(), StoreError> {
    tx.execute(Sql::new("DELETE FROM figures WHERE code LIKE $1").arg(format!("{prefix}%")))
        .await?;
    let rows: Vec<_> = rows.iter().collect();
    insert(tx, &rows, "").await?;
    // A table filled in bulk gets its statistics at once (PostgreSQL plans from them).
    tx.analyze(&["figures"]).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place() -> CentreFacts {
        CentreFacts {
            id: 7,
            pembina_id: Some(3),
            province_code: "32".into(),
            regency_code: "32.04".into(),
            forum_ids: vec![40],
        }
    }

    #[test]
    fn a_blkk_counts_at_every_node_above_it() {
        assert_eq!(
            nodes(&place()),
            [
                "nation",
                "province:32",
                "regency:32.04",
                "blkk:7",
                "uptp:3",
                "pu:32:3"
            ]
        );
        let mut p = place();
        p.pembina_id = None;
        assert_eq!(nodes(&p).len(), 4);
    }

    #[test]
    fn deltas_add_up_and_cancel() {
        let mut d = Delta::default();
        d.add("reports.sent/1", "2026-10", &place(), 1);
        d.add("reports.sent/1", "2026-10", &place(), -1);
        assert!(d.is_empty());
        d.add("reports.sent/1", "2026-10", &place(), 2);
        assert!(!d.is_empty());
        assert_eq!(
            d.changes
                .get(&("reports.sent/1".into(), "2026-10".into(), "nation".into())),
            Some(&2)
        );
    }

    #[test]
    fn nodes_are_named_from_scopes() {
        assert_eq!(node(&Scope::All).as_deref(), Some("nation"));
        assert_eq!(
            node(&Scope::Region("32".into())).as_deref(),
            Some("province:32")
        );
        assert_eq!(
            node(&Scope::Region("32.04".into())).as_deref(),
            Some("regency:32.04")
        );
        assert_eq!(node(&Scope::Pembina(3)).as_deref(), Some("uptp:3"));
        assert_eq!(node(&Scope::Centre(7)).as_deref(), Some("blkk:7"));
        assert_eq!(node(&Scope::Nothing), None);
    }
}
