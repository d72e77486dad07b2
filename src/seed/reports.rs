//! The standard report types (a monthly activity report and a half-yearly kemandirian
//! report, as data), the demo's reports, and reports at national scale for `generate`.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::features::reports::period::{Frequency, Period};
use crate::features::reports::types::model::{
    Audience, Indicator, IndicatorKind, ReportTypeInput, Source,
};
use crate::features::reports::workflow::service;
use crate::kernel::access::Actor;
use crate::kernel::db::{Db, Sql, StoreError};
use crate::kernel::time::{now, today};

fn indicator(
    code: &str,
    label_id: &str,
    label_en: &str,
    kind: IndicatorKind,
    required: bool,
    source: Option<Source>,
) -> Indicator {
    Indicator {
        code: code.to_owned(),
        label_id: label_id.to_owned(),
        label_en: label_en.to_owned(),
        kind,
        required,
        source,
        choices: Vec::new(),
    }
}

/// The two report types every installation starts with.
pub fn standard_types() -> Vec<ReportTypeInput> {
    use IndicatorKind::{Choice, Count, Percent, Rupiah, Text};
    let mut condition = indicator(
        "kondisi_sarana",
        "Kondisi sarana dan peralatan",
        "Condition of premises and equipment",
        Choice,
        true,
        None,
    );
    condition.choices = ["baik", "cukup", "perlu perbaikan"]
        .map(str::to_owned)
        .to_vec();
    vec![
        ReportTypeInput {
            code: "kegiatan_bulanan".to_owned(),
            name_id: "Laporan kegiatan bulanan".to_owned(),
            name_en: "Monthly activity report".to_owned(),
            frequency: Frequency::Bulanan,
            due_day: 10,
            grace_days: 20,
            audience: Audience::Semua,
            audience_year: None,
            audience_area: None,
            audience_centres: Vec::new(),
            indicators: vec![
                indicator(
                    "angkatan_berjalan",
                    "Angkatan pelatihan berjalan",
                    "Training batches running",
                    Count,
                    true,
                    Some(Source::BatchesHeld),
                ),
                indicator(
                    "peserta_baru",
                    "Peserta angkatan yang mulai",
                    "Trainees of batches starting",
                    Count,
                    true,
                    Some(Source::Trainees),
                ),
                indicator(
                    "lulus_kompeten",
                    "Lulusan kompeten",
                    "Graduates judged competent",
                    Count,
                    true,
                    Some(Source::GraduatesKompeten),
                ),
                indicator(
                    "lulus_belum_kompeten",
                    "Lulusan belum kompeten",
                    "Graduates not yet competent",
                    Count,
                    false,
                    Some(Source::GraduatesBelumKompeten),
                ),
                indicator(
                    "lulusan_bekerja",
                    "Lulusan dilaporkan bekerja",
                    "Graduates reported employed",
                    Count,
                    false,
                    Some(Source::PlacedBekerja),
                ),
                indicator(
                    "lulusan_wirausaha",
                    "Lulusan dilaporkan berwirausaha",
                    "Graduates reported self-employed",
                    Count,
                    false,
                    Some(Source::PlacedWirausaha),
                ),
                indicator(
                    "pendapatan_sendiri",
                    "Pendapatan sendiri",
                    "Own income",
                    Rupiah,
                    false,
                    Some(Source::IncomeOwn),
                ),
                indicator(
                    "pendapatan_total",
                    "Seluruh pendapatan",
                    "All income",
                    Rupiah,
                    false,
                    Some(Source::IncomeTotal),
                ),
                indicator(
                    "kerja_sama_aktif",
                    "Kerja sama aktif",
                    "Active partnerships",
                    Count,
                    false,
                    Some(Source::PartnershipsActive),
                ),
                indicator(
                    "pendapatan_pelatihan",
                    "Pendapatan dari biaya pelatihan",
                    "Income from training fees",
                    Rupiah,
                    false,
                    None,
                ),
                condition,
            ],
        },
        ReportTypeInput {
            code: "kemandirian_semester".to_owned(),
            name_id: "Laporan kemandirian semesteran".to_owned(),
            name_en: "Half-yearly self-reliance report".to_owned(),
            frequency: Frequency::Semester,
            due_day: 15,
            grace_days: 30,
            audience: Audience::Semua,
            audience_year: None,
            audience_area: None,
            audience_centres: Vec::new(),
            indicators: vec![
                indicator(
                    "lulus_kompeten",
                    "Lulusan kompeten",
                    "Graduates judged competent",
                    Count,
                    true,
                    Some(Source::GraduatesKompeten),
                ),
                indicator(
                    "lulusan_bekerja",
                    "Lulusan dilaporkan bekerja",
                    "Graduates reported employed",
                    Count,
                    true,
                    Some(Source::PlacedBekerja),
                ),
                indicator(
                    "lulusan_wirausaha",
                    "Lulusan dilaporkan berwirausaha",
                    "Graduates reported self-employed",
                    Count,
                    true,
                    Some(Source::PlacedWirausaha),
                ),
                indicator(
                    "respons_tracer",
                    "Tingkat respons tracer study",
                    "Tracer study response rate",
                    Percent,
                    false,
                    Some(Source::TracerResponseRate),
                ),
                indicator(
                    "pendapatan_mandiri",
                    "Pendapatan mandiri (di luar bantuan pemerintah)",
                    "Own income (besides government aid)",
                    Rupiah,
                    true,
                    None,
                ),
                indicator(
                    "mitra_aktif",
                    "Kerja sama aktif",
                    "Active partnerships",
                    Count,
                    true,
                    None,
                ),
                indicator(
                    "unit_usaha",
                    "Unit usaha yang berjalan",
                    "Business units running",
                    Text,
                    false,
                    None,
                ),
            ],
        },
    ]
}

