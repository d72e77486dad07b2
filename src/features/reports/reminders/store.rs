//! What the reminders and the work queue read: the expected BLKK that have not sent a
//! report, and the reports waiting for their pembina.

use crate::features::reports::types::model::ReportType;
use crate::features::reports::types::store::expected_from;
use crate::kernel::db::{Db, Sql, StoreError};

/// The expected BLKK of a type and period that have not sent their report: `(BLKK, its
/// report if started)`, for the daily reminders.
pub async fn unsent(
    db: &Db,
    t: &ReportType,
    period: &str,
) -> Result<Vec<(i64, Option<i64>)>, StoreError> {
    let mut sql = Sql::new("SELECT c.org_id, r.id");
    sql.append(expected_from(t, period, &[], ""));
    sql.push(" AND (r.id IS NULL OR r.status IN ('draft', 'returned'))");
    db.fetch_all(sql).await
}

/// Reports sent to a UPTP and waiting for its verification.
pub async fn to_verify(db: &Db, pembina: i64) -> Result<i64, StoreError> {
    let (n,): (i64,) = db
        .fetch_one(
            Sql::new(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM reports WHERE pembina_id = $1 \
                 AND status = 'submitted'",
            )
            .arg(pembina),
        )
        .await?;
    Ok(n)
}
