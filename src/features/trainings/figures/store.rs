//! The live figures of trainings: each batch's tally, kept in the transaction of every write
//! that changes it, summed per BLKK and per province.

use super::model::Figures;
use crate::features::trainings::batches::model::TrainingFilter;
use crate::features::trainings::batches::store::push_filter;
use crate::kernel::access::Scope;
use crate::kernel::db::{Db, Sql, StoreError, Tx};
use crate::kernel::scope::On;

/// The kept training figures, one row per BLKK and group.
pub const FIGURES: On = On {
    name: "training figures",
    from: "training_figures f",
    centre: "f.centre_id",
    province: "f.province_code",
    regency: "f.regency_code",
    pembina: None,
};

const COUNTERS: [&str; 10] = [
    "trainees",
    "kompeten",
    "belum_kompeten",
    "mengundurkan_diri",
    "bekerja",
    "wirausaha",
    "melanjutkan",
    "belum_bekerja",
    "tidak_terlacak",
    "batches",
];

/// Each batch's contribution per sex, computed from its enrolments (all batches, or one).
fn tally_select(one: bool) -> String {
    let graduate = "e.result IN ('kompeten', 'belum_kompeten')";
    let latest = |s: &str| {
        format!(
            "CAST(SUM(CASE WHEN {graduate} AND e.latest_status = '{s}' THEN 1 ELSE 0 END) AS BIGINT)"
        )
    };
    let result =
        |r: &str| format!("CAST(SUM(CASE WHEN e.result = '{r}' THEN 1 ELSE 0 END) AS BIGINT)");
    format!(
        "SELECT t.id, p.sex, t.year, t.centre_id, t.province_code, t.regency_code, t.kejuruan, \
         t.funding, 0, COUNT(*), {}, {}, {}, {}, {}, {}, {}, {} \
         FROM trainings t JOIN enrolments e ON e.training_id = t.id \
         JOIN persons p ON p.id = e.person_id {} \
         GROUP BY t.id, p.sex, t.year, t.centre_id, t.province_code, t.regency_code, \
         t.kejuruan, t.funding \
         UNION ALL SELECT t.id, '', t.year, t.centre_id, t.province_code, t.regency_code, \
         t.kejuruan, t.funding, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0 FROM trainings t {}",
        result("kompeten"),
        result("belum_kompeten"),
        result("mengundurkan_diri"),
        latest("bekerja"),
        latest("wirausaha"),
        latest("melanjutkan"),
        latest("belum_bekerja"),
        latest("tidak_terlacak"),
        if one { "WHERE t.id = $1" } else { "" },
        if one { "WHERE t.id = $1" } else { "" },
    )
}

const TALLY_COLUMNS: &str = "training_id, sex, year, centre_id, province_code, regency_code, \
    kejuruan, funding, batches, trainees, kompeten, belum_kompeten, mengundurkan_diri, bekerja, \
    wirausaha, melanjutkan, belum_bekerja, tidak_terlacak";

const FIGURE_KEY: &str = "year, centre_id, kejuruan, funding, sex, province_code, regency_code";

/// The key of the per-province sums (`training_figures_by_province`).
const PROVINCE_KEY: &str = "year, province_code, kejuruan, funding, sex";

/// Adds (`sign` 1) or takes away (-1) a batch's tally from the figures.
async fn apply_tally(tx: &mut Tx, training_id: i64, sign: i64) -> Result<(), StoreError> {
    let values: Vec<String> = COUNTERS.iter().map(|c| format!("{sign} * {c}")).collect();
    for (table, key, conflict) in [
        (
            "training_figures",
            FIGURE_KEY,
            "year, centre_id, kejuruan, funding, sex",
        ),
        ("training_figures_by_province", PROVINCE_KEY, PROVINCE_KEY),
    ] {
        let sums: Vec<String> = COUNTERS
            .iter()
            .map(|c| format!("{c} = {table}.{c} + excluded.{c}"))
            .collect();
        let sql = Sql::new(format!(
            "INSERT INTO {table} ({key}, {counters}) \
             SELECT {key}, {values} FROM training_tallies WHERE training_id = $1 \
             ON CONFLICT ({conflict}) DO UPDATE SET {sums}",
            counters = COUNTERS.join(", "),
            values = values.join(", "),
            sums = sums.join(", "),
        ))
        .arg(training_id);
        tx.execute(sql).await?;
    }
    Ok(())
}

/// Brings a batch's contribution to the figures up to date, in the transaction of the
/// write that changed it: its old tally comes out, its new one goes in. The batch is held
/// ([`Tx::lock`]; callers take it first, before their own writes), so two changes to one
/// batch at once each count the other's: the last one's tally is computed from both.
pub async fn refresh_figures(tx: &mut Tx, training_id: i64) -> Result<(), StoreError> {
    tx.lock(
        crate::features::trainings::batches::model::TRAINING,
        training_id,
    )
    .await?;
    apply_tally(tx, training_id, -1).await?;
    tx.execute(Sql::new("DELETE FROM training_tallies WHERE training_id = $1").arg(training_id))
        .await?;
    tx.execute(
        Sql::new(format!(
            "INSERT INTO training_tallies ({TALLY_COLUMNS}) {}",
            tally_select(true)
        ))
        .arg(training_id),
    )
    .await?;
    apply_tally(tx, training_id, 1).await
}

