//! Synthetic trainings for the BLKK that have none yet: `years` years of batches per BLKK,
//! trainees with valid synthetic NIKs, results and outcomes in realistic proportions
//! (about four batches a year of 12–16 trainees; 80 % kompeten, 10 % belum kompeten, 10 %
//! withdrawn; of graduates traced, about half working and a fifth self-employed). Written
//! in bulk, then the live figures are computed once. Marked synthetic: every name carries
//! "(sintetis)" in its batch title.

use std::collections::HashSet;

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::{Date, Duration};

use crate::features::trainings::batches::model::{Competence, Funding};
use crate::features::trainings::figures::store::rebuild_figures;
use crate::features::trainings::tracer::model::OutcomeStatus;
use crate::features::trainings::tracer::service::{add_months, next_due, today};
use crate::features::trainings::trainees::nik;
use crate::kernel::db::{Arg, Db, Dialect, Sql, StoreError, Tx};
use crate::kernel::time::now;

const FIRST: &[&str] = &[
    "Ahmad", "Siti", "Muhammad", "Nur", "Dewi", "Rizky", "Putri", "Fajar", "Aisyah", "Budi",
    "Lestari", "Hendra", "Wahyu", "Fitri", "Agus", "Indah", "Yusuf", "Rina", "Andi", "Sri",
];
const LAST: &[&str] = &[
    "Saputra",
    "Hidayat",
    "Nurhaliza",
    "Pratama",
    "Rahmawati",
    "Santoso",
    "Wijaya",
    "Kusuma",
    "Maulana",
    "Lubis",
    "Siregar",
    "Nasution",
    "Hasibuan",
    "Rahman",
    "Syahputra",
    "Utami",
];
const TITLES: &[&str] = &["Angkatan", "Kelas", "Gelombang"];

/// How much was made.
#[derive(Debug, Default, Clone, Copy)]
pub struct TrainingSummary {
    pub trainings: usize,
    pub enrolments: usize,
    pub outcomes: usize,
}

struct Rows {
    trainings: Vec<Vec<Arg>>,
    persons: Vec<Vec<Arg>>,
    /// Each person's record at the BLKK that enrolled them (linked: they gave it there).
    records: Vec<Vec<Arg>>,
    enrolments: Vec<Vec<Arg>>,
    outcomes: Vec<Vec<Arg>>,
}

impl Rows {
    fn len(&self) -> usize {
        self.trainings.len()
            + self.persons.len()
            + self.records.len()
            + self.enrolments.len()
            + self.outcomes.len()
    }
}

async fn next_id(tx: &mut Tx, table: &str) -> Result<i64, StoreError> {
    let (n,): (i64,) = tx
        .fetch_one(Sql::new(format!(
            "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM {table}"
        )))
        .await?;
    Ok(n + 1)
}

async fn insert(
    tx: &mut Tx,
    table: &str,
    columns: &str,
    rows: &mut Vec<Vec<Arg>>,
) -> Result<(), StoreError> {
    // Within both databases' limits on bound values per statement.
    let per = (30_000 / columns.split(',').count()).max(1);
    for chunk in rows.chunks(per) {
        let mut sql = Sql::new(format!("INSERT INTO {table} ({columns}) VALUES "));
        sql.push_rows(chunk.iter().cloned());
        tx.execute(sql).await?;
    }
    rows.clear();
    Ok(())
}

async fn flush(tx: &mut Tx, r: &mut Rows) -> Result<(), StoreError> {
    insert(tx, "trainings", "id, centre_id, province_code, regency_code, kejuruan, title, start_date, end_date, year, hours, quota, fee, funding, partner_id, venue, open_to_public, enrolled, closed_at, created_at, updated_at", &mut r.trainings).await?;
    insert(
        tx,
        "persons",
        "id, nik, name, sex, birth_date, phone, address, email, created_at, updated_at",
        &mut r.persons,
    )
    .await?;
    insert(
        tx,
        "person_records",
        "person_id, centre_id, name, phone, address, email, linked_at, created_at, updated_at",
        &mut r.records,
    )
    .await?;
    insert(tx, "enrolments", "id, training_id, person_id, centre_id, start_date, end_date, result, certificate_no, latest_status, latest_date, next_due, created_at, updated_at", &mut r.enrolments).await?;
    insert(tx, "outcomes", "enrolment_id, status, date, employer, sector, matches_training, business_name, business_kind, employees, study, reported_by, created_at", &mut r.outcomes).await?;
    Ok(())
}

