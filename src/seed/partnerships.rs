//! The demo's agreements (seeds 001 and 003: Darul Bayan with MES; the Tangerang forum with
//! the regency for some of its members) and agreements at national scale for `generate`.

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::{Date, Duration};

use crate::features::partnerships::model::{Coverage, PartnershipInput};
use crate::features::partnerships::service;
use crate::kernel::access::Actor;
use crate::kernel::db::{Arg, Db, Dialect, Sql, StoreError};
use crate::kernel::time::{now, today};
use crate::kernel::validate::{Num, Patch};

fn input(
    partner: i64,
    title: &str,
    coverage: &[Coverage],
    start: Date,
    end: Date,
    value: i64,
    members: &[i64],
) -> PartnershipInput {
    PartnershipInput {
        partner_id: Patch::Set(Num(partner.to_string())),
        title: Patch::Set(title.to_owned()),
        document: Patch::Set("pks".into()),
        doc_no: Patch::Set(format!("PKS/{}/{}", start.year(), partner)),
        coverage: Patch::Set(coverage.iter().map(|c| c.as_str().to_owned()).collect()),
        start_date: Patch::Set(start.to_string()),
        end_date: Patch::Set(end.to_string()),
        value_rupiah: Patch::Set(Num(value.to_string())),
        status: Patch::Set("aktif".into()),
        member_ids: Patch::Set(members.iter().map(|m| Num(m.to_string())).collect()),
        ..Default::default()
    }
}

/// Darul Bayan's agreement with MES (ending in 45 days, so its reminder shows), and the
/// Tangerang forum's with the regency government for five of its members.
pub async fn demo(
    db: &Db,
    manager: &Actor,
    mes: i64,
    forum: &Actor,
    regency: i64,
) -> Result<(), StoreError> {
    let day = today();
    let err = |e| StoreError::Data(format!("demo partnership: {e:?}"));
    service::create(
        db,
        manager,
        &input(
            mes,
            "Pendampingan usaha dan pemasaran produk santri",
            &[Coverage::PembelianProduk, Coverage::Instruktur],
            day - Duration::days(320),
            day + Duration::days(45),
            25_000_000,
            &[],
        ),
    )
    .await
    .map_err(err)?;
    let members: Vec<(i64,)> = db
        .fetch_all(
            Sql::new(
                "SELECT centre_id FROM forum_members WHERE forum_id = $1 ORDER BY centre_id \
                 LIMIT 5",
            )
            .arg(forum.org_id.unwrap_or_default()),
        )
        .await?;
    let members: Vec<i64> = members.into_iter().map(|(c,)| c).collect();
    service::create(
        db,
        forum,
        &input(
            regency,
            "Pelatihan calon tenaga kerja dan penempatan di industri Kabupaten Tangerang",
            &[Coverage::Pendanaan, Coverage::Penempatan],
            Date::from_calendar_date(day.year(), time::Month::January, 1).unwrap_or(day),
            Date::from_calendar_date(day.year() + 1, time::Month::December, 31).unwrap_or(day),
            150_000_000,
            &members,
        ),
    )
    .await
    .map_err(err)?;
    Ok(())
}

