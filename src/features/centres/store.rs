//! BLKK profiles in the database: the directory, one record, writes, and the national
//! counters kept in the same transaction as every write.

use super::model::{
    Assignment, Centre, CentreRecord, CentreStatus, DirectoryEntry, DirectoryFilter, ExportDetail,
    HostType, NAME_STOPWORDS, ProvinceCount, ScopeRow, ScopeSort, Totals,
};
use crate::features::areas::model::AreaLevel;
use crate::features::orgs::model::{Org, OrgKind, OrgRef};
use crate::kernel::access::Scope;
use crate::kernel::db::{Columns, Db, Sql, StoreError, Tx};
use crate::kernel::text::{name_terms, query_phrase, query_terms, search_key};

/// Rows per multi-row `INSERT`: well under both backends' placeholder limits.
const BATCH_ROWS: usize = 500;

/// The one list of a BLKK profile's columns, for both `INSERT` and `UPDATE`.
fn columns(c: &Centre) -> Columns {
    let p = &c.profile;
    let area = |l| p.village_code.ancestor(l).map(String::from);
    vec![
        ("reg_no", p.reg_no.as_str().into()),
        ("host_name", p.host_name.as_str().into()),
        ("host_type", p.host_type.into()),
        ("street", p.street.as_str().into()),
        ("village_code", (&p.village_code).into()),
        ("district_code", area(AreaLevel::District).into()),
        ("regency_code", area(AreaLevel::Regency).into()),
        ("province_code", area(AreaLevel::Province).into()),
        ("latitude", p.latitude.into()),
        ("longitude", p.longitude.into()),
        ("year_built", p.year_built.into()),
        ("aid_year", p.aid_year.into()),
        ("head_name", p.head_name.as_str().into()),
        ("contact_phone", c.contact_phone.as_str().into()),
        ("contact_email", c.contact_email.as_str().into()),
        ("phone_public", c.phone_public.into()),
        ("status", p.status.into()),
    ]
}

/// The organisation row every BLKK also is.
pub fn org_of(c: &Centre) -> Org {
    Org {
        kind: OrgKind::Blkk,
        subtype: "blkk".into(),
        name: c.profile.name.clone(),
        area_code: Some(c.profile.village_code.clone()),
        address: c.profile.street.clone(),
        phone: String::new(),
        email: String::new(),
    }
}

const SELECT: &str = "SELECT o.id, o.version, o.updated_at, o.name, c.*, \
    v.name AS village_name, d.name AS district_name, r.name AS regency_name, p.name AS province_name \
    FROM centres c \
    JOIN orgs o ON o.id = c.org_id \
    JOIN areas v ON v.code = c.village_code \
    JOIN areas d ON d.code = c.district_code \
    JOIN areas r ON r.code = c.regency_code \
    JOIN areas p ON p.code = c.province_code";

#[derive(sqlx::FromRow)]
struct Row {
    #[sqlx(flatten)]
    record: CentreRecord,
    pembina_id: Option<i64>,
}

/// One BLKK with its kejuruan, pembina and forums.
pub async fn get(db: &Db, id: i64) -> Result<Option<CentreRecord>, StoreError> {
    let Some(Row {
        mut record,
        pembina_id,
    }) = db
        .fetch_optional::<Row>(Sql::new(format!("{SELECT} WHERE c.org_id = $1")).arg(id))
        .await?
    else {
        return Ok(None);
    };
    record.profile.kejuruan = kejuruan_of(db, &[id])
        .await?
        .into_iter()
        .map(|(_, k)| k)
        .collect();
    let mut refs: Vec<OrgRef> = db
        .fetch_all(
            Sql::new(
                "SELECT o.id, o.kind, o.name FROM orgs o WHERE o.id = $1 \
                 UNION ALL SELECT o.id, o.kind, o.name FROM forum_members m \
                 JOIN orgs o ON o.id = m.forum_id WHERE m.centre_id = $2",
            )
            .arg(pembina_id.unwrap_or(0))
            .arg(id),
        )
        .await?;
    refs.sort_by_key(|r| r.name.to_lowercase());
    record.pembina = refs
        .iter()
        .position(|r| Some(r.id) == pembina_id && r.kind == OrgKind::Uptp)
        .map(|i| refs.remove(i));
    record.forums = refs;
    Ok(Some(record))
}

