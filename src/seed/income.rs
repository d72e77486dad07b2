//! The demo BLKK's income over the last twelve months, and income at national scale for
//! `generate`: every active BLKK's months over N years, with its yearly totals.

use std::collections::BTreeMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::features::income::model::{IncomeInput, IncomeSource, YearMonth, split};
use crate::features::income::service;
use crate::kernel::access::Actor;
use crate::kernel::db::{Arg, Db, Dialect, Sql, StoreError};
use crate::kernel::time::{now, today};

/// The months before this one, oldest first.
fn last_months(n: usize) -> Vec<YearMonth> {
    let mut m = YearMonth::of(today());
    let mut out = Vec::new();
    for _ in 0..n {
        m = if m.month == 1 {
            YearMonth {
                year: m.year - 1,
                month: 12,
            }
        } else {
            YearMonth {
                year: m.year,
                month: m.month - 1,
            }
        };
        out.push(m);
    }
    out.reverse();
    out
}

/// A month's income of a BLKK in realistic proportions: government aid in some months,
/// fees, sales and rental in others.
fn amounts(rng: &mut ChaCha8Rng, strength: f64) -> BTreeMap<IncomeSource, i64> {
    let mut a = BTreeMap::new();
    let mut put = |s: IncomeSource, chance: f64, max_millions: i64, rng: &mut ChaCha8Rng| {
        if rng.random_bool(chance) {
            let n = rng.random_range(1..=max_millions.max(1)) * 250_000;
            a.insert(s, n);
        }
    };
    put(IncomeSource::Pbk, 0.15, 200, rng);
    put(IncomeSource::Apbd, 0.05, 120, rng);
    put(IncomeSource::BiayaPelatihan, 0.3 * strength, 40, rng);
    put(IncomeSource::Penjualan, 0.5 * strength, 30, rng);
    put(IncomeSource::Kontrak, 0.1 * strength, 100, rng);
    put(IncomeSource::Sewa, 0.15, 8, rng);
    put(IncomeSource::Donasi, 0.2, 10, rng);
    a
}

/// Darul Bayan's last twelve months, recorded by its manager.
pub async fn demo(db: &Db, manager: &Actor) -> Result<(), StoreError> {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for m in last_months(12) {
        let input = IncomeInput {
            month: m.to_string(),
            amounts: amounts(&mut rng, 1.0)
                .into_iter()
                .map(|(s, n)| (s.as_str().to_owned(), n.into()))
                .collect(),
            ..Default::default()
        };
        service::save(db, manager, &input)
            .await
            .map_err(|e| StoreError::Data(format!("demo income {m}: {e:?}")))?;
    }
    Ok(())
}

/// Every active BLKK without income: its months over `years` years (most recorded), with
/// the yearly totals. Answers how many months were written.
pub async fn generate(db: &Db, seed: u64, years: i32) -> Result<usize, StoreError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x696e_636f);
    let centres: Vec<(i64, String, String)> = db
        .fetch_all(Sql::new(
            "SELECT c.org_id, c.province_code, c.regency_code FROM centres c \
             WHERE c.status = 'aktif' AND NOT EXISTS \
             (SELECT 1 FROM income_months m WHERE m.centre_id = c.org_id) ORDER BY c.org_id",
        ))
        .await?;
    let months = last_months((years.max(0) as usize) * 12);
    let (mut next,): (i64,) = db
        .fetch_one(Sql::new(
            "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM income_months",
        ))
        .await?;
    let at = now();
    let mut written = 0;
    for chunk in centres.chunks(100) {
        let mut month_rows: Vec<Vec<Arg>> = Vec::new();
        let mut line_rows: Vec<Vec<Arg>> = Vec::new();
        let mut year_rows: Vec<Vec<Arg>> = Vec::new();
        for (centre, province, regency) in chunk {
            // Some BLKK earn much of their own money, most little.
            let strength: f64 = rng.random_range(0.1..1.0);
            let mut by_year: BTreeMap<i32, (i64, i64)> = BTreeMap::new();
            for m in &months {
                if !rng.random_bool(0.85) {
                    continue;
                }
                let a = amounts(&mut rng, strength);
                let (own, total) = split(&a);
                next += 1;
                month_rows.push(vec![
                    next.into(),
                    (*centre).into(),
                    m.to_string().into(),
                    "".into(),
                    own.into(),
                    total.into(),
                    at.into(),
                    at.into(),
                ]);
                for (s, n) in &a {
                    line_rows.push(vec![next.into(), s.as_str().into(), (*n).into()]);
                }
                let y = by_year.entry(m.year).or_default();
                y.0 += own;
                y.1 += total;
            }
            for (year, (own, total)) in by_year {
                year_rows.push(vec![
                    i64::from(year).into(),
                    (*centre).into(),
                    province.as_str().into(),
                    regency.as_str().into(),
                    own.into(),
                    total.into(),
                ]);
            }
        }
        let mut tx = db.begin().await?;
        for (table, columns, rows) in [
            (
                "income_months",
                "id, centre_id, month, note, own, total, created_at, updated_at",
                &month_rows,
            ),
            ("income_lines", "month_id, source, amount", &line_rows),
            (
                "income_years",
                "year, centre_id, province_code, regency_code, own, total",
                &year_rows,
            ),
        ] {
            let per = 30_000 / columns.split(',').count();
            for part in rows.chunks(per) {
                let mut sql = Sql::new(format!("INSERT INTO {table} ({columns}) VALUES "));
                sql.push_rows(part.iter().cloned());
                tx.execute(sql).await?;
            }
        }
        // Each year counts at its BLKK's UPTP too (see migration 0025).
        tx.execute(Sql::new(
            "UPDATE income_years SET pembina_id = \
             (SELECT c.pembina_id FROM centres c WHERE c.org_id = income_years.centre_id) \
             WHERE pembina_id IS NULL",
        ))
        .await?;
        if tx.dialect() == Dialect::Postgres {
            tx.execute(Sql::new(
                "SELECT setval(pg_get_serial_sequence('income_months', 'id'), \
                 (SELECT MAX(id) FROM income_months))",
            ))
            .await?;
        }
        tx.commit().await?;
        written += month_rows.len();
    }
    db.settle().await?;
    Ok(written)
}
