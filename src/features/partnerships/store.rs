//! Agreements in the database: the agreement, its member BLKK, the lists in a user's scope
//! (driven from the member index), what came of it, and the reminders of its end.

use std::collections::BTreeMap;

use time::{Date, OffsetDateTime};

use super::model::{
    Coverage, Document, ListFilter, Partnership, PartnershipRealisation, PartnershipRecord,
    PartnershipStatus,
};
use crate::kernel::access::Scope;
use crate::kernel::db::{Arg, Columns, Db, Sql, StoreError, Tx};
use crate::kernel::scope::On;

/// Where a partnership's members are: the scope of a partnership list.
pub const MEMBERS: On = On {
    name: "partnership members",
    from: "partnership_members m JOIN centres c ON c.org_id = m.centre_id",
    centre: "m.centre_id",
    province: "c.province_code",
    regency: "c.regency_code",
    pembina: Some("c.pembina_id"),
};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    holder_id: i64,
    partner_id: i64,
    title: String,
    document: Document,
    doc_no: String,
    coverage: String,
    start_date: Date,
    end_date: Date,
    value_rupiah: i64,
    in_kind_rupiah: i64,
    in_kind_note: String,
    status: PartnershipStatus,
    confirmed_at: Option<OffsetDateTime>,
    version: i64,
    updated_at: OffsetDateTime,
    holder_name: String,
    holder_kind: String,
    partner_name: String,
    partner_kind: String,
    partner_subtype: String,
    confirmed_by_name: Option<String>,
}

const SELECT: &str = "SELECT p.id, p.holder_id, p.partner_id, p.title, p.document, p.doc_no, \
    p.coverage, p.start_date, p.end_date, p.value_rupiah, p.in_kind_rupiah, p.in_kind_note, \
    p.status, p.confirmed_at, p.version, p.updated_at, h.name AS holder_name, \
    h.kind AS holder_kind, o.name AS partner_name, o.kind AS partner_kind, \
    o.subtype AS partner_subtype, u.name AS confirmed_by_name \
    FROM partnerships p JOIN orgs h ON h.id = p.holder_id JOIN orgs o ON o.id = p.partner_id \
    LEFT JOIN users u ON u.id = p.confirmed_by";

fn coverage_text(c: &[Coverage]) -> String {
    c.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(",")
}