/// `(centre id, kejuruan code)` pairs for the given centres.
pub async fn kejuruan_of(db: &Db, ids: &[i64]) -> Result<Vec<(i64, String)>, StoreError> {
    let mut sql =
        Sql::new("SELECT centre_id, kejuruan_code FROM centre_kejuruan WHERE centre_id IN ");
    sql.push_list(ids.iter().copied())
        .push(" ORDER BY centre_id, kejuruan_code");
    db.fetch_all(sql).await
}

/// Adds `delta` to a national total.
async fn add_total(tx: &mut Tx, name: &str, delta: i64) -> Result<(), StoreError> {
    let mut sql = Sql::insert(
        "centre_totals",
        vec![("name", name.into()), ("n", delta.into())],
    );
    sql.push(" ON CONFLICT (name) DO UPDATE SET n = centre_totals.n + excluded.n");
    tx.execute(sql).await?;
    Ok(())
}

/// The number of BLKK in an area, from the counters.
async fn counted(tx: &mut Tx, column: &str, code: &str) -> Result<i64, StoreError> {
    let (n,): (i64,) = tx
        .fetch_one(
            Sql::new(format!(
                "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM centre_counts WHERE {column} = $1"
            ))
            .arg(code),
        )
        .await?;
    Ok(n)
}

/// Adds `delta` (one BLKK added or removed) to the national figures of its regency,
/// status and province, in the transaction that adds, moves or changes it, so the figures
/// are live without a scan: counts per regency and status, and the national totals
/// (including how many regencies and provinces have a BLKK at all).
async fn count(tx: &mut Tx, c: &Centre, delta: i64) -> Result<(), StoreError> {
    let area = |l| {
        c.profile
            .village_code
            .ancestor(l)
            .map(String::from)
            .unwrap_or_default()
    };
    let (regency, province) = (area(AreaLevel::Regency), area(AreaLevel::Province));
    let mut sql = Sql::insert(
        "centre_counts",
        vec![
            ("regency_code", regency.as_str().into()),
            ("province_code", province.as_str().into()),
            ("status", c.profile.status.into()),
            ("n", delta.into()),
        ],
    );
    sql.push(" ON CONFLICT (regency_code, status) DO UPDATE SET n = centre_counts.n + excluded.n");
    tx.execute(sql).await?;
    add_total(tx, "centres", delta).await?;
    add_total(tx, c.profile.status.as_str(), delta).await?;
    // A regency (province) starts or stops counting when its first (last) BLKK comes (goes).
    let edge = if delta > 0 { 1 } else { 0 };
    if counted(tx, "regency_code", &regency).await? == edge {
        add_total(tx, "regencies", delta).await?;
    }
    if counted(tx, "province_code", &province).await? == edge {
        add_total(tx, "provinces", delta).await?;
    }
    Ok(())
}

/// Adds `delta` to the match counts of the terms a name is found by (see
/// `centre_term_counts`): one statement per batch of terms.
async fn count_terms(tx: &mut Tx, name: &str, delta: i64) -> Result<(), StoreError> {
    let terms = name_terms(name, &NAME_STOPWORDS);
    for chunk in terms.chunks(BATCH_ROWS) {
        let mut sql = Sql::new("INSERT INTO centre_term_counts (term, n) VALUES ");
        sql.push_rows(chunk.iter().map(|t| [t.into(), delta.into()]));
        sql.push(" ON CONFLICT (term) DO UPDATE SET n = centre_term_counts.n + excluded.n");
        tx.execute(sql).await?;
    }
    Ok(())
}

/// Counts the matches of every term afresh (after a bulk load or a re-index).
async fn recount_terms(tx: &mut Tx) -> Result<(), StoreError> {
    tx.execute(Sql::new("DELETE FROM centre_term_counts"))
        .await?;
    tx.execute(Sql::new(
        "INSERT INTO centre_term_counts (term, n) \
         SELECT term, COUNT(*) FROM centre_terms GROUP BY term",
    ))
    .await
    .map(|_| ())
}

