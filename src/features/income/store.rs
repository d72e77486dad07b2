//! Income in the database: a BLKK's months and their lines, its yearly totals kept in the
//! same transaction (`income_years`), the fees its trainings bring, and the self-funding
//! figures read from the yearly totals.

use std::collections::BTreeMap;

use time::OffsetDateTime;

use super::model::{CheckedMonth, IncomeMonth, IncomeSource, YearMonth};
use crate::kernel::access::Scope;
use crate::kernel::db::{Arg, Db, Sql, StoreError, Tx};
use crate::kernel::scope::On;

/// A BLKK's income year carries its id and area codes.
pub const YEARS: On = On {
    name: "income years",
    from: "income_years y",
    centre: "y.centre_id",
    province: "y.province_code",
    regency: "y.regency_code",
    pembina: None,
};

#[derive(sqlx::FromRow)]
struct MonthRow {
    id: i64,
    centre_id: i64,
    month: String,
    note: String,
    own: i64,
    total: i64,
    version: i64,
    updated_at: OffsetDateTime,
}

async fn with_lines(db: &Db, rows: Vec<MonthRow>) -> Result<Vec<IncomeMonth>, StoreError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new("SELECT month_id, source, amount FROM income_lines WHERE month_id IN ");
    sql.push_list(rows.iter().map(|r| r.id));
    let lines: Vec<(i64, IncomeSource, i64)> = db.fetch_all(sql).await?;
    let mut by: BTreeMap<i64, BTreeMap<IncomeSource, i64>> = BTreeMap::new();
    for (m, s, a) in lines {
        by.entry(m).or_default().insert(s, a);
    }
    Ok(rows
        .into_iter()
        .map(|r| IncomeMonth {
            amounts: by.remove(&r.id).unwrap_or_default(),
            id: r.id,
            centre_id: r.centre_id,
            month: r.month,
            own: r.own,
            total: r.total,
            note: r.note,
            version: r.version,
            updated_at: r.updated_at,
        })
        .collect())
}

const SELECT: &str = "SELECT id, centre_id, month, note, own, total, version, updated_at \
    FROM income_months";

/// A BLKK's recorded months of a year, in order.
pub async fn year(db: &Db, centre: i64, year: i32) -> Result<Vec<IncomeMonth>, StoreError> {
    let rows = db
        .fetch_all(
            Sql::new(format!(
                "{SELECT} WHERE centre_id = $1 AND month BETWEEN $2 AND $3 ORDER BY month"
            ))
            .arg(centre)
            .arg(format!("{year:04}-01"))
            .arg(format!("{year:04}-12")),
        )
        .await?;
    with_lines(db, rows).await
}

pub async fn month(
    db: &Db,
    centre: i64,
    month: YearMonth,
) -> Result<Option<IncomeMonth>, StoreError> {
    let rows = db
        .fetch_all(
            Sql::new(format!("{SELECT} WHERE centre_id = $1 AND month = $2"))
                .arg(centre)
                .arg(month.to_string()),
        )
        .await?;
    Ok(with_lines(db, rows).await?.pop())
}

pub async fn by_id(db: &Db, id: i64) -> Result<Option<IncomeMonth>, StoreError> {
    let rows = db
        .fetch_all(Sql::new(format!("{SELECT} WHERE id = $1")).arg(id))
        .await?;
    Ok(with_lines(db, rows).await?.pop())
}

/// Writes a month: a new one (`version` `None`), or over the stored one still at
/// `version`. Answers its id.
pub async fn save(
    tx: &mut Tx,
    centre: i64,
    m: &CheckedMonth,
    own: i64,
    total: i64,
    version: Option<i64>,
    now: OffsetDateTime,
) -> Result<i64, StoreError> {
    let id = match version {
        None => {
            let mut sql = Sql::insert(
                "income_months",
                vec![
                    ("centre_id", centre.into()),
                    ("month", m.month.to_string().into()),
                    ("note", m.note.as_str().into()),
                    ("own", own.into()),
                    ("total", total.into()),
                    ("created_at", now.into()),
                    ("updated_at", now.into()),
                ],
            );
            sql.push(" RETURNING id");
            match tx.fetch_one::<(i64,)>(sql).await {
                Ok((id,)) => id,
                // Recorded meanwhile by someone else: their version was not read.
                Err(StoreError::Duplicate { .. }) => return Err(StoreError::Stale),
                Err(e) => return Err(e),
            }
        }
        Some(v) => {
            let row: Option<(i64,)> = tx
                .fetch_optional(
                    Sql::new(
                        "UPDATE income_months SET note = $1, own = $2, total = $3, \
                         updated_at = $4, version = version + 1 \
                         WHERE centre_id = $5 AND month = $6 AND version = $7 RETURNING id",
                    )
                    .arg(m.note.as_str())
                    .arg(own)
                    .arg(total)
                    .arg(now)
                    .arg(centre)
                    .arg(m.month.to_string())
                    .arg(v),
                )
                .await?;
            row.ok_or(StoreError::Stale)?.0
        }
    };
    tx.execute(Sql::new("DELETE FROM income_lines WHERE month_id = $1").arg(id))
        .await?;
    if !m.amounts.is_empty() {
        let mut sql = Sql::new("INSERT INTO income_lines (month_id, source, amount) VALUES ");
        sql.push_rows(
            m.amounts
                .iter()
                .map(|(s, a)| [Arg::from(id), Arg::from(s.as_str()), Arg::from(*a)]),
        );
        tx.execute(sql).await?;
    }
    Ok(id)
}