/// About one agreement a year per active BLKK over `years` years, with a partner of its
/// province, one to three years long, in realistic shares of drafts, active and ended ones.
/// Answers how many were written.
pub async fn generate(db: &Db, seed: u64, years: i32) -> Result<usize, StoreError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6b65_7273);
    let centres: Vec<(i64, String)> = db
        .fetch_all(Sql::new(
            "SELECT c.org_id, c.province_code FROM centres c WHERE c.status = 'aktif' \
             AND NOT EXISTS (SELECT 1 FROM partnership_members m WHERE m.centre_id = c.org_id) \
             ORDER BY c.org_id",
        ))
        .await?;
    let partners: Vec<(i64, String)> = db
        .fetch_all(Sql::new(
            "SELECT id, COALESCE(SUBSTR(area_code, 1, 2), '') FROM orgs WHERE kind = 'mitra' \
             ORDER BY id",
        ))
        .await?;
    if centres.is_empty() || partners.is_empty() {
        return Ok(0);
    }
    let mut by_province: std::collections::HashMap<&str, Vec<i64>> = Default::default();
    for (id, p) in &partners {
        by_province.entry(p.as_str()).or_default().push(*id);
    }
    let all: Vec<i64> = partners.iter().map(|(id, _)| *id).collect();
    let day = today();
    let at = now();
    let titles = [
        "Penempatan lulusan",
        "Magang peserta pelatihan",
        "Pendanaan pelatihan berbasis kompetensi",
        "Pembelian produk dan jasa BLK Komunitas",
        "Bantuan peralatan praktik",
        "Program CSR pelatihan kerja",
    ];
    let (mut next,): (i64,) = db
        .fetch_one(Sql::new(
            "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM partnerships",
        ))
        .await?;
    let mut written = 0;
    for chunk in centres.chunks(200) {
        let mut rows: Vec<Vec<Arg>> = Vec::new();
        let mut members: Vec<Vec<Arg>> = Vec::new();
        for (centre, province) in chunk {
            let pool = by_province.get(province.as_str()).unwrap_or(&all);
            for y in 0..years.max(0) {
                if !rng.random_bool(0.95) {
                    continue;
                }
                next += 1;
                let partner = *pool.choose(&mut rng).unwrap_or(&all[0]);
                let year = day.year() - y;
                let start = Date::from_ordinal_date(year, rng.random_range(1..=330)).unwrap_or(day);
                let end = start + Duration::days(365 * rng.random_range(1..=3) - 1);
                let status = if rng.random_bool(0.05) {
                    "draft"
                } else if end < day && rng.random_bool(0.8) {
                    "berakhir"
                } else {
                    "aktif"
                };
                let kinds = rng.random_range(1..=3);
                let mut coverage: Vec<&str> = Coverage::ALL
                    .choose_multiple(&mut rng, kinds)
                    .map(|c| c.as_str())
                    .collect();
                coverage.sort_unstable();
                let title = titles[rng.random_range(0..titles.len())];
                rows.push(vec![
                    next.into(),
                    (*centre).into(),
                    partner.into(),
                    title.into(),
                    (if rng.random_bool(0.3) { "mou" } else { "pks" }).into(),
                    format!("PKS/{year}/{next}").into(),
                    coverage.join(",").into(),
                    start.into(),
                    end.into(),
                    (rng.random_range(0..=100i64) * 5_000_000).into(),
                    (rng.random_range(0..=20i64) * 2_500_000).into(),
                    "".into(),
                    status.into(),
                    at.into(),
                    at.into(),
                ]);
                members.push(vec![next.into(), (*centre).into()]);
            }
        }
        let mut tx = db.begin().await?;
        for part in rows.chunks(1_500) {
            let mut sql = Sql::new(
                "INSERT INTO partnerships (id, holder_id, partner_id, title, document, doc_no, \
                 coverage, start_date, end_date, value_rupiah, in_kind_rupiah, in_kind_note, \
                 status, created_at, updated_at) VALUES ",
            );
            sql.push_rows(part.iter().cloned());
            tx.execute(sql).await?;
        }
        for part in members.chunks(10_000) {
            let mut sql =
                Sql::new("INSERT INTO partnership_members (partnership_id, centre_id) VALUES ");
            sql.push_rows(part.iter().cloned());
            tx.execute(sql).await?;
        }
        if tx.dialect() == Dialect::Postgres {
            tx.execute(Sql::new(
                "SELECT setval(pg_get_serial_sequence('partnerships', 'id'), \
                 (SELECT MAX(id) FROM partnerships))",
            ))
            .await?;
        }
        tx.commit().await?;
        written += rows.len();
    }
    db.settle().await?;
    Ok(written)
}