/// Removes the terms a BLKK's (old) name is found by, each by its key.
async fn unindex_terms(tx: &mut Tx, id: i64, name: &str) -> Result<(), StoreError> {
    let key = search_key(name);
    for term in name_terms(name, &NAME_STOPWORDS) {
        tx.execute(
            Sql::new(
                "DELETE FROM centre_terms WHERE term = $1 AND name_key = $2 AND centre_id = $3",
            )
            .arg(term)
            .arg(key.as_str())
            .arg(id),
        )
        .await?;
    }
    Ok(())
}

/// Writes the terms a BLKK's name is found by.
async fn index_terms(tx: &mut Tx, id: i64, name: &str) -> Result<(), StoreError> {
    let key = search_key(name);
    let terms = name_terms(name, &NAME_STOPWORDS);
    for chunk in terms.chunks(BATCH_ROWS) {
        let mut sql = Sql::new("INSERT INTO centre_terms (term, name_key, centre_id) VALUES ");
        sql.push_rows(chunk.iter().map(|t| [t.into(), (&key).into(), id.into()]));
        tx.execute(sql).await?;
    }
    Ok(())
}

/// Writes the search terms of every BLKK when there are none at all (a database migrated
/// from before name search had its index). Returns how many were indexed.
pub async fn index_missing_terms(db: &Db) -> Result<usize, StoreError> {
    let (indexed,): (i64,) = db
        .fetch_one(Sql::new(
            "SELECT COUNT(*) FROM (SELECT 1 FROM centre_terms LIMIT 1) t",
        ))
        .await?;
    if indexed > 0 {
        return Ok(0);
    }
    let names: Vec<(i64, String)> = db
        .fetch_all(Sql::new(
            "SELECT o.id, o.name FROM centres c JOIN orgs o ON o.id = c.org_id",
        ))
        .await?;
    let mut tx = db.begin().await?;
    for (id, name) in &names {
        index_terms(&mut tx, *id, name).await?;
    }
    recount_terms(&mut tx).await?;
    tx.commit().await?;
    Ok(names.len())
}

/// Inserts a BLKK (its organisation row, profile, kejuruan and assignment); returns its id.
/// The BLKK's own row for organisation `id` (inserted first, see [`org_of`]).
pub async fn insert(tx: &mut Tx, id: i64, c: &Centre, a: &Assignment) -> Result<i64, StoreError> {
    insert_uncounted(tx, id, c, a).await?;
    count(tx, c, 1).await?;
    count_terms(tx, &c.profile.name, 1).await?;
    Ok(id)
}

/// [`insert`] for bulk loads, which call [`recount`] once at the end: thousands of updates
/// of the same counter rows in one transaction are slow on PostgreSQL (every update leaves
/// a row version the next must step over until the transaction ends).
pub async fn insert_uncounted(
    tx: &mut Tx,
    id: i64,
    c: &Centre,
    a: &Assignment,
) -> Result<i64, StoreError> {
    let mut cols = columns(c);
    cols.insert(0, ("org_id", id.into()));
    cols.push(("pembina_id", a.pembina_id.into()));
    tx.execute(Sql::insert("centres", cols)).await?;
    set_kejuruan(tx, id, &c.profile.kejuruan).await?;
    add_forum_members(tx, a.forum_ids.iter().map(|f| (*f, id))).await?;
    index_terms(tx, id, &c.profile.name).await?;
    Ok(id)
}

/// Counts every BLKK afresh into the national figures (after a bulk load).
pub async fn recount(tx: &mut Tx) -> Result<(), StoreError> {
    for sql in [
        "DELETE FROM centre_counts",
        "INSERT INTO centre_counts (regency_code, province_code, status, n) \
         SELECT regency_code, province_code, status, COUNT(*) FROM centres \
         GROUP BY regency_code, province_code, status",
        "DELETE FROM centre_totals",
        "INSERT INTO centre_totals (name, n) SELECT 'centres', COUNT(*) FROM centres",
        "INSERT INTO centre_totals (name, n) SELECT status, COUNT(*) FROM centres GROUP BY status",
        "INSERT INTO centre_totals (name, n) \
         SELECT 'regencies', COUNT(DISTINCT regency_code) FROM centres",
        "INSERT INTO centre_totals (name, n) \
         SELECT 'provinces', COUNT(DISTINCT province_code) FROM centres",
    ] {
        tx.execute(Sql::new(sql)).await?;
    }
    recount_terms(tx).await
}

