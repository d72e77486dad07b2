//! The compliance counts (by index: each reads at most one row per BLKK of the scope and
//! period).

use crate::features::reports::types::model::ReportType;
use crate::features::reports::types::store::{expected_from, push_audience};
use crate::features::reports::workflow::model::ReportStatus;
use crate::kernel::access::Scope;
use crate::kernel::db::{Db, Sql, StoreError};
use crate::kernel::scope::On;

/// Expected, sent and on-time reports of a type and period.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Counts {
    pub expected: i64,
    pub sent: i64,
    pub on_time: i64,
}

/// Expected, sent and on-time reports of one province and UPTP pair (a BLKK without a
/// pembina has none), with their names: folded into the totals and both league tables.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Group {
    pub province_code: String,
    pub province_name: String,
    pub pembina_id: Option<i64>,
    pub pembina_name: Option<String>,
    #[sqlx(flatten)]
    pub counts: Counts,
}

const COUNTS: &str = "CAST(COUNT(*) AS BIGINT) AS expected, \
    CAST(COUNT(CASE WHEN r.status IN ('submitted', 'verified') THEN 1 END) AS BIGINT) AS sent, \
    CAST(COUNT(CASE WHEN r.status IN ('submitted', 'verified') AND r.on_time THEN 1 END) AS BIGINT) AS on_time";

/// Every expected BLKK of a type and period in all `scopes`, counted by province and UPTP
/// in one pass (one index lookup per BLKK).
pub async fn groups(
    db: &Db,
    t: &ReportType,
    period: &str,
    scopes: &[Scope],
) -> Result<Vec<Group>, StoreError> {
    let mut sql = Sql::new(format!(
        "SELECT c.province_code, MIN(a.name) AS province_name, c.pembina_id, \
         MIN(p.name) AS pembina_name, {COUNTS}"
    ));
    sql.append(expected_from(
        t,
        period,
        scopes,
        "JOIN areas a ON a.code = c.province_code LEFT JOIN orgs p ON p.id = c.pembina_id",
    ));
    sql.push(" GROUP BY c.province_code, c.pembina_id");
    db.fetch_all(sql).await
}

/// Sent and on-time reports of each of `periods` (the expected count is today's audience,
/// the same for every period). Reads the reports of those periods by index.
pub async fn trend(
    db: &Db,
    t: &ReportType,
    periods: &[String],
    scopes: &[Scope],
) -> Result<Vec<(String, i64, i64)>, StoreError> {
    let mut sql = Sql::new(
        "SELECT r.period, \
         CAST(COUNT(CASE WHEN r.status IN ('submitted', 'verified') THEN 1 END) AS BIGINT), \
         CAST(COUNT(CASE WHEN r.status IN ('submitted', 'verified') AND r.on_time THEN 1 END) AS BIGINT) \
         FROM reports r JOIN centres c ON c.org_id = r.centre_id WHERE r.type_id = ",
    );
    sql.push_bind(t.id).push(" AND r.period IN ");
    sql.push_list(periods.iter().map(String::as_str));
    push_audience(&mut sql, t);
    sql.scoped_all(scopes, &On::CENTRES);
    sql.push(" GROUP BY r.period");
    db.fetch_all(sql).await
}

/// An expected BLKK that has not sent its report (yet), for the late list.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Late {
    pub centre_id: i64,
    pub centre_name: String,
    pub province_code: String,
    pub regency_code: String,
    pub contact_phone: String,
    pub contact_email: String,
    /// Its report, if one was started.
    pub report_id: Option<i64>,
    pub status: Option<ReportStatus>,
}

pub async fn late(
    db: &Db,
    t: &ReportType,
    period: &str,
    scopes: &[Scope],
    limit: i64,
    offset: i64,
) -> Result<Vec<Late>, StoreError> {
    let mut sql = Sql::new(
        "SELECT c.org_id AS centre_id, o.name AS centre_name, c.province_code, c.regency_code, \
         c.contact_phone, c.contact_email, r.id AS report_id, r.status",
    );
    sql.append(expected_from(
        t,
        period,
        scopes,
        "JOIN orgs o ON o.id = c.org_id",
    ));
    sql.push(" AND (r.id IS NULL OR r.status IN ('draft', 'returned'))")
        .push(" ORDER BY c.province_code, o.name_key, c.org_id LIMIT ")
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
    db.fetch_all(sql).await
}

/// An indicator summed (and averaged) over the sent reports of a type in the scope whose
/// periods are `periods`: its total, how many reports gave it, and their mean.
pub async fn indicator_sum(
    db: &Db,
    t: &ReportType,
    code: &str,
    periods: &[String],
    scopes: &[Scope],
) -> Result<(i64, i64), StoreError> {
    let mut sql = Sql::new(
        "SELECT CAST(COALESCE(SUM(v.num), 0) AS BIGINT), CAST(COUNT(v.num) AS BIGINT) \
         FROM reports r JOIN centres c ON c.org_id = r.centre_id \
         JOIN report_values v ON v.report_id = r.id AND v.code = ",
    );
    sql.push_bind(code)
        .push(" WHERE r.status IN ('submitted', 'verified') AND r.type_id = ")
        .push_bind(t.id)
        .push(" AND r.period IN ");
    sql.push_list(periods.iter().map(String::as_str));
    sql.scoped_all(scopes, &On::CENTRES);
    db.fetch_one(sql).await
}

/// How many BLKK of `scope` a type expects a report from for `period`, and how many have
/// not sent it: one pass over the expected BLKK (one index lookup each).
pub async fn unsent_count(
    db: &Db,
    t: &ReportType,
    period: &str,
    scope: &Scope,
) -> Result<(i64, i64), StoreError> {
    let mut sql = Sql::new(
        "SELECT CAST(COUNT(*) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN r.id IS NULL OR r.status IN ('draft', 'returned') \
         THEN 1 ELSE 0 END), 0) AS BIGINT)",
    );
    sql.append(expected_from(t, period, std::slice::from_ref(scope), ""));
    db.fetch_one(sql).await
}
