//! The figures of income, kept in the figures layer ([`crate::kernel::figures`]) per year
//! at every node of the BLKK's place: own and total income, the BLKK recording any, and
//! how many fall in each band of their own share. They change in the transaction that
//! records a month (its year recounted: the old year out, the new one in).

use crate::kernel::access::CentreFacts;
use crate::kernel::db::{Dialect, Sql, StoreError, Tx};
use crate::kernel::figures::{Delta, Figure, Kind, Source, Unit, node_rows};

/// Own income (fees, sales, services, ...) in a year.
pub const OWN: &str = "income.own";
/// All income in a year, aid included.
pub const TOTAL: &str = "income.total";
/// BLKK that recorded any income in the year.
pub const CENTRES: &str = "income.centres";
/// BLKK whose own share of the year falls in band 1 to 5: `income.band/3`.
pub const BAND: &str = "income.band";

/// The bands of the own share: below 10 %, 10–25 %, 25–50 %, 50–75 %, 75 % and over.
pub const BANDS: usize = 5;

pub const FIGURES: &[Figure] = &[
    Figure {
        code: OWN,
        param: None,
        label_id: "Pendapatan mandiri",
        label_en: "Own income",
        definition_id: "Pendapatan dari usaha BLKK sendiri (biaya pelatihan, penjualan, jasa, \
                        dan lainnya) dalam setahun.",
        definition_en: "Income from the BLKK's own work (fees, sales, services and more) in a \
                        year.",
        unit: Unit::Rupiah,
        kind: Kind::Flow,
        source: "income",
    },
    Figure {
        code: TOTAL,
        param: None,
        label_id: "Pendapatan total",
        label_en: "Total income",
        definition_id: "Seluruh pendapatan BLKK dalam setahun, bantuan termasuk.",
        definition_en: "All the BLKK's income in a year, aid included.",
        unit: Unit::Rupiah,
        kind: Kind::Flow,
        source: "income",
    },
    Figure {
        code: CENTRES,
        param: None,
        label_id: "BLKK yang mencatat pendapatan",
        label_en: "BLKK recording income",
        definition_id: "BLKK dengan pendapatan tercatat dalam tahun itu.",
        definition_en: "BLKK with income recorded in the year.",
        unit: Unit::Count,
        kind: Kind::Flow,
        source: "income",
    },
    Figure {
        code: BAND,
        param: Some("band"),
        label_id: "BLKK menurut porsi pendapatan mandiri",
        label_en: "BLKK by own share of income",
        definition_id: "BLKK yang porsi pendapatan mandirinya dalam tahun itu masuk pita 1 \
                        (< 10 %), 2 (10–25 %), 3 (25–50 %), 4 (50–75 %) atau 5 (≥ 75 %).",
        definition_en: "BLKK whose own share of the year's income falls in band 1 (< 10 %), \
                        2 (10–25 %), 3 (25–50 %), 4 (50–75 %) or 5 (≥ 75 %).",
        unit: Unit::Count,
        kind: Kind::Flow,
        source: "income",
    },
];

/// The band (1 to 5) of an own share, as the SQL of [`recount`] has it.
pub fn band(own: i64, total: i64) -> usize {
    if own * 10 < total {
        1
    } else if own * 4 < total {
        2
    } else if own * 2 < total {
        3
    } else if own * 4 < total * 3 {
        4
    } else {
        5
    }
}

fn recount(_: Dialect) -> Vec<String> {
    let rows = |code: &str, value: &str, cond: &str| {
        node_rows(
            &format!(
                "SELECT {code} AS code, CAST(year AS TEXT) AS period, {{node}} AS node, \
                 CAST({value} AS BIGINT) AS value FROM income_years \
                 WHERE total > 0{cond}{{and}} GROUP BY year{{group}}"
            ),
            "province_code",
            "regency_code",
            "pembina_id",
            "centre_id",
        )
    };
    let band = "CASE WHEN own * 10 < total THEN 1 WHEN own * 4 < total THEN 2 \
                WHEN own * 2 < total THEN 3 WHEN own * 4 < total * 3 THEN 4 ELSE 5 END";
    vec![
        rows(&format!("'{OWN}'"), "SUM(own)", ""),
        rows(&format!("'{TOTAL}'"), "SUM(total)", ""),
        rows(&format!("'{CENTRES}'"), "COUNT(*)", ""),
        node_rows(
            &format!(
                "SELECT '{BAND}/' || CAST({band} AS TEXT) AS code, CAST(year AS TEXT) AS period, \
                 {{node}} AS node, CAST(COUNT(*) AS BIGINT) AS value FROM income_years \
                 WHERE total > 0{{and}} GROUP BY year, {band}{{group}}"
            ),
            "province_code",
            "regency_code",
            "pembina_id",
            "centre_id",
        ),
    ]
}

pub fn source() -> Source {
    Source {
        figures: FIGURES,
        prefix: "income.",
        recount,
    }
}

#[derive(sqlx::FromRow)]
struct YearRow {
    own: i64,
    total: i64,
    province_code: String,
    regency_code: String,
    pembina_id: Option<i64>,
}

/// A BLKK's kept year as its figures see it (nothing when not recorded).
async fn counted(tx: &mut Tx, centre: i64, year: i32) -> Result<Option<YearRow>, StoreError> {
    tx.fetch_optional(
        Sql::new(
            "SELECT own, total, province_code, regency_code, pembina_id FROM income_years \
             WHERE year = $1 AND centre_id = $2",
        )
        .arg(i64::from(year))
        .arg(centre),
    )
    .await
}

fn add(d: &mut Delta, centre: i64, year: i32, r: &YearRow, sign: i64) {
    if r.total <= 0 {
        return;
    }
    let place = CentreFacts {
        id: centre,
        pembina_id: r.pembina_id,
        province_code: r.province_code.clone(),
        regency_code: r.regency_code.clone(),
        forum_ids: Vec::new(),
    };
    let period = year.to_string();
    d.add(OWN, &period, &place, sign * r.own);
    d.add(TOTAL, &period, &place, sign * r.total);
    d.add(CENTRES, &period, &place, sign);
    d.add(
        &format!("{BAND}/{}", band(r.own, r.total)),
        &period,
        &place,
        sign,
    );
}

/// A BLKK's year as now counted, taken out of the figures (applied by [`put_in`] once the
/// year is recounted, in the same transaction).
pub async fn take_out(tx: &mut Tx, centre: i64, year: i32) -> Result<Delta, StoreError> {
    let mut d = Delta::default();
    if let Some(old) = counted(tx, centre, year).await? {
        add(&mut d, centre, year, &old, -1);
    }
    Ok(d)
}

/// The recounted year put into the figures with what [`take_out`] took out.
pub async fn put_in(tx: &mut Tx, mut d: Delta, centre: i64, year: i32) -> Result<(), StoreError> {
    if let Some(new) = counted(tx, centre, year).await? {
        add(&mut d, centre, year, &new, 1);
    }
    d.apply(tx).await
}