/// Stores a changed profile (its organisation row, with the version, is stored first).
/// `old` is the profile being replaced (for the counters).
pub async fn update(tx: &mut Tx, id: i64, old: &Centre, c: &Centre) -> Result<(), StoreError> {
    let mut sql = Sql::update("centres", columns(c));
    sql.push(" WHERE org_id = ").push_bind(id);
    tx.execute(sql).await?;
    if old.profile.kejuruan != c.profile.kejuruan {
        tx.execute(Sql::new("DELETE FROM centre_kejuruan WHERE centre_id = $1").arg(id))
            .await?;
        set_kejuruan(tx, id, &c.profile.kejuruan).await?;
    }
    if old.profile.name != c.profile.name {
        unindex_terms(tx, id, &old.profile.name).await?;
        index_terms(tx, id, &c.profile.name).await?;
        count_terms(tx, &old.profile.name, -1).await?;
        count_terms(tx, &c.profile.name, 1).await?;
    }
    count(tx, old, -1).await?;
    count(tx, c, 1).await
}

async fn set_kejuruan(tx: &mut Tx, id: i64, codes: &[String]) -> Result<(), StoreError> {
    if codes.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new("INSERT INTO centre_kejuruan (centre_id, kejuruan_code) VALUES ");
    sql.push_rows(codes.iter().map(|k| [id.into(), k.into()]));
    tx.execute(sql).await?;
    Ok(())
}

/// Replaces a BLKK's pembina and forums.
pub async fn set_assignment(tx: &mut Tx, id: i64, a: &Assignment) -> Result<(), StoreError> {
    tx.execute(
        Sql::new("UPDATE centres SET pembina_id = $1 WHERE org_id = $2")
            .arg(a.pembina_id)
            .arg(id),
    )
    .await?;
    tx.execute(Sql::new("DELETE FROM forum_members WHERE centre_id = $1").arg(id))
        .await?;
    add_forum_members(tx, a.forum_ids.iter().map(|f| (*f, id))).await
}

/// Adds `(forum, centre)` memberships in bulk.
pub async fn add_forum_members(
    tx: &mut Tx,
    pairs: impl IntoIterator<Item = (i64, i64)>,
) -> Result<(), StoreError> {
    let pairs: Vec<(i64, i64)> = pairs.into_iter().collect();
    for chunk in pairs.chunks(BATCH_ROWS) {
        let mut sql = Sql::new("INSERT INTO forum_members (forum_id, centre_id) VALUES ");
        for (i, (forum, centre)) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push("(")
                .push_bind(*forum)
                .push(", ")
                .push_bind(*centre)
                .push(")");
        }
        tx.execute(sql).await?;
    }
    Ok(())
}

/// Appends ` AND (...)` restricting `c` (centres) to a scope.
pub fn push_scope(sql: &mut Sql, scope: &Scope) {
    sql.scoped(scope, &crate::kernel::scope::On::CENTRES);
}

/// Appends ` AND ...` for every filter but the name search, on `c` (centres).
fn push_filters(sql: &mut Sql, f: &DirectoryFilter, scope: Option<&Scope>) {
    let mut eq = |column: &str, v: &str| {
        if !v.trim().is_empty() {
            sql.push(" AND ")
                .push(column)
                .push(" = ")
                .push_bind(v.trim());
        }
    };
    eq("c.province_code", &f.province);
    eq("c.regency_code", &f.regency);
    eq("c.host_type", f.host_type.map_or("", HostType::as_str));
    eq("c.status", f.status.map_or("", CentreStatus::as_str));
    if !f.kejuruan.trim().is_empty() {
        sql.push(" AND EXISTS (SELECT 1 FROM centre_kejuruan k WHERE k.centre_id = c.org_id AND k.kejuruan_code = ")
            .push_bind(f.kejuruan.trim())
            .push(")");
    }
    if let Some(p) = f.pembina {
        push_scope(sql, &Scope::Pembina(p));
    }
    if let Some(forum) = f.forum {
        push_scope(sql, &Scope::Forum(forum));
    }
    if let Some(s) = scope {
        push_scope(sql, s);
    }
}

