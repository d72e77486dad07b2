//! The demo's aid program and monitoring visit (seed 000: BBPVP Serang's visit to BLK
//! Komunitas PP Salafiyah Darul Bayan on 11 September 2024, checking its training aid), and
//! aid programs and visits at national scale for `generate`.

use std::collections::BTreeMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;
use time::{Date, Duration, Month};

use crate::features::aid::model::{AllocationInput, ProgramInput};
use crate::features::visits::model::{NewAction, NewFinding, NewVisit, VisitStatus, VisitUpdate};
use crate::kernel::access::Actor;
use crate::kernel::db::{Arg, Db, Dialect, Sql, StoreError};
use crate::kernel::time::{now, today};
use crate::kernel::validate::Num;

fn err(what: &str) -> impl Fn(crate::kernel::error::AppError) -> StoreError + '_ {
    move |e| StoreError::Data(format!("demo {what}: {e:?}"))
}

/// The 2024 PBK program with Darul Bayan's package, and the visit that checked it.
pub async fn demo(db: &Db, admin: &Actor, pembina: &Actor, centre: i64) -> Result<(), StoreError> {
    use crate::features::{aid, visits};
    let program = aid::service::create_program(
        db,
        admin,
        &ProgramInput {
            name: "Pelatihan Berbasis Kompetensi (PBK) BLK Komunitas 2024".into(),
            kind: "pbk".into(),
            budget_year: Num("2024".into()),
            area_code: None,
            description: "Paket pelatihan 16 peserta, 240 JP.".into(),
            obligations: Vec::new(),
        },
    )
    .await
    .map_err(err("aid program"))?;
    aid::service::allocate(
        db,
        admin,
        program.id,
        &AllocationInput {
            centre_id: Some(centre),
            amount_rupiah: Num("96000000".into()),
            packages: Num("1".into()),
            trainees_target: Num("16".into()),
            kejuruan: String::new(),
        },
    )
    .await
    .map_err(err("allocation"))?;
    let v = visits::service::plan(
        db,
        pembina,
        &NewVisit {
            centre_id: Some(centre),
            planned_date: "2024-09-11".into(),
            purpose: "Monitoring dan evaluasi bantuan program pelatihan".into(),
            aid_program_id: Some(program.id),
        },
    )
    .await
    .map_err(err("visit"))?;
    let answers: BTreeMap<String, serde_json::Value> = [
        ("sarana_sesuai", json!("ya")),
        ("pelatihan_berjalan", json!("ya")),
        ("instruktur_kompeten", json!(4)),
        ("administrasi_tertib", json!(3)),
        ("kerja_sama_aktif", json!("tidak")),
        (
            "catatan_umum",
            json!("Peralatan menjahit lengkap; daftar hadir belum rapi."),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    visits::service::record(
        db,
        pembina,
        v.id,
        &VisitUpdate {
            version: Some(v.version),
            visited_date: Some("2024-09-11".into()),
            answers,
            summary: Some("Pelatihan menjahit berjalan; administrasi perlu dirapikan.".into()),
            status: Some(VisitStatus::Selesai),
        },
    )
    .await
    .map_err(err("visit record"))?;
    visits::service::add_finding(
        db,
        pembina,
        v.id,
        &NewFinding {
            text: "Daftar hadir peserta belum ditandatangani setiap hari.".into(),
            severity: "sedang".into(),
            actions: vec![NewAction {
                text: "Lengkapi daftar hadir dan unggah salinannya.".into(),
                owner: "Kepala BLKK".into(),
                due_date: "2024-10-11".into(),
            }],
        },
    )
    .await
    .map_err(err("finding"))?;
    Ok(())
}

/// A PBK program for each of the last `years` years allocated to about a third of the
/// active BLKK, and about two visits per BLKK and year by its pembina, most done, some with
/// a finding and an action. Answers (allocations, visits).
pub async fn generate(db: &Db, seed: u64, years: i32) -> Result<(usize, usize), StoreError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7669_7369);
    let centres: Vec<(i64, Option<i64>)> = db
        .fetch_all(Sql::new(
            "SELECT c.org_id, c.pembina_id FROM centres c WHERE c.status = 'aktif' \
             AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.centre_id = c.org_id) \
             ORDER BY c.org_id",
        ))
        .await?;
    if centres.is_empty() {
        return Ok((0, 0));
    }
    let day = today();
    let at = now();
    let mut tx = db.begin().await?;
    let mut programs = Vec::new();
    for y in 0..years.max(0) {
        let year = day.year() - y;
        let name = format!("PBK BLK Komunitas {year} (data sintetis)");
        let mut sql = Sql::insert(
            "aid_programs",
            vec![
                ("name", name.as_str().into()),
                ("kind", "pbk".into()),
                ("budget_year", i64::from(year).into()),
                ("description", "".into()),
                ("created_at", at.into()),
                ("updated_at", at.into()),
            ],
        );
        sql.push(" RETURNING id");
        let (id,): (i64,) = tx.fetch_one(sql).await?;
        programs.push((id, year));
    }
    tx.commit().await?;
    let max_id = |table: &'static str| {
        Sql::new(format!(
            "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM {table}"
        ))
    };
    let (mut visit_id,): (i64,) = db.fetch_one(max_id("visits")).await?;
    let (mut finding_id,): (i64,) = db.fetch_one(max_id("visit_findings")).await?;
    let (mut allocations, mut visits) = (0, 0);
    for chunk in centres.chunks(200) {
        let mut alloc_rows: Vec<Vec<Arg>> = Vec::new();
        let mut visit_rows: Vec<Vec<Arg>> = Vec::new();
        let mut finding_rows: Vec<Vec<Arg>> = Vec::new();
        let mut action_rows: Vec<Vec<Arg>> = Vec::new();
        for (centre, pembina) in chunk {
            for (program, year) in &programs {
                let funded = rng.random_bool(0.33);
                if funded {
                    alloc_rows.push(vec![
                        (*program).into(),
                        (*centre).into(),
                        96_000_000i64.into(),
                        1i64.into(),
                        16i64.into(),
                        "".into(),
                        at.into(),
                    ]);
                }
                let Some(pembina) = pembina else { continue };
                for _ in 0..rng.random_range(1..=3) {
                    let month = Month::try_from(rng.random_range(1..=12u8)).unwrap_or(Month::June);
                    let planned = Date::from_calendar_date(*year, month, rng.random_range(1..=28))
                        .unwrap_or(day);
                    let done = planned < day && rng.random_bool(0.9);
                    visit_id += 1;
                    visit_rows.push(vec![
                        visit_id.into(),
                        (*centre).into(),
                        (*pembina).into(),
                        (if funded { Some(*program) } else { None }).into(),
                        "Monitoring dan evaluasi".into(),
                        planned.into(),
                        (if done { Some(planned) } else { None }).into(),
                        (if done { "selesai" } else { "rencana" }).into(),
                        "{}".into(),
                        "".into(),
                        at.into(),
                        at.into(),
                    ]);
                    if done && rng.random_bool(0.5) {
                        finding_id += 1;
                        let severity = ["rendah", "sedang", "tinggi"][rng.random_range(0..3)];
                        finding_rows.push(vec![
                            finding_id.into(),
                            visit_id.into(),
                            "Administrasi pelatihan perlu dilengkapi".into(),
                            severity.into(),
                            at.into(),
                        ]);
                        let due = planned + Duration::days(rng.random_range(14..=60));
                        let status = if due < day && rng.random_bool(0.8) {
                            "selesai"
                        } else if rng.random_bool(0.3) {
                            "dijawab"
                        } else {
                            "terbuka"
                        };
                        action_rows.push(vec![
                            finding_id.into(),
                            visit_id.into(),
                            (*centre).into(),
                            (*pembina).into(),
                            "Lengkapi dokumen administrasi".into(),
                            "Kepala BLKK".into(),
                            due.into(),
                            status.into(),
                            at.into(),
                            at.into(),
                        ]);
                    }
                }
            }
        }
        let mut tx = db.begin().await?;
        for (table, columns, rows) in [
            (
                "aid_allocations",
                "program_id, centre_id, amount_rupiah, packages, trainees_target, kejuruan, created_at",
                &alloc_rows,
            ),
            (
                "visits",
                "id, centre_id, pembina_id, aid_program_id, purpose, planned_date, visited_date, status, answers, summary, created_at, updated_at",
                &visit_rows,
            ),
            (
                "visit_findings",
                "id, visit_id, text, severity, created_at",
                &finding_rows,
            ),
            (
                "visit_actions",
                "finding_id, visit_id, centre_id, pembina_id, text, owner, due_date, status, created_at, updated_at",
                &action_rows,
            ),
        ] {
            let per = 30_000 / columns.split(',').count();
            for part in rows.chunks(per) {
                let mut sql = Sql::new(format!("INSERT INTO {table} ({columns}) VALUES "));
                sql.push_rows(part.iter().cloned());
                tx.execute(sql).await?;
            }
        }
        // Each action counts at its BLKK's place (see migration 0024).
        tx.execute(Sql::new(
            "UPDATE visit_actions SET \
             province_code = (SELECT c.province_code FROM centres c WHERE c.org_id = visit_actions.centre_id), \
             regency_code = (SELECT c.regency_code FROM centres c WHERE c.org_id = visit_actions.centre_id) \
             WHERE province_code = ''",
        ))
        .await?;
        if tx.dialect() == Dialect::Postgres {
            for table in ["visits", "visit_findings"] {
                tx.execute(Sql::new(format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                     (SELECT MAX(id) FROM {table}))"
                )))
                .await?;
            }
        }
        tx.commit().await?;
        allocations += alloc_rows.len();
        visits += visit_rows.len();
    }
    db.settle().await?;
    Ok((allocations, visits))
}