/// Recounts a BLKK's year from its months (at most twelve rows), the BLKK's income held
/// ([`Tx::lock`]) so that two months saved at once each count the other's: the last one
/// recounts both.
/// The year's kept figures change with it: the year as it was comes out, as it is goes in
/// (at the BLKK's place now, `place`).
pub async fn refresh_year(
    tx: &mut Tx,
    year: i32,
    place: &crate::kernel::access::CentreFacts,
) -> Result<(), StoreError> {
    let centre = place.id;
    tx.lock("income_years", centre).await?;
    let kept = super::figures::take_out(tx, centre, year).await?;
    tx.execute(
        Sql::new(
            "INSERT INTO income_years (year, centre_id, province_code, regency_code, pembina_id, \
             own, total) \
             SELECT $1, $2, $3, $4, $5, CAST(COALESCE(SUM(own), 0) AS BIGINT), \
             CAST(COALESCE(SUM(total), 0) AS BIGINT) FROM income_months \
             WHERE centre_id = $2 AND month BETWEEN $6 AND $7 \
             ON CONFLICT (year, centre_id) DO UPDATE SET own = excluded.own, \
             total = excluded.total, province_code = excluded.province_code, \
             regency_code = excluded.regency_code, pembina_id = excluded.pembina_id",
        )
        .arg(i64::from(year))
        .arg(centre)
        .arg(place.province_code.as_str())
        .arg(place.regency_code.as_str())
        .arg(place.pembina_id)
        .arg(format!("{year:04}-01"))
        .arg(format!("{year:04}-12")),
    )
    .await?;
    super::figures::put_in(tx, kept, centre, year).await
}

/// The fees of a BLKK's self-paid and company-paid batches starting in a month, by month of
/// the year (`2026-03` → rupiah).
pub async fn fees(db: &Db, centre: i64, year: i32) -> Result<BTreeMap<String, i64>, StoreError> {
    let first = YearMonth { year, month: 1 }.first_day();
    let last = YearMonth { year, month: 12 }.last_day();
    let rows: Vec<(time::Date, i64)> = db
        .fetch_all(
            Sql::new(
                "SELECT start_date, CAST(fee * enrolled AS BIGINT) FROM trainings \
                 WHERE centre_id = $1 AND start_date BETWEEN $2 AND $3 \
                 AND funding IN ('swadaya', 'perusahaan') AND fee > 0",
            )
            .arg(centre)
            .arg(first)
            .arg(last),
        )
        .await?;
    let mut out = BTreeMap::new();
    for (d, n) in rows {
        *out.entry(YearMonth::of(d).to_string()).or_insert(0) += n;
    }
    Ok(out)
}

/// A province's BLKK's income for a year, with how many BLKK fall in each band of their own
/// share (below 10 %, 10–25 %, 25–50 %, 50–75 %, 75 % and over).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProvinceRow {
    pub province_code: String,
    pub province_name: String,
    pub own: i64,
    pub total: i64,
    pub centres: i64,
    pub band0: i64,
    pub band1: i64,
    pub band2: i64,
    pub band3: i64,
    pub band4: i64,
}

/// The year's figures by province, within every one of `scopes` (one row per BLKK read).
pub async fn provinces(
    db: &Db,
    year: i32,
    scopes: &[Scope],
) -> Result<Vec<ProvinceRow>, StoreError> {
    let mut sql = Sql::new(
        "SELECT y.province_code, COALESCE(MAX(a.name), y.province_code) AS province_name, \
         CAST(SUM(y.own) AS BIGINT) AS own, CAST(SUM(y.total) AS BIGINT) AS total, \
         COUNT(*) AS centres, \
         SUM(CASE WHEN y.own * 10 < y.total THEN 1 ELSE 0 END) AS band0, \
         SUM(CASE WHEN y.own * 10 >= y.total AND y.own * 4 < y.total THEN 1 ELSE 0 END) AS band1, \
         SUM(CASE WHEN y.own * 4 >= y.total AND y.own * 2 < y.total THEN 1 ELSE 0 END) AS band2, \
         SUM(CASE WHEN y.own * 2 >= y.total AND y.own * 4 < y.total * 3 THEN 1 ELSE 0 END) AS band3, \
         SUM(CASE WHEN y.own * 4 >= y.total * 3 THEN 1 ELSE 0 END) AS band4 \
         FROM income_years y LEFT JOIN areas a ON a.code = y.province_code \
         WHERE y.total > 0 AND y.year = ",
    );
    sql.push_bind(i64::from(year));
    sql.scoped_all(scopes, &YEARS);
    sql.push(" GROUP BY y.province_code ORDER BY y.province_code");
    db.fetch_all(sql).await
}

/// Own and total income and the BLKK recording any, by year from `from` to `to`.
pub async fn trend(
    db: &Db,
    from: i32,
    to: i32,
    scopes: &[Scope],
) -> Result<Vec<(i64, i64, i64, i64)>, StoreError> {
    let mut sql = Sql::new(
        "SELECT y.year, CAST(SUM(y.own) AS BIGINT), CAST(SUM(y.total) AS BIGINT), COUNT(*) \
         FROM income_years y WHERE y.total > 0 AND y.year BETWEEN ",
    );
    sql.push_bind(i64::from(from))
        .push(" AND ")
        .push_bind(i64::from(to));
    sql.scoped_all(scopes, &YEARS);
    sql.push(" GROUP BY y.year ORDER BY y.year");
    db.fetch_all(sql).await
}

/// `(id, month, BLKK, "BLKK name")` of those of `ids` that are recorded months.
pub async fn month_refs(
    db: &Db,
    ids: &[i64],
) -> Result<Vec<(i64, String, i64, String)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT m.id, m.month, m.centre_id, o.name FROM income_months m \
         JOIN orgs o ON o.id = m.centre_id WHERE m.id IN ",
    );
    sql.push_list(ids.iter().copied());
    db.fetch_all(sql).await
}