/// Whether anything but the name narrows the list.
fn narrowed(f: &DirectoryFilter, scope: Option<&Scope>) -> bool {
    let no_name = DirectoryFilter {
        q: String::new(),
        ..f.clone()
    };
    !no_name.is_empty() || !matches!(scope, None | Some(Scope::All))
}

/// What a name search looks up. Several words are first a phrase: the names that have them
/// next to each other in that order ("darul ulum"), one term; only when no name has the
/// phrase, the names that have every word anywhere.
async fn search_terms(db: &Db, q: &str) -> Result<Vec<String>, StoreError> {
    if let Some(phrase) = query_phrase(q, &NAME_STOPWORDS) {
        let found: Option<(i64,)> = db
            .fetch_optional(
                Sql::new("SELECT centre_id FROM centre_terms WHERE term = $1 LIMIT 1")
                    .arg(phrase.as_str()),
            )
            .await?;
        if found.is_some() {
            return Ok(vec![phrase]);
        }
    }
    Ok(query_terms(q, &NAME_STOPWORDS))
}

/// A name search, narrowed by the other filters: `select` over the matches `t` (with
/// `name_key` and `centre_id`), joined to `c` (centres) when a filter needs it. With a page
/// (`limit`, `offset`) the rows come in name order; without, `select` is an aggregate.
///
/// One term is one range of the term index, already in name order. Several are ranges
/// intersected, in name order, so SQLite merges the sorted ranges.
fn term_search(
    select: &str,
    terms: &[String],
    f: &DirectoryFilter,
    scope: Option<&Scope>,
    page: Option<(i64, i64)>,
) -> Sql {
    let join = narrowed(f, scope);
    let mut sql = Sql::new(format!("SELECT {select} FROM "));
    if let [term] = terms {
        sql.push("centre_terms t");
        if join {
            sql.push(" JOIN centres c ON c.org_id = t.centre_id");
        }
        sql.push(" WHERE t.term = ").push_bind(term.as_str());
    } else {
        sql.push("(");
        for (i, term) in terms.iter().enumerate() {
            if i > 0 {
                sql.push(" INTERSECT ");
            }
            sql.push("SELECT name_key, centre_id FROM centre_terms WHERE term = ")
                .push_bind(term.as_str());
        }
        sql.push(" ORDER BY 1, 2");
        if let (false, Some((limit, offset))) = (join, page) {
            // Nothing else narrows: cut the page from the sorted matches themselves.
            sql.push(" LIMIT ")
                .push_bind(limit)
                .push(" OFFSET ")
                .push_bind(offset);
        }
        sql.push(") t");
        if join {
            sql.push(" JOIN centres c ON c.org_id = t.centre_id");
        }
        sql.push(" WHERE 1 = 1");
        if page.is_some() && !join {
            return sql;
        }
    }
    if join {
        push_filters(&mut sql, f, scope);
    }
    if let Some((limit, offset)) = page {
        sql.push(" ORDER BY t.name_key, t.centre_id LIMIT ")
            .push_bind(limit)
            .push(" OFFSET ")
            .push_bind(offset);
    }
    sql
}

/// National figures, from the totals kept with every write.
pub async fn totals(db: &Db) -> Result<Totals, StoreError> {
    let rows: Vec<(String, i64)> = db
        .fetch_all(Sql::new("SELECT name, n FROM centre_totals"))
        .await?;
    let get = |name: &str| rows.iter().find(|(k, _)| k == name).map_or(0, |(_, n)| *n);
    Ok(Totals {
        centres: get("centres"),
        aktif: get(CentreStatus::Aktif.as_str()),
        persiapan: get(CentreStatus::Persiapan.as_str()),
        tidak_aktif: get(CentreStatus::TidakAktif.as_str()),
        provinces: get("provinces"),
        regencies: get("regencies"),
    })
}