fn record(r: Row, members: Vec<(i64, String)>) -> Result<PartnershipRecord, StoreError> {
    let coverage = r
        .coverage
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            Coverage::parse(s)
                .ok_or_else(|| StoreError::Data(format!("partnerships.coverage: {s}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let (member_ids, member_names) = members.into_iter().unzip();
    Ok(PartnershipRecord {
        id: r.id,
        partnership: Partnership {
            holder_id: r.holder_id,
            partner_id: r.partner_id,
            title: r.title,
            document: r.document,
            doc_no: r.doc_no,
            coverage,
            start_date: r.start_date,
            end_date: r.end_date,
            value_rupiah: r.value_rupiah,
            in_kind_rupiah: r.in_kind_rupiah,
            in_kind_note: r.in_kind_note,
            status: r.status,
            member_ids,
        },
        holder_name: r.holder_name,
        holder_kind: r.holder_kind,
        partner_name: r.partner_name,
        partner_kind: r.partner_kind,
        partner_subtype: r.partner_subtype,
        member_names,
        confirmed_at: r.confirmed_at,
        confirmed_by_name: r.confirmed_by_name,
        version: r.version,
        updated_at: r.updated_at,
    })
}

/// The member BLKK of these agreements, by agreement, in name order.
async fn members(db: &Db, ids: &[i64]) -> Result<BTreeMap<i64, Vec<(i64, String)>>, StoreError> {
    let mut out: BTreeMap<i64, Vec<(i64, String)>> = BTreeMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut sql = Sql::new(
        "SELECT m.partnership_id, m.centre_id, o.name FROM partnership_members m \
         JOIN orgs o ON o.id = m.centre_id WHERE m.partnership_id IN ",
    );
    sql.push_list(ids.iter().copied());
    sql.push(" ORDER BY o.name_key, m.centre_id");
    let rows: Vec<(i64, i64, String)> = db.fetch_all(sql).await?;
    for (p, c, name) in rows {
        out.entry(p).or_default().push((c, name));
    }
    Ok(out)
}

async fn records(db: &Db, rows: Vec<Row>) -> Result<Vec<PartnershipRecord>, StoreError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut m = members(db, &ids).await?;
    rows.into_iter()
        .map(|r| {
            let list = m.remove(&r.id).unwrap_or_default();
            record(r, list)
        })
        .collect()
}

pub async fn get(db: &Db, id: i64) -> Result<Option<PartnershipRecord>, StoreError> {
    let row: Option<Row> = db
        .fetch_optional(Sql::new(format!("{SELECT} WHERE p.id = $1")).arg(id))
        .await?;
    match row {
        Some(r) => Ok(records(db, vec![r]).await?.pop()),
        None => Ok(None),
    }
}

/// An organisation's kind and name.
pub async fn org(db: &Db, id: i64) -> Result<Option<(String, String)>, StoreError> {
    db.fetch_optional(Sql::new("SELECT kind, name FROM orgs WHERE id = $1").arg(id))
        .await
}

/// The area an agreement's holder is in: a BLKK's regency, or a forum's area.
pub async fn holder_area(db: &Db, holder: i64) -> Result<Option<String>, StoreError> {
    let row: Option<(Option<String>,)> = db
        .fetch_optional(
            Sql::new(
                "SELECT COALESCE(c.regency_code, o.area_code) FROM orgs o \
                 LEFT JOIN centres c ON c.org_id = o.id WHERE o.id = $1",
            )
            .arg(holder),
        )
        .await?;
    Ok(row.and_then(|(a,)| a))
}

/// Which of `centres` are members of forum `forum`.
pub async fn forum_members(db: &Db, forum: i64, centres: &[i64]) -> Result<Vec<i64>, StoreError> {
    let mut sql = Sql::new("SELECT centre_id FROM forum_members WHERE forum_id = ");
    sql.push_bind(forum).push(" AND centre_id IN ");
    sql.push_list(centres.iter().copied());
    let rows: Vec<(i64,)> = db.fetch_all(sql).await?;
    Ok(rows.into_iter().map(|(c,)| c).collect())
}

/// A forum's member BLKK by name (nothing when `forum` is not a forum).
pub async fn forum_choices(db: &Db, forum: i64) -> Result<Vec<(i64, String)>, StoreError> {
    db.fetch_all(
        Sql::new(
            "SELECT o.id, o.name FROM forum_members m JOIN orgs o ON o.id = m.centre_id \
             WHERE m.forum_id = $1 ORDER BY o.name_key, o.id",
        )
        .arg(forum),
    )
    .await
}

fn columns(p: &Partnership) -> Columns {
    vec![
        ("holder_id", p.holder_id.into()),
        ("partner_id", p.partner_id.into()),
        ("title", p.title.as_str().into()),
        ("document", p.document.as_str().into()),
        ("doc_no", p.doc_no.as_str().into()),
        ("coverage", coverage_text(&p.coverage).into()),
        ("start_date", p.start_date.into()),
        ("end_date", p.end_date.into()),
        ("value_rupiah", p.value_rupiah.into()),
        ("in_kind_rupiah", p.in_kind_rupiah.into()),
        ("in_kind_note", p.in_kind_note.as_str().into()),
        ("status", p.status.as_str().into()),
    ]
}

async fn set_members(tx: &mut Tx, id: i64, centres: &[i64]) -> Result<(), StoreError> {
    tx.execute(Sql::new("DELETE FROM partnership_members WHERE partnership_id = $1").arg(id))
        .await?;
    if centres.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new("INSERT INTO partnership_members (partnership_id, centre_id) VALUES ");
    sql.push_rows(centres.iter().map(|c| [Arg::from(id), Arg::from(*c)]));
    tx.execute(sql).await?;
    Ok(())
}

pub async fn insert(tx: &mut Tx, p: &Partnership, now: OffsetDateTime) -> Result<i64, StoreError> {
    let mut cols = columns(p);
    cols.push(("created_at", now.into()));
    cols.push(("updated_at", now.into()));
    let mut sql = Sql::insert("partnerships", cols);
    sql.push(" RETURNING id");
    let (id,): (i64,) = tx.fetch_one(sql).await?;
    set_members(tx, id, &p.member_ids).await?;
    Ok(id)
}

/// Changes an agreement still at `version`; a change of its dates or value asks the
/// partner to confirm again.
pub async fn update(
    tx: &mut Tx,
    id: i64,
    version: i64,
    p: &Partnership,
    reconfirm: bool,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let mut sql = Sql::update("partnerships", columns(p));
    if reconfirm {
        sql.push(", confirmed_at = NULL, confirmed_by = NULL");
    }
    sql.push(", updated_at = ")
        .push_bind(now)
        .push(", version = version + 1 WHERE id = ")
        .push_bind(id)
        .push(" AND version = ")
        .push_bind(version);
    if tx.execute(sql).await? == 0 {
        return Err(StoreError::Stale);
    }
    set_members(tx, id, &p.member_ids).await
}

/// Marks the agreement confirmed by `user` if it is still at `version`.
pub async fn confirm(
    tx: &mut Tx,
    id: i64,
    version: i64,
    user: i64,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let n = tx
        .execute(
            Sql::new(
                "UPDATE partnerships SET confirmed_at = $1, confirmed_by = $2, \
                 version = version + 1, updated_at = $1 WHERE id = $3 AND version = $4",
            )
            .arg(now)
            .arg(user)
            .arg(id)
            .arg(version),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    Ok(())
}

/// Who sees an agreement: the BLKK taking part in the actor's scope, or (a partner's
/// users) their own organisation's.
#[derive(Debug, Clone)]
pub enum Seen {
    Members(Scope),
    Partner(i64),
}

fn push_filter(sql: &mut Sql, seen: &Seen, f: &ListFilter, today: Date) {
    sql.push(" WHERE 1 = 1");
    match seen {
        Seen::Partner(org) => {
            sql.push(" AND p.partner_id = ").push_bind(*org);
        }
        Seen::Members(Scope::All) => {}
        Seen::Members(scope) => {
            sql.push(
                " AND p.id IN (SELECT m.partnership_id FROM partnership_members m \
                 JOIN centres c ON c.org_id = m.centre_id WHERE 1 = 1",
            );
            sql.scoped(scope, &MEMBERS);
            sql.push(")");
        }
    }
    if let Some(c) = f.centre {
        sql.push(
            " AND p.id IN (SELECT m.partnership_id FROM partnership_members m WHERE m.centre_id = ",
        )
        .push_bind(c)
        .push(")");
    }
    if let Some(o) = f.partner {
        sql.push(" AND p.partner_id = ").push_bind(o);
    }
    match f.status {
        // An active agreement past its end has ended.
        Some(PartnershipStatus::Aktif) => {
            sql.push(" AND p.status = 'aktif' AND p.end_date >= ")
                .push_bind(today);
        }
        Some(PartnershipStatus::Berakhir) => {
            sql.push(" AND (p.status = 'berakhir' OR (p.status = 'aktif' AND p.end_date < ")
                .push_bind(today)
                .push("))");
        }
        Some(PartnershipStatus::Draft) => {
            sql.push(" AND p.status = 'draft'");
        }
        None => {}
    }
    if let Some(c) = f.coverage {
        sql.push(" AND (',' || p.coverage || ',') LIKE ")
            .push_bind(format!("%,{},%", c.as_str()));
    }
}

/// Whether agreement `id` is among those `seen`.
pub async fn visible(db: &Db, seen: &Seen, id: i64, today: Date) -> Result<bool, StoreError> {
    let mut sql = Sql::new("SELECT COUNT(*) FROM partnerships p");
    push_filter(&mut sql, seen, &ListFilter::default(), today);
    sql.push(" AND p.id = ").push_bind(id);
    let (n,): (i64,) = db.fetch_one(sql).await?;
    Ok(n > 0)
}

/// A page of agreements, the latest ending first, and how many there are.
pub async fn list(
    db: &Db,
    seen: &Seen,
    f: &ListFilter,
    today: Date,
    limit: i64,
    offset: i64,
) -> Result<(Vec<PartnershipRecord>, i64), StoreError> {
    let mut count = Sql::new("SELECT COUNT(*) FROM partnerships p");
    push_filter(&mut count, seen, f, today);
    let (total,): (i64,) = db.fetch_one(count).await?;
    let mut sql = Sql::new(SELECT);
    push_filter(&mut sql, seen, f, today);
    sql.push(" ORDER BY p.end_date DESC, p.id DESC LIMIT ")
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
    let rows: Vec<Row> = db.fetch_all(sql).await?;
    Ok((records(db, rows).await?, total))
}

/// What came of an agreement while it ran: the partner's batches at its member BLKK, their
/// trainees, and the member BLKK's graduates it employed.
pub async fn realisation(
    db: &Db,
    p: &PartnershipRecord,
) -> Result<PartnershipRealisation, StoreError> {
    let a = &p.partnership;
    let (trainings, trainees): (i64, i64) = db
        .fetch_one(
            Sql::new(
                "SELECT COUNT(*), CAST(COALESCE(SUM((SELECT COUNT(*) FROM enrolments e \
                 WHERE e.training_id = t.id)), 0) AS BIGINT) FROM trainings t \
                 WHERE t.partner_id = $1 AND t.start_date BETWEEN $2 AND $3 AND t.centre_id IN \
                 (SELECT m.centre_id FROM partnership_members m WHERE m.partnership_id = $4)",
            )
            .arg(a.partner_id)
            .arg(a.start_date)
            .arg(a.end_date)
            .arg(p.id),
        )
        .await?;
    let (placed,): (i64,) = db
        .fetch_one(
            Sql::new(
                "SELECT COUNT(DISTINCT o.enrolment_id) FROM outcomes o \
                 JOIN enrolments e ON e.id = o.enrolment_id \
                 WHERE o.partner_id = $1 AND o.date BETWEEN $2 AND $3 AND o.status = 'bekerja' \
                 AND e.centre_id IN (SELECT m.centre_id FROM partnership_members m \
                 WHERE m.partnership_id = $4)",
            )
            .arg(a.partner_id)
            .arg(a.start_date)
            .arg(a.end_date)
            .arg(p.id),
        )
        .await?;
    Ok(PartnershipRealisation {
        trainings,
        trainees,
        placed,
    })
}

/// An agreement to remind of its end.
#[derive(Debug, sqlx::FromRow)]
pub struct Ending {
    pub id: i64,
    pub holder_id: i64,
    pub title: String,
    pub partner_name: String,
    pub end_date: Date,
}

/// Active agreements ending from `from` to `to` not yet reminded at the `days` point (by
/// the end-date index: a few days' worth of agreements).
pub async fn ending(db: &Db, from: Date, to: Date, days: i64) -> Result<Vec<Ending>, StoreError> {
    db.fetch_all(
        Sql::new(
            "SELECT p.id, p.holder_id, p.title, o.name AS partner_name, p.end_date \
             FROM partnerships p JOIN orgs o ON o.id = p.partner_id \
             WHERE p.status = 'aktif' AND p.end_date BETWEEN $1 AND $2 AND NOT EXISTS \
             (SELECT 1 FROM partnership_reminders r WHERE r.partnership_id = p.id \
             AND r.days = $3 AND r.end_date = p.end_date) ORDER BY p.end_date, p.id",
        )
        .arg(from)
        .arg(to)
        .arg(days),
    )
    .await
}

/// Notes a reminder sent; `false` when it was sent already (by another server).
pub async fn reminded(tx: &mut Tx, id: i64, days: i64, end: Date) -> Result<bool, StoreError> {
    let mut sql = Sql::insert(
        "partnership_reminders",
        vec![
            ("partnership_id", id.into()),
            ("days", days.into()),
            ("end_date", end.into()),
        ],
    );
    sql.push(" ON CONFLICT DO NOTHING");
    Ok(tx.execute(sql).await? == 1)
}

/// `(id, "title · holder")` of those of `ids` that are agreements.
pub async fn names(db: &Db, ids: &[i64]) -> Result<Vec<(i64, String)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT p.id, p.title || ' · ' || o.name FROM partnerships p \
         JOIN orgs o ON o.id = p.holder_id WHERE p.id IN ",
    );
    sql.push_list(ids.iter().copied());
    db.fetch_all(sql).await
}

/// Active agreements held by `holder` ending between `from` and `to`: `(id, end)`.
pub async fn ending_of(
    db: &Db,
    holder: i64,
    from: Date,
    to: Date,
) -> Result<Vec<(i64, Date)>, StoreError> {
    db.fetch_all(
        Sql::new(
            "SELECT id, end_date FROM partnerships WHERE holder_id = $1 AND end_date >= $2 \
             AND end_date <= $3 AND status = 'aktif' ORDER BY end_date, id LIMIT 20",
        )
        .arg(holder)
        .arg(from)
        .arg(to),
    )
    .await
}

/// Active agreements of a partner it has not confirmed: `(id, start)`.
pub async fn to_confirm(db: &Db, partner: i64) -> Result<Vec<(i64, Date)>, StoreError> {
    db.fetch_all(
        Sql::new(
            "SELECT id, start_date FROM partnerships WHERE partner_id = $1 \
             AND status = 'aktif' AND confirmed_at IS NULL ORDER BY start_date, id LIMIT 20",
        )
        .arg(partner),
    )
    .await
}