/// Adds the standard report types that are not there yet; answers their ids.
pub async fn seed_types(db: &Db) -> Result<Vec<i64>, StoreError> {
    let mut ids = Vec::new();
    for t in standard_types() {
        let existing: Option<(i64,)> = db
            .fetch_optional(
                Sql::new("SELECT id FROM report_types WHERE code = $1").arg(t.code.as_str()),
            )
            .await?;
        let id = match existing {
            Some((id,)) => id,
            None => {
                let mut tx = db.begin().await?;
                let id =
                    crate::features::reports::types::store::insert_type(&mut tx, &t, now()).await?;
                tx.commit().await?;
                id
            }
        };
        ids.push(id);
    }
    Ok(ids)
}

fn failed(what: &str) -> impl Fn(crate::kernel::error::AppError) -> StoreError + '_ {
    move |e| StoreError::Data(format!("demo report ({what}): {e:?}"))
}

/// The demo BLKK's report for last month, sent through the workflow and waiting for its
/// pembina (while late reports for it are still taken; earlier months come from
/// [`generate`]).
pub async fn demo_reports(
    db: &Db,
    monthly: i64,
    centre: i64,
    manager: Actor,
) -> Result<(), StoreError> {
    let p = Period::containing(Frequency::Bulanan, today()).previous();
    let (id, _) = service::open(db, &manager, monthly, centre, &p.to_string())
        .await
        .map_err(failed("open"))?;
    let opened = service::view(db, &manager, id, false)
        .await
        .map_err(failed("view"))?;
    if !opened.allowed.submit {
        return Ok(());
    }
    let mut body = crate::features::reports::workflow::model::ReportBody {
        version: Some(opened.report.head.version),
        values: opened.report.values.clone(),
        ..Default::default()
    };
    body.values
        .insert("kondisi_sarana".to_owned(), serde_json::json!("baik"));
    body.values.insert(
        "pendapatan_pelatihan".to_owned(),
        serde_json::json!(2_400_000),
    );
    body.narrative.activities =
        "Pelatihan menjahit angkatan berjalan; praktik membuat seragam santri.".to_owned();
    body.narrative.plans = "Membuka kelas las listrik bersama mitra.".to_owned();
    service::save(db, &manager, id, &body)
        .await
        .map_err(failed("save"))?;
    service::submit(db, &manager, id, body.version.map(|v| v + 1))
        .await
        .map_err(failed("submit"))?;
    Ok(())
}

/// Monthly reports for every active BLKK, `years` back to last month: most sent, most on
/// time, most verified (bulk-written, without values or workflow; reports already there
/// are kept).
pub async fn generate(db: &Db, seed: u64, years: i32) -> Result<usize, StoreError> {
    let ids = seed_types(db).await?;
    let Some(&monthly) = ids.first() else {
        return Ok(0);
    };
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7265_706f);
    let centres: Vec<(i64, String, String, Option<i64>)> = db
        .fetch_all(Sql::new(
            "SELECT org_id, province_code, regency_code, pembina_id FROM centres \
             WHERE status = 'aktif' ORDER BY org_id",
        ))
        .await?;
    let last = Period::containing(Frequency::Bulanan, today()).previous();
    let periods = last.last((years.max(0) as usize) * 12);
    let at = now();
    let mut written = 0;
    for chunk in centres.chunks(100) {
        let mut tx = db.begin().await?;
        let mut reports = Vec::new();
        for (centre, province, regency, pembina) in chunk {
            for p in &periods {
                let roll: f64 = rng.random();
                // 88 % sent, of which 80 % on time and 90 % verified.
                let status = if roll < 0.88 {
                    if rng.random_bool(0.9) {
                        "verified"
                    } else {
                        "submitted"
                    }
                } else if roll < 0.95 {
                    "draft"
                } else {
                    continue;
                };
                let due = p.due(10);
                let sent = status != "draft";
                let on_time = sent && rng.random_bool(0.8);
                reports.push((
                    *centre,
                    province.clone(),
                    regency.clone(),
                    *pembina,
                    *p,
                    due,
                    status,
                    sent,
                    on_time,
                ));
            }
        }
        for rows in reports.chunks(150) {
            let mut sql = Sql::new(
                "INSERT INTO reports (type_id, centre_id, period, period_start, period_end, \
                 due_date, closes_date, province_code, regency_code, pembina_id, status, \
                 version, submitted_at, on_time, created_at, updated_at) VALUES ",
            );
            sql.push_rows(
                rows.iter()
                    .map(|(c, prov, reg, pem, p, due, status, sent, on_time)| {
                        let submitted = sent.then_some(at);
                        vec![
                            monthly.into(),
                            (*c).into(),
                            p.to_string().as_str().into(),
                            p.start().into(),
                            p.end().into(),
                            (*due).into(),
                            (*due + time::Duration::days(20)).into(),
                            prov.as_str().into(),
                            reg.as_str().into(),
                            (*pem).into(),
                            (*status).into(),
                            2i64.into(),
                            submitted.into(),
                            sent.then_some(*on_time).into(),
                            at.into(),
                            at.into(),
                        ]
                    }),
            );
            // Reports already there (the demo's, an earlier run's) stay as they are.
            sql.push(" ON CONFLICT (type_id, centre_id, period) DO NOTHING");
            written += tx.execute(sql).await? as usize;
        }
        tx.commit().await?;
    }
    db.settle().await?;
    Ok(written)
}