/// The names of a page's rows, joined once the page is cut.
const PAGE_NAMES: &str = ") pg \
    JOIN centres c ON c.org_id = pg.id \
    JOIN orgs o ON o.id = c.org_id \
    JOIN areas v ON v.code = c.village_code \
    JOIN areas d ON d.code = c.district_code \
    JOIN areas r ON r.code = c.regency_code \
    JOIN areas p ON p.code = c.province_code \
    LEFT JOIN orgs pb ON pb.id = c.pembina_id \
    ORDER BY pg.sort_key, pg.id";

const ENTRY: &str = "SELECT o.id, o.name, c.host_name, c.host_type, c.status, c.aid_year, \
    v.name AS village_name, d.name AS district_name, c.regency_code, r.name AS regency_name, \
    c.province_code, p.name AS province_name, pb.name AS pembina_name";

/// One page of the directory, by name, and the number of matches. `scope` narrows the list
/// to a user's own BLKK ("mine"). Every way in reads an index in name order: the whole
/// directory the names of the organisations, a name search its term index; a registration
/// number is one look-up. Only the other filters on their own still count their matches.
pub async fn directory(
    db: &Db,
    f: &DirectoryFilter,
    scope: Option<&Scope>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<DirectoryEntry>, i64), StoreError> {
    let terms = search_terms(db, &f.q).await?;
    // Registration numbers have digits; names seldom do.
    let reg_no: Option<(i64,)> = if !f.q.chars().any(|c| c.is_ascii_digit()) {
        None
    } else {
        db.fetch_optional(
            Sql::new("SELECT org_id FROM centres WHERE reg_no = $1").arg(f.q.trim().to_uppercase()),
        )
        .await?
    };
    let (mut rows, total) = if let Some((id,)) = reg_no {
        // A registration number: that BLKK, if the other filters keep it.
        let mut sql = Sql::new(format!(
            "{ENTRY} FROM (SELECT c.org_id AS id, '' AS sort_key FROM centres c WHERE c.org_id = "
        ));
        sql.push_bind(id);
        push_filters(&mut sql, f, scope);
        sql.push(PAGE_NAMES);
        let rows: Vec<DirectoryEntry> = db.fetch_all(sql).await?;
        let total = rows.len() as i64;
        (if offset > 0 { Vec::new() } else { rows }, total)
    } else if !terms.is_empty() {
        let page = term_search(
            "t.centre_id AS id, t.name_key AS sort_key",
            &terms,
            f,
            scope,
            Some((limit, offset)),
        );
        let mut sql = Sql::new(format!("{ENTRY} FROM ("));
        sql.append(page).push(PAGE_NAMES);
        let rows = db.fetch_all::<DirectoryEntry>(sql).await?;
        let total = if offset == 0 && (rows.len() as i64) < limit {
            // All the matches fit on the first page.
            rows.len() as i64
        } else if let ([term], false) = (terms.as_slice(), narrowed(f, scope)) {
            // One term and nothing else: its count is kept.
            let n: Option<(i64,)> = db
                .fetch_optional(
                    Sql::new("SELECT n FROM centre_term_counts WHERE term = $1").arg(term.as_str()),
                )
                .await?;
            n.map_or(0, |(n,)| n)
        } else {
            let (n,): (i64,) = db
                .fetch_one(term_search("COUNT(*)", &terms, f, scope, None))
                .await?;
            n
        };
        (rows, total)
    } else if !narrowed(f, scope) {
        // The whole directory (also for a search for nothing but the words every name has):
        // its size from the counters, its page from the name index.
        let total = totals(db).await?.centres;
        let mut sql = Sql::new(format!(
            "{ENTRY} FROM (SELECT o.id, o.name_key AS sort_key FROM orgs o \
             WHERE o.kind = 'blkk' ORDER BY o.name_key, o.id LIMIT "
        ));
        sql.push_bind(limit)
            .push(" OFFSET ")
            .push_bind(offset)
            .push(PAGE_NAMES);
        (db.fetch_all::<DirectoryEntry>(sql).await?, total)
    } else {
        // Other filters: count and cut the page in one scan of the matches, then fetch the
        // names of the page's rows only.
        let mut sql = Sql::new(format!(
            "{ENTRY}, pg.total FROM (SELECT c.org_id AS id, o.name_key AS sort_key, \
             COUNT(*) OVER () AS total FROM centres c JOIN orgs o ON o.id = c.org_id WHERE 1 = 1"
        ));
        push_filters(&mut sql, f, scope);
        sql.push(" ORDER BY o.name_key, o.id LIMIT ")
            .push_bind(limit)
            .push(" OFFSET ")
            .push_bind(offset)
            .push(PAGE_NAMES);
        let page: Vec<PageRow> = db.fetch_all(sql).await?;
        let total = match page.first() {
            Some(r) => r.total,
            // Past the last page (or nothing matches): count on its own.
            None if offset > 0 => {
                let mut sql = Sql::new("SELECT COUNT(*) FROM centres c WHERE 1 = 1");
                push_filters(&mut sql, f, scope);
                let (n,): (i64,) = db.fetch_one(sql).await?;
                n
            }
            None => 0,
        };
        (page.into_iter().map(|r| r.entry).collect(), total)
    };
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    for (id, code) in kejuruan_of(db, &ids).await? {
        if let Some(r) = rows.iter_mut().find(|r| r.id == id) {
            r.kejuruan.push(code);
        }
    }
    Ok((rows, total))
}