/// Makes `years` years of trainings (to this year) for every BLKK without any.
pub async fn generate(db: &Db, seed: u64, years: i32) -> Result<TrainingSummary, StoreError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7472_6169);
    let centres: Vec<(i64, String, String, String)> = db
        .fetch_all(Sql::new(
            "SELECT c.org_id, c.province_code, c.regency_code, c.district_code FROM centres c \
             WHERE NOT EXISTS (SELECT 1 FROM trainings t WHERE t.centre_id = c.org_id) \
             ORDER BY c.org_id",
        ))
        .await?;
    let kejuruan: Vec<(String,)> = db
        .fetch_all(Sql::new("SELECT code FROM kejuruan ORDER BY sort"))
        .await?;
    let schedule = crate::features::trainings::tracer::store::schedule(db).await?;
    let mut summary = TrainingSummary::default();
    if centres.is_empty() || kejuruan.is_empty() {
        return Ok(summary);
    }
    let today = today();
    let at = now();
    let mut tx = db.begin().await?;
    let (mut tid, mut pid, mut eid) = (
        next_id(&mut tx, "trainings").await?,
        next_id(&mut tx, "persons").await?,
        next_id(&mut tx, "enrolments").await?,
    );
    let mut niks: HashSet<String> = HashSet::new();
    let mut serial: u16 = 1;
    let mut rows = Rows {
        trainings: Vec::new(),
        persons: Vec::new(),
        records: Vec::new(),
        enrolments: Vec::new(),
        outcomes: Vec::new(),
    };
    let fundings = [
        (Funding::Pbk, 45u32),
        (Funding::Apbd, 15),
        (Funding::Perusahaan, 10),
        (Funding::Mitra, 8),
        (Funding::Swadaya, 15),
        (Funding::ApbnLain, 4),
        (Funding::Lainnya, 3),
    ];
    let first_year = today.year() - years + 1;
    for (centre, province, regency, district) in &centres {
        let own: Vec<&String> = kejuruan
            .choose_multiple(&mut rng, 2)
            .map(|(k,)| k)
            .collect();
        for year in first_year..=today.year() {
            let batches = rng.random_range(2..=6);
            for b in 0..batches {
                let kej = own.choose(&mut rng).copied().unwrap_or(&kejuruan[0].0);
                let start = if year == today.year() && b == 0 && rng.random_bool(0.6) {
                    // Open for applications: starts in the coming weeks.
                    today + Duration::days(rng.random_range(7..=90))
                } else {
                    Date::from_ordinal_date(year, rng.random_range(1..=330)).unwrap_or(today)
                };
                let days = rng.random_range(20..=45);
                let end = start + Duration::days(days);
                let funding = fundings
                    .choose_weighted(&mut rng, |(_, w)| *w)
                    .map(|(f, _)| *f)
                    .unwrap_or(Funding::Pbk);
                let quota = if funding == Funding::Pbk {
                    16
                } else {
                    rng.random_range(10..=25)
                };
                let fee = if matches!(funding, Funding::Swadaya) {
                    rng.random_range(1..=30) * 50_000
                } else {
                    0
                };
                let finished = end < today;
                let started = start <= today;
                let enrolled = if started {
                    rng.random_range((quota * 3 / 4)..=quota)
                } else {
                    0
                };
                let id = tid;
                tid += 1;
                rows.trainings.push(vec![
                    id.into(),
                    (*centre).into(),
                    province.as_str().into(),
                    regency.as_str().into(),
                    kej.as_str().into(),
                    format!(
                        "{} {} {} (sintetis)",
                        kej.replace('_', " "),
                        TITLES[b % TITLES.len()],
                        b + 1
                    )
                    .into(),
                    start.into(),
                    end.into(),
                    i64::from(year).into(),
                    i64::from(if funding == Funding::Pbk {
                        240
                    } else {
                        rng.random_range(4..=30) * 10
                    })
                    .into(),
                    i64::from(quota).into(),
                    i64::from(fee).into(),
                    funding.into(),
                    Option::<i64>::None.into(),
                    "".into(),
                    (!started).into(),
                    i64::from(enrolled).into(),
                    (if finished && end + Duration::days(14) < today {
                        Some(at)
                    } else {
                        None
                    })
                    .into(),
                    at.into(),
                    at.into(),
                ]);
                summary.trainings += 1;
                for _ in 0..enrolled {
                    let female = rng.random_bool(0.45);
                    let birth = Date::from_ordinal_date(
                        year - rng.random_range(17..=35),
                        rng.random_range(1..=365),
                    )
                    .unwrap_or(start);
                    let mut nik_value = nik::synthetic(district, birth, female, serial);
                    while !niks.insert(nik_value.clone()) {
                        serial = serial % 9998 + 1;
                        nik_value = nik::synthetic(district, birth, female, serial);
                    }
                    serial = serial % 9998 + 1;
                    let name = format!(
                        "{} {}",
                        FIRST.choose(&mut rng).unwrap_or(&"Nur"),
                        LAST.choose(&mut rng).unwrap_or(&"Saputra")
                    );
                    let person = pid;
                    pid += 1;
                    let phone = format!("+62812{:07}", rng.random_range(0..10_000_000));
                    let address = format!("Desa {}, Kec. {}", rng.random_range(1..40), district);
                    rows.records.push(vec![
                        person.into(),
                        (*centre).into(),
                        name.as_str().into(),
                        phone.as_str().into(),
                        address.as_str().into(),
                        "".into(),
                        at.into(),
                        at.into(),
                        at.into(),
                    ]);
                    rows.persons.push(vec![
                        person.into(),
                        nik_value.into(),
                        name.into(),
                        (if female { "P" } else { "L" }).into(),
                        birth.into(),
                        phone.into(),
                        address.into(),
                        "".into(),
                        at.into(),
                        at.into(),
                    ]);
                    let enrolment = eid;
                    eid += 1;
                    summary.enrolments += 1;
                    let result = if finished {
                        let r: f64 = rng.random();
                        Some(if r < 0.8 {
                            Competence::Kompeten
                        } else if r < 0.9 {
                            Competence::BelumKompeten
                        } else {
                            Competence::MengundurkanDiri
                        })
                    } else {
                        None
                    };
                    let graduate = result.is_some_and(Competence::graduated);
                    let mut latest: Option<(OutcomeStatus, Date)> = None;
                    if graduate {
                        for m in &schedule {
                            let due = add_months(end, *m);
                            if due > today || !rng.random_bool(0.75) {
                                continue;
                            }
                            let date = (due + Duration::days(rng.random_range(0..20))).min(today);
                            let r: f64 = rng.random();
                            let status = if r < 0.45 {
                                OutcomeStatus::Bekerja
                            } else if r < 0.65 {
                                OutcomeStatus::Wirausaha
                            } else if r < 0.7 {
                                OutcomeStatus::Melanjutkan
                            } else if r < 0.9 {
                                OutcomeStatus::BelumBekerja
                            } else {
                                OutcomeStatus::TidakTerlacak
                            };
                            let working = status == OutcomeStatus::Bekerja;
                            let business = status == OutcomeStatus::Wirausaha;
                            rows.outcomes.push(vec![
                                enrolment.into(),
                                status.into(),
                                date.into(),
                                (if working {
                                    "PT Sinar Karya (sintetis)"
                                } else {
                                    ""
                                })
                                .into(),
                                (if working || business { "Jasa" } else { "" }).into(),
                                (if working {
                                    Some(rng.random_bool(0.7))
                                } else {
                                    None
                                })
                                .into(),
                                (if business {
                                    "Usaha Mandiri (sintetis)"
                                } else {
                                    ""
                                })
                                .into(),
                                (if business { "Jasa" } else { "" }).into(),
                                (if business {
                                    Some(i64::from(rng.random_range(0..4)))
                                } else {
                                    None
                                })
                                .into(),
                                (if status == OutcomeStatus::Melanjutkan {
                                    "Pelatihan lanjutan"
                                } else {
                                    ""
                                })
                                .into(),
                                "blkk".into(),
                                at.into(),
                            ]);
                            summary.outcomes += 1;
                            latest = Some((status, date));
                        }
                    }
                    let next = if graduate {
                        next_due(end, &schedule, latest.map(|(_, d)| d))
                    } else {
                        None
                    };
                    rows.enrolments.push(vec![
                        enrolment.into(),
                        id.into(),
                        person.into(),
                        (*centre).into(),
                        start.into(),
                        end.into(),
                        result.map(|r| r.as_str()).into(),
                        (if graduate {
                            Some(format!("SRT/{id}/{enrolment}"))
                        } else {
                            None
                        })
                        .into(),
                        latest.map(|(s, _)| s.as_str()).into(),
                        latest.map(|(_, d)| d).into(),
                        next.into(),
                        at.into(),
                        at.into(),
                    ]);
                }
            }
        }
        if rows.len() > 20_000 {
            flush(&mut tx, &mut rows).await?;
        }
    }
    flush(&mut tx, &mut rows).await?;
    if tx.dialect() == Dialect::Postgres {
        for table in ["trainings", "persons", "enrolments"] {
            tx.execute(Sql::new(format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )))
            .await?;
        }
    }
    rebuild_figures(&mut tx).await?;
    tx.commit().await?;
    db.settle().await?;
    Ok(summary)
}