/// Computes every tally and figure afresh (after a bulk load).
pub async fn rebuild_figures(tx: &mut Tx) -> Result<(), StoreError> {
    tx.execute(Sql::new("DELETE FROM training_figures")).await?;
    tx.execute(Sql::new("DELETE FROM training_figures_by_province"))
        .await?;
    tx.execute(Sql::new("DELETE FROM training_tallies")).await?;
    tx.execute(Sql::new(format!(
        "INSERT INTO training_tallies ({TALLY_COLUMNS}) {}",
        tally_select(false)
    )))
    .await?;
    let sums: Vec<String> = COUNTERS
        .iter()
        .map(|c| format!("CAST(SUM({c}) AS BIGINT)"))
        .collect();
    for (table, key) in [
        ("training_figures", FIGURE_KEY),
        ("training_figures_by_province", PROVINCE_KEY),
    ] {
        tx.execute(Sql::new(format!(
            "INSERT INTO {table} ({key}, {}) SELECT {key}, {} \
             FROM training_tallies GROUP BY {key}",
            COUNTERS.join(", "),
            sums.join(", ")
        )))
        .await?;
    }
    Ok(())
}

/// What the figures are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Province,
    Regency,
    Centre,
    Kejuruan,
    Funding,
    Sex,
    Year,
}

impl GroupBy {
    fn column(self) -> &'static str {
        match self {
            GroupBy::Province => "f.province_code",
            GroupBy::Regency => "f.regency_code",
            GroupBy::Centre => "CAST(f.centre_id AS TEXT)",
            GroupBy::Kejuruan => "f.kejuruan",
            GroupBy::Funding => "f.funding",
            GroupBy::Sex => "f.sex",
            GroupBy::Year => "CAST(f.year AS TEXT)",
        }
    }
}

/// The province of a scope that the per-province sums can answer (`Some("")` for the
/// nation), or `None` when the figures must come from each BLKK's.
fn province_level(key: Option<GroupBy>, f: &TrainingFilter, scope: &Scope) -> Option<String> {
    let by_area = matches!(key, Some(GroupBy::Regency | GroupBy::Centre));
    if by_area || f.centre.is_some() || !f.regency.trim().is_empty() {
        return None;
    }
    match scope {
        Scope::All => Some(String::new()),
        Scope::Region(code) if code.len() == 2 => Some(code.clone()),
        _ => None,
    }
}

fn figures_sql(key: Option<GroupBy>, f: &TrainingFilter, scope: &Scope) -> Sql {
    let sums: Vec<String> = COUNTERS
        .iter()
        .map(|c| format!("CAST(COALESCE(SUM(f.{c}), 0) AS BIGINT) AS {c}"))
        .collect();
    let traced = "CAST(COALESCE(SUM(f.bekerja + f.wirausaha + f.melanjutkan + f.belum_bekerja), 0) \
        AS BIGINT) AS traced";
    let province = province_level(key, f, scope);
    let table = if province.is_some() {
        "training_figures_by_province"
    } else {
        "training_figures"
    };
    let mut sql = Sql::new(format!(
        "SELECT {}{}, {traced} FROM {table} f WHERE 1 = 1",
        key.map(|k| format!("{} AS key, ", k.column()))
            .unwrap_or_default(),
        sums.join(", ")
    ));
    match province {
        Some(p) => {
            if !p.is_empty() {
                sql.push(" AND f.province_code = ").push_bind(p);
            }
            // No BLKK or regency filter here (see `province_level`), so no such column.
            push_filter(&mut sql, &FIGURES, f, &Scope::All);
        }
        None => push_filter(&mut sql, &FIGURES, f, scope),
    }
    if let Some(k) = key {
        sql.push(" GROUP BY ").push(k.column()).push(" ORDER BY 1");
    }
    sql
}

/// The figures of the batches matching, in a scope.
pub async fn figures(db: &Db, f: &TrainingFilter, scope: &Scope) -> Result<Figures, StoreError> {
    db.fetch_one(figures_sql(None, f, scope)).await
}

/// A figure row of a breakdown.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KeyedFigures {
    pub key: String,
    #[sqlx(flatten)]
    pub figures: Figures,
}

/// The figures broken down by `key`.
pub async fn figures_by(
    db: &Db,
    key: GroupBy,
    f: &TrainingFilter,
    scope: &Scope,
) -> Result<Vec<KeyedFigures>, StoreError> {
    db.fetch_all(figures_sql(Some(key), f, scope)).await
}