#[derive(sqlx::FromRow)]
struct PageRow {
    #[sqlx(flatten)]
    entry: DirectoryEntry,
    total: i64,
}

/// One page of the BLKK in a scope, with the filters, in the chosen order.
pub async fn scope_rows(
    db: &Db,
    f: &DirectoryFilter,
    scope: &Scope,
    sort: ScopeSort,
    limit: i64,
    offset: i64,
) -> Result<(Vec<ScopeRow>, i64), StoreError> {
    let mut sql = Sql::new(
        "SELECT o.id, o.name, c.status, o.updated_at, r.name AS regency_name, c.contact_phone, \
         c.contact_email, c.street, c.latitude, c.year_built, c.head_name \
         FROM centres c JOIN orgs o ON o.id = c.org_id JOIN areas r ON r.code = c.regency_code \
         WHERE 1 = 1",
    );
    push_filters(&mut sql, f, Some(scope));
    push_name_filter(&mut sql, &f.q);
    sql.push(match sort {
        ScopeSort::Name => " ORDER BY o.name_key, o.id",
        ScopeSort::Updated => " ORDER BY o.updated_at DESC, o.id",
        ScopeSort::Status => " ORDER BY c.status, o.name_key, o.id",
    });
    sql.push(" LIMIT ")
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
    let mut rows: Vec<ScopeRow> = db.fetch_all(sql).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    if !ids.is_empty() {
        for (id, code) in kejuruan_of(db, &ids).await? {
            if let Some(r) = rows.iter_mut().find(|r| r.id == id) {
                r.kejuruan.push(code);
            }
        }
    }
    let mut count =
        Sql::new("SELECT COUNT(*) FROM centres c JOIN orgs o ON o.id = c.org_id WHERE 1 = 1");
    push_filters(&mut count, f, Some(scope));
    push_name_filter(&mut count, &f.q);
    let (total,): (i64,) = db.fetch_one(count).await?;
    Ok((rows, total))
}

/// Within a scope, a name filter on the names' search keys (the scope is small: a UPTP's,
/// a region's or a forum's BLKK).
fn push_name_filter(sql: &mut Sql, q: &str) {
    let key = search_key(q);
    if !key.is_empty() {
        sql.push(" AND o.name_key LIKE ")
            .push_bind(format!("%{}%", key.replace(['%', '_'], "")));
    }
}

/// BLKK per status and per kejuruan within a scope.
pub async fn scope_counts(
    db: &Db,
    scope: &Scope,
) -> Result<(Vec<(CentreStatus, i64)>, Vec<(String, i64)>), StoreError> {
    let mut sql = Sql::new("SELECT c.status, COUNT(*) FROM centres c WHERE 1 = 1");
    push_scope(&mut sql, scope);
    sql.push(" GROUP BY c.status ORDER BY c.status");
    let by_status: Vec<(CentreStatus, i64)> = db.fetch_all(sql).await?;
    let mut sql = Sql::new(
        "SELECT k.kejuruan_code, COUNT(*) AS n FROM centre_kejuruan k \
         JOIN centres c ON c.org_id = k.centre_id WHERE 1 = 1",
    );
    push_scope(&mut sql, scope);
    sql.push(" GROUP BY k.kejuruan_code ORDER BY n DESC, k.kejuruan_code");
    let by_kejuruan: Vec<(String, i64)> = db.fetch_all(sql).await?;
    Ok((by_status, by_kejuruan))
}

/// BLKK per province and status, from the counters.
pub async fn province_counts(db: &Db) -> Result<Vec<ProvinceCount>, StoreError> {
    db.fetch_all(Sql::new(
        "SELECT n.province_code AS code, p.name, \
         CAST(SUM(n.n) AS BIGINT) AS total, \
         CAST(SUM(CASE WHEN n.status = 'aktif' THEN n.n ELSE 0 END) AS BIGINT) AS aktif, \
         CAST(SUM(CASE WHEN n.status = 'persiapan' THEN n.n ELSE 0 END) AS BIGINT) AS persiapan, \
         CAST(SUM(CASE WHEN n.status = 'tidak_aktif' THEN n.n ELSE 0 END) AS BIGINT) AS tidak_aktif \
         FROM centre_counts n JOIN areas p ON p.code = n.province_code \
         GROUP BY n.province_code, p.name HAVING SUM(n.n) > 0 ORDER BY n.province_code",
    ))
    .await
}

/// The export columns of these BLKK.
pub async fn export_details(db: &Db, ids: &[i64]) -> Result<Vec<ExportDetail>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT c.org_id AS id, c.reg_no, c.street, c.year_built, c.head_name, c.latitude, \
         c.longitude, o.updated_at, c.contact_phone, c.contact_email \
         FROM centres c JOIN orgs o ON o.id = c.org_id WHERE c.org_id IN ",
    );
    sql.push_list(ids.iter().copied());
    db.fetch_all(sql).await
}

/// The BLKK with these registration numbers: `(reg_no, id)`.
pub async fn ids_by_reg_no(db: &Db, reg_nos: &[String]) -> Result<Vec<(String, i64)>, StoreError> {
    let mut out = Vec::new();
    for chunk in reg_nos.chunks(500) {
        let mut sql = Sql::new("SELECT reg_no, org_id FROM centres WHERE reg_no IN ");
        sql.push_list(chunk.iter().map(String::as_str));
        out.extend(db.fetch_all::<(String, i64)>(sql).await?);
    }
    Ok(out)
}

/// `(id, name)` of those of `ids` that are BLKK.
pub async fn names(db: &Db, ids: &[i64]) -> Result<Vec<(i64, String)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT o.id, o.name FROM centres c JOIN orgs o ON o.id = c.org_id WHERE c.org_id IN ",
    );
    sql.push_list(ids.iter().copied());
    db.fetch_all(sql).await
}

/// Those of `ids` inside `scope`.
pub async fn in_scope(db: &Db, ids: &[i64], scope: &Scope) -> Result<Vec<i64>, StoreError> {
    if ids.is_empty() || *scope == Scope::Nothing {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new("SELECT c.org_id FROM centres c WHERE c.org_id IN ");
    sql.push_list(ids.iter().copied());
    push_scope(&mut sql, scope);
    let rows: Vec<(i64,)> = db.fetch_all(sql).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// The BLKK of a forum.
pub async fn forum_members(db: &Db, forum_id: i64) -> Result<Vec<i64>, StoreError> {
    let rows: Vec<(i64,)> = db
        .fetch_all(
            Sql::new("SELECT centre_id FROM forum_members WHERE forum_id = $1 ORDER BY centre_id")
                .arg(forum_id),
        )
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}
