//! Trainings through the JSON API: planning batches and who may see them, enrolling trainees
//! by NIK (never duplicated, never in two batches at once, never beyond the quota), who sees
//! their personal data (and the log of it), results and certificates, outcomes and the live
//! figures they move, the public search and applications, and who may read the figures.
//!
//! Every batch here is created by the test itself (the demo's own batches may change), and
//! every figure is compared with the one read before the test's writes.

use reqwest::StatusCode;
use serde_json::{Value, json};
use simandiri::kernel::db::{Db, Sql};
use simandiri::seed::demo::DARUL_BAYAN;

use crate::support::{
    Batch, Client, Content, assert_refused, count, demo_email, enrol, first_kejuruan, from_today,
    get_ok, id_of, int_at, man, person, plan, record_result, woman,
};

// ---- People --------------------------------------------------------------------------

/// The NIK as those without access to personal data see it.
fn masked(nik: &str) -> String {
    format!("{}********{}", &nik[..4], &nik[12..])
}

// ---- Batches -------------------------------------------------------------------------

/// One trainee of a batch, as `c` sees them in the batch's list.
async fn enrolment_in(c: &Client, training: i64, enrolment: i64) -> Value {
    let list = get_ok(c, &format!("/api/v1/trainings/{training}/enrolments")).await;
    list.as_array()
        .unwrap_or_else(|| panic!("a list: {list}"))
        .iter()
        .find(|e| e["id"] == enrolment)
        .cloned()
        .unwrap_or_else(|| panic!("enrolment {enrolment} in {list}"))
}

// ---- Values --------------------------------------------------------------------------

/// A 403.
#[track_caller]
fn assert_forbidden(status: StatusCode, body: &Value) {
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "forbidden", "{body}");
}

// ---- The database --------------------------------------------------------------------

/// A batch's trainees as stored: its enrolment rows and its seat counter (always equal).
async fn seats(db: &Db, training: i64) -> (i64, i64) {
    db.fetch_one(
        Sql::new(
            "SELECT (SELECT COUNT(*) FROM enrolments WHERE training_id = $1), enrolled \
             FROM trainings WHERE id = $1",
        )
        .arg(training),
    )
    .await
    .unwrap()
}

async fn persons_with_nik(db: &Db, nik: &str) -> i64 {
    count(db, "SELECT COUNT(*) FROM persons WHERE nik = $1", nik).await
}

async fn batches_of(db: &Db, centre: i64) -> i64 {
    count(
        db,
        "SELECT COUNT(*) FROM trainings WHERE centre_id = $1",
        centre,
    )
    .await
}

/// Logged views and exports of a person's personal data.
async fn access_logged(db: &Db, person: i64) -> i64 {
    count(
        db,
        "SELECT COUNT(*) FROM personal_data_access WHERE person_id = $1",
        person,
    )
    .await
}

/// The id of the demo user of `role`.
async fn user_id(db: &Db, role: &str) -> i64 {
    let (id,): (i64,) = db
        .fetch_one(Sql::new("SELECT id FROM users WHERE email = $1").arg(demo_email(role)))
        .await
        .unwrap_or_else(|e| panic!("no demo {role}: {e}"));
    id
}

// ---- Figures -------------------------------------------------------------------------

/// Every count of the training figures.
const COUNTERS: [&str; 11] = [
    "batches",
    "trainees",
    "kompeten",
    "belum_kompeten",
    "mengundurkan_diri",
    "traced",
    "bekerja",
    "wirausaha",
    "melanjutkan",
    "belum_bekerja",
    "tidak_terlacak",
];

/// `GET /api/v1/stats/trainings?{query}` (200).
async fn stats(c: &Client, query: &str) -> Value {
    get_ok(c, &format!("/api/v1/stats/trainings?{query}")).await
}

// ---- Scenarios -----------------------------------------------------------------------

mod planning_a_batch_and_who_may_see_it {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = t.api_as("pengelola").await;
        let centre = t.org_id(DARUL_BAYAN).await;
        let k = first_kejuruan(&c).await;
        let planned = batches_of(t.db(), centre).await;
        let listed = "/api/v1/trainings?year=2026";
        let listed_before = int_at(&get_ok(&c, listed).await, "total");

        // Ending before it starts: refused, nothing saved.
        let (s, body) = c
            .json(
                "POST",
                "/api/v1/trainings",
                Batch::of(&k, "Menjahit Dasar")
                    .dates("2026-01-05", "2026-01-04")
                    .json(),
            )
            .await;
        assert_refused(s, &body, "end_date", "end_before_start");
        // An admin must say which BLKK the batch is for.
        let admin = t.api_as("admin").await;
        let (s, body) = admin
            .json(
                "POST",
                "/api/v1/trainings",
                Batch::of(&k, "Menjahit Dasar").past().json(),
            )
            .await;
        assert_refused(s, &body, "centre_id", "required");
        assert_eq!(batches_of(t.db(), centre).await, planned, "nothing saved");

        // The BLKK's manager plans it for their own BLKK.
        let created = Batch::of(&k, "Menjahit Dasar Angkatan I")
            .past()
            .plan(&c)
            .await;
        let id = id_of(&created);
        assert_eq!(batches_of(t.db(), centre).await, planned + 1);
        assert_eq!(created["version"], 1);
        assert_eq!(created["centre_id"], centre);
        assert_eq!(created["centre_name"], DARUL_BAYAN);
        assert_eq!(created["province_code"], "36");
        assert_eq!(created["regency_code"], "36.01");
        assert_eq!(created["kejuruan"], k.as_str());
        assert_eq!(created["title"], "Menjahit Dasar Angkatan I");
        assert_eq!(created["hours"], 240);
        assert_eq!(created["quota"], 16);
        assert_eq!(created["fee"], 0);
        assert_eq!(created["funding"], "pbk");
        assert_eq!(created["open_to_public"], json!(true));
        assert_eq!(created["enrolled"], 0);
        assert_eq!(created["instructor_ids"], json!([]));
        assert_eq!(created["partner_id"], Value::Null);
        assert_eq!(created["closed_at"], Value::Null);

        // Read back, it is what was returned; it is listed.
        let path = format!("/api/v1/trainings/{id}");
        assert_eq!(get_ok(&c, &path).await, created);
        assert_eq!(
            int_at(&get_ok(&c, listed).await, "total"),
            listed_before + 1
        );

        // Its pembina (BBPVP Serang) sees it; the Disnaker of Kabupaten Tangerang (another
        // regency) does not, nor does a partner see any batch list.
        let pembina = t.api_as("pembina").await;
        assert_eq!(get_ok(&pembina, &path).await, created);
        let disnaker = t.api_as("disnaker").await;
        let (s, body) = disnaker.get_json(&path).await;
        assert_forbidden(s, &body);
        let theirs = get_ok(&disnaker, &format!("/api/v1/trainings?centre={centre}")).await;
        assert_eq!(theirs["total"], 0, "{theirs}");
        let mitra = t.api_as("mitra").await;
        let (s, body) = mitra.get_json("/api/v1/trainings").await;
        assert_forbidden(s, &body);

        // A change from the version read succeeds; another from the same (now stale)
        // version is refused and changes nothing.
        let (s, changed) = c
            .json(
                "PATCH",
                &path,
                json!({"title": "Menjahit Busana Muslim", "version": 1}),
            )
            .await;
        assert_eq!(s, 200, "{changed}");
        assert_eq!(changed["title"], "Menjahit Busana Muslim");
        assert_eq!(changed["version"], 2);
        assert_eq!(changed["quota"], 16, "what was not sent is kept");
        let (s, body) = c
            .json("PATCH", &path, json!({"title": "Lain", "version": 1}))
            .await;
        assert_eq!(s, 409, "{body}");
        assert_eq!(body["error"]["code"], "conflict");
        assert_eq!(get_ok(&c, &path).await, changed);

        // Dates are written as they are sent: `YYYY-MM-DD`.
        assert_eq!(created["start_date"], "2026-01-05");
        assert_eq!(created["end_date"], "2026-02-27");
    });
}

mod enrolling_by_nik {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = t.api_as("pengelola").await;
        let k = first_kejuruan(&c).await;
        let db = t.db();
        // A: January–February; B overlaps it; C starts after A ends; D has one seat.
        let a = Batch::of(&k, "Angkatan A")
            .dates("2026-01-05", "2026-02-27")
            .id(&c)
            .await;
        let b = Batch::of(&k, "Angkatan B")
            .dates("2026-02-02", "2026-03-27")
            .id(&c)
            .await;
        let later = Batch::of(&k, "Angkatan C")
            .dates("2026-03-02", "2026-04-24")
            .id(&c)
            .await;
        let d = Batch::of(&k, "Angkatan D")
            .dates("2026-05-04", "2026-06-26")
            .quota(1)
            .id(&c)
            .await;

        // A new person: sex and birth date read from the NIK.
        let siti = woman(8201);
        let first = enrol(&c, a, person(&siti, "Siti Aminah")).await;
        assert_eq!(first["training_id"], a);
        assert_eq!(first["nik"], siti.as_str());
        assert_eq!(first["name"], "Siti Aminah");
        assert_eq!(first["sex"], "P");
        assert_eq!(first["phone"], "+6281234567890");
        assert_eq!(first["result"], Value::Null);
        let person_id = int_at(&first, "person_id");
        assert_eq!(seats(db, a).await, (1, 1));
        let read = get_ok(&c, &format!("/api/v1/trainings/{a}")).await;
        assert_eq!(read["enrolled"], 1);

        // Not in two batches at once.
        let (s, body) = c
            .json(
                "POST",
                &format!("/api/v1/trainings/{b}/enrolments"),
                person(&siti, "Siti Aminah"),
            )
            .await;
        assert_refused(s, &body, "nik", "overlapping_batch");
        assert_eq!(seats(db, b).await, (0, 0));

        // In a later batch: the same person, found by the NIK, not a second one.
        let again = enrol(&c, later, person(&siti, "Siti Aminah")).await;
        assert_eq!(again["person_id"], person_id);
        assert_eq!(persons_with_nik(db, &siti).await, 1);
        assert_eq!(seats(db, later).await, (1, 1));

        // Not twice in the same batch (the seat taken is given back).
        let (s, body) = c
            .json(
                "POST",
                &format!("/api/v1/trainings/{a}/enrolments"),
                person(&siti, "Siti Aminah"),
            )
            .await;
        assert_refused(s, &body, "nik", "already_enrolled");
        assert_eq!(seats(db, a).await, (1, 1));

        // What cannot be a NIK, or names no district in the area data.
        for (nik, code) in [
            ("360101450899820", "nik_format"),
            ("36010145089982021", "nik_format"),
            ("0601014508998203", "nik_area"),
            ("3699994508998202", "nik_area"),
        ] {
            let (s, body) = c
                .json(
                    "POST",
                    &format!("/api/v1/trainings/{b}/enrolments"),
                    person(nik, "Dewi Lestari"),
                )
                .await;
            assert_refused(s, &body, "nik", code);
            assert_eq!(persons_with_nik(db, nik).await, 0, "{nik}: nothing saved");
            assert_eq!(seats(db, b).await, (0, 0));
        }

        // A sex the NIK contradicts; no consent.
        let dewi = woman(8206);
        let mut contradicted = person(&dewi, "Dewi Lestari");
        contradicted["sex"] = json!("L");
        let (s, body) = c
            .json(
                "POST",
                &format!("/api/v1/trainings/{b}/enrolments"),
                contradicted,
            )
            .await;
        assert_refused(s, &body, "sex", "nik_mismatch");
        let unconsented = json!({"nik": dewi, "name": "Dewi Lestari"});
        let (s, body) = c
            .json(
                "POST",
                &format!("/api/v1/trainings/{b}/enrolments"),
                unconsented,
            )
            .await;
        assert_refused(s, &body, "consent", "consent_required");
        assert_eq!(persons_with_nik(db, &dewi).await, 0, "nothing saved");
        assert_eq!(seats(db, b).await, (0, 0));

        // One seat: the second trainee is refused, and not kept as a person either.
        enrol(&c, d, person(&man(8204), "Ahmad Fauzi")).await;
        let budi = man(8205);
        let (s, body) = c
            .json(
                "POST",
                &format!("/api/v1/trainings/{d}/enrolments"),
                person(&budi, "Budi Santoso"),
            )
            .await;
        assert_refused(s, &body, "nik", "batch_full");
        assert_eq!(seats(db, d).await, (1, 1));
        assert_eq!(persons_with_nik(db, &budi).await, 0);
    });
}

mod personal_data_is_masked_and_each_view_logged {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = t.api_as("pengelola").await;
        let k = first_kejuruan(&c).await;
        let db = t.db();
        let training = Batch::of(&k, "Desain Grafis").past().id(&c).await;
        let nik = woman(8301);
        let e = enrol(&c, training, person(&nik, "Rina Marlina")).await;
        let person_id = int_at(&e, "person_id");
        let path = format!("/api/v1/trainings/{training}/enrolments");
        let logged = access_logged(db, person_id).await;

        // The BLKK's manager sees it all; the view is logged for the trainee.
        let own = enrolment_in(&c, training, id_of(&e)).await;
        assert_eq!(own["nik"], nik.as_str());
        assert_eq!(own["phone"], "+6281234567890");
        assert_eq!(own["address"], "Kp. Cikadu RT 01/02, Desa Mekar Jaya");
        assert!(!own["birth_date"].is_null(), "{own}");
        assert_eq!(access_logged(db, person_id).await, logged + 1);
        let (actor,): (Option<i64>,) = db
            .fetch_one(
                Sql::new(
                    "SELECT actor_id FROM personal_data_access WHERE person_id = $1 \
                     ORDER BY id DESC LIMIT 1",
                )
                .arg(person_id),
            )
            .await
            .unwrap();
        assert_eq!(actor, Some(user_id(db, "pengelola").await));

        // Its pembina sees the trainee with the NIK masked and no contacts; nothing logged.
        let pembina = t.api_as("pembina").await;
        let seen = enrolment_in(&pembina, training, id_of(&e)).await;
        assert_eq!(seen["name"], "Rina Marlina");
        assert_eq!(seen["sex"], "P");
        assert_eq!(seen["nik"], masked(&nik).as_str());
        assert_eq!(seen["nik"], "3601********8301");
        assert_eq!(seen["phone"], Value::Null);
        assert_eq!(seen["birth_date"], Value::Null);
        assert_eq!(seen["address"], Value::Null);
        assert_eq!(access_logged(db, person_id).await, logged + 1);

        // Outside the scope: nothing at all. Not a trainee: no "my data".
        let disnaker = t.api_as("disnaker").await;
        let (s, body) = disnaker.get_json(&path).await;
        assert_forbidden(s, &body);
        let (s, body) = pembina.get_json("/api/v1/me/data").await;
        assert_forbidden(s, &body);
        assert_eq!(access_logged(db, person_id).await, logged + 1);
    });
}

mod results_and_certificates {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = t.api_as("pengelola").await;
        let k = first_kejuruan(&c).await;
        let ended = Batch::of(&k, "Tata Busana").past().id(&c).await;
        let upcoming = Batch::of(&k, "Tata Busana Lanjutan")
            .days(30, 60)
            .id(&c)
            .await;
        let e1 = enrol(&c, ended, person(&woman(8401), "Ani Suryani")).await;
        let e2 = enrol(&c, ended, person(&woman(8402), "Ika Rahayu")).await;
        let e3 = enrol(&c, upcoming, person(&man(8403), "Joko Susilo")).await;
        let (id1, id2, id3) = (id_of(&e1), id_of(&e2), id_of(&e3));
        let v1 = int_at(&e1, "version");

        // An instructor of the BLKK who does not teach this batch records nothing.
        let instruktur = t.api_as("instruktur").await;
        let (s, body) = instruktur
            .json(
                "PUT",
                &format!("/api/v1/enrolments/{id1}/result"),
                json!({"result": "kompeten"}),
            )
            .await;
        assert_forbidden(s, &body);
        assert_eq!(enrolment_in(&c, ended, id1).await, e1, "nothing saved");

        // The manager records a result with its certificate.
        let done = record_result(
            &c,
            id1,
            json!({"result": "kompeten", "certificate_no": "CERT-1", "version": v1}),
        )
        .await;
        assert_eq!(done["result"], "kompeten");
        assert_eq!(done["certificate_no"], "CERT-1");
        assert_eq!(done["version"], json!(v1 + 1));

        // A certificate number is given once.
        let (s, body) = c
            .change(
                "PUT",
                &format!("/api/v1/enrolments/{id2}/result"),
                &format!("/api/v1/enrolments/{id2}"),
                json!({"result": "kompeten", "certificate_no": "CERT-1"}),
            )
            .await;
        assert_refused(s, &body, "certificate_no", "duplicate");
        assert_eq!(enrolment_in(&c, ended, id2).await, e2, "nothing saved");

        // From a stale version: refused, the first result stands.
        let (s, body) = c
            .json(
                "PUT",
                &format!("/api/v1/enrolments/{id1}/result"),
                json!({"result": "belum_kompeten", "version": v1}),
            )
            .await;
        assert_eq!(s, 409, "{body}");
        assert_eq!(body["error"]["code"], "conflict");
        let now = enrolment_in(&c, ended, id1).await;
        assert_eq!(now["result"], "kompeten");
        assert_eq!(now["certificate_no"], "CERT-1");
        assert_eq!(now["version"], json!(v1 + 1));

        // No result before the batch has ended.
        let (s, body) = c
            .change(
                "PUT",
                &format!("/api/v1/enrolments/{id3}/result"),
                &format!("/api/v1/enrolments/{id3}"),
                json!({"result": "kompeten"}),
            )
            .await;
        assert_refused(s, &body, "result", "before_batch_end");
        assert_eq!(enrolment_in(&c, upcoming, id3).await, e3, "nothing saved");

        // Once assigned to the batch, the instructor records results in it.
        let me = user_id(t.db(), "instruktur").await;
        let (s, assigned) = c
            .patch(
                &format!("/api/v1/trainings/{ended}"),
                json!({"instructor_ids": [me]}),
            )
            .await;
        assert_eq!(s, 200, "{assigned}");
        assert_eq!(assigned["instructor_ids"], json!([me]));
        let taught = record_result(&instruktur, id2, json!({"result": "belum_kompeten"})).await;
        assert_eq!(taught["result"], "belum_kompeten");
        assert_eq!(taught["certificate_no"], Value::Null);
    });
}

mod outcomes_move_the_live_figures {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = t.api_as("pengelola").await;
        let k = first_kejuruan(&c).await;
        let centre = t.org_id(DARUL_BAYAN).await;
        let query = format!("centre={centre}&year=2026");
        let before = stats(&c, &query).await["total"].clone();

        // A batch of three: two judged competent, one withdrew.
        let training = Batch::of(&k, "Pengolahan Pangan").past().id(&c).await;
        let a = id_of(&enrol(&c, training, person(&woman(8501), "Lia Kurniasih")).await);
        let b = id_of(&enrol(&c, training, person(&man(8502), "Dedi Mulyadi")).await);
        let w = id_of(&enrol(&c, training, person(&woman(8503), "Euis Komariah")).await);
        record_result(
            &c,
            a,
            json!({"result": "kompeten", "certificate_no": "CERT-5A"}),
        )
        .await;
        record_result(&c, b, json!({"result": "kompeten"})).await;
        record_result(&c, w, json!({"result": "mengundurkan_diri"})).await;

        // Nothing before the batch ended (2026-02-27); nothing for one who withdrew.
        let (s, body) = c
            .json(
                "POST",
                &format!("/api/v1/enrolments/{a}/outcomes"),
                json!({"status": "bekerja", "date": "2026-02-20", "employer": "PT Maju"}),
            )
            .await;
        assert_refused(s, &body, "date", "before_batch_end");
        for day in ["0001-01-01", "9999-12-31"] {
            let (s, body) = c
                .json(
                    "POST",
                    &format!("/api/v1/enrolments/{a}/outcomes"),
                    json!({"status": "bekerja", "date": day, "employer": "PT Maju"}),
                )
                .await;
            assert_refused(s, &body, "date", "date_out_of_range");
        }
        let (s, body) = c
            .json(
                "POST",
                &format!("/api/v1/enrolments/{w}/outcomes"),
                json!({"status": "bekerja", "date": "2026-03-09", "employer": "PT Maju"}),
            )
            .await;
        assert_refused(s, &body, "status", "not_a_graduate");
        for e in [a, w] {
            let list = get_ok(&c, &format!("/api/v1/enrolments/{e}/outcomes")).await;
            assert_eq!(list, json!([]), "nothing saved");
        }

        // Ten days after the end, one graduate works at PT Maju.
        let (s, outcome) = c
            .json(
                "POST",
                &format!("/api/v1/enrolments/{a}/outcomes"),
                json!({"status": "bekerja", "date": "2026-03-09", "employer": "PT Maju"}),
            )
            .await;
        assert_eq!(s, 201, "{outcome}");
        assert_eq!(outcome["enrolment_id"], a);
        assert_eq!(outcome["status"], "bekerja");
        assert_eq!(outcome["employer"], "PT Maju");
        assert_eq!(outcome["reported_by"], "blkk");
        let list = get_ok(&c, &format!("/api/v1/enrolments/{a}/outcomes")).await;
        assert_eq!(list, json!([outcome.clone()]));
        assert_eq!(
            enrolment_in(&c, training, a).await["latest_status"],
            "bekerja"
        );

        // The BLKK's figures for 2026 moved by exactly this batch.
        let after = stats(&c, &query).await["total"].clone();
        let delta = |key: &str| int_at(&after, key) - int_at(&before, key);
        let expected = [
            ("batches", 1),
            ("trainees", 3),
            ("kompeten", 2),
            ("belum_kompeten", 0),
            ("mengundurkan_diri", 1),
            ("traced", 1),
            ("bekerja", 1),
            ("wirausaha", 0),
            ("melanjutkan", 0),
            ("belum_bekerja", 0),
            ("tidak_terlacak", 0),
            ("graduates", 2),
        ];
        for (key, n) in expected {
            assert_eq!(delta(key), n, "{key}: before {before}, after {after}");
        }
        // The outcome's date is written as it was sent: `YYYY-MM-DD`.
        assert_eq!(outcome["date"], "2026-03-09");
    });
}

mod the_public_finds_upcoming_batches_and_applies {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = t.api_as("pengelola").await;
        let k = first_kejuruan(&c).await;
        let db = t.db();
        let (start, end) = (from_today(30), from_today(57));
        let open = Batch::of(&k, "Menjahit untuk Umum")
            .dates(&start, &end)
            .with("open_to_public", true)
            .id(&c)
            .await;
        let internal = Batch::of(&k, "Menjahit Internal")
            .dates(&start, &end)
            .with("open_to_public", false)
            .id(&c)
            .await;

        // Found without signing in; the batch kept internal is not listed.
        let visitor = Client::new(&t.base);
        let search = format!("regency=36.01&kejuruan={k}&from={start}&to={start}");
        let found = get_ok(&visitor, &format!("/api/v1/public/trainings?{search}")).await;
        let items = found["items"]
            .as_array()
            .unwrap_or_else(|| panic!("items in {found}"));
        let listed = items
            .iter()
            .find(|i| i["id"] == open)
            .unwrap_or_else(|| panic!("batch {open} in {found}"));
        assert_eq!(listed["title"], "Menjahit untuk Umum");
        assert_eq!(listed["centre_name"], DARUL_BAYAN);
        assert_eq!(listed["regency_code"], "36.01");
        assert_eq!(listed["regency_name"], "Kabupaten Pandeglang");
        assert_eq!(listed["quota"], 16);
        assert_eq!(listed["enrolled"], 0);
        assert_eq!(listed["fee"], 0);
        assert!(items.iter().all(|i| i["id"] != internal), "{found}");

        // An application needs no account; the same NIK applies once.
        let nik = woman(8601);
        let mut application = person(&nik, "Nur Aisyah");
        application["motivation"] = json!("Ingin membuka usaha jahit di rumah.");
        let apply = format!("/api/v1/public/trainings/{open}/applications");
        let (s, applied) = visitor.json("POST", &apply, application.clone()).await;
        assert_eq!(s, 201, "{applied}");
        assert_eq!(applied["status"], "menunggu");
        let code = applied["code"].as_str().unwrap_or_default().to_owned();
        assert_eq!(code.len(), 11, "{applied}");
        assert!(
            applied.get("id").is_none(),
            "no sequence to compare: {applied}"
        );
        // The same NIK again: answered as a new application, with the same code; nothing
        // written and nothing said about the first.
        let (s, again) = visitor.json("POST", &apply, application).await;
        assert_eq!(s, 201, "{again}");
        assert_eq!(again, applied);
        let applications = "SELECT COUNT(*) FROM applications WHERE training_id = $1";
        assert_eq!(count(db, applications, open).await, 1);
        assert_eq!(persons_with_nik(db, &nik).await, 1);
        // A batch kept internal takes no applications.
        let (s, body) = visitor
            .json(
                "POST",
                &format!("/api/v1/public/trainings/{internal}/applications"),
                person(&woman(8602), "Yuyun Yuningsih"),
            )
            .await;
        assert_eq!(s, 404, "{body}");
        assert_eq!(count(db, applications, internal).await, 0);

        // The BLKK sees the application and accepts it: the applicant is enrolled.
        let list = get_ok(&c, &format!("/api/v1/trainings/{open}/applications")).await;
        let list = list.as_array().unwrap_or_else(|| panic!("a list: {list}"));
        assert_eq!(list.len(), 1, "{list:?}");
        assert_eq!(list[0]["code"], applied["code"]);
        assert_eq!(list[0]["name"], "Nur Aisyah");
        assert_eq!(list[0]["nik"], nik.as_str());
        assert_eq!(list[0]["status"], "menunggu");
        let decision = format!("/api/v1/applications/{}/decision", id_of(&list[0]));
        let (s, decided) = c
            .json(
                "POST",
                &decision,
                json!({"accept": true, "version": list[0]["version"]}),
            )
            .await;
        assert_eq!(s, 200, "{decided}");
        assert_eq!(decided["status"], "diterima");
        let batch_now = get_ok(&c, &format!("/api/v1/trainings/{open}")).await;
        assert_eq!(batch_now["enrolled"], 1);
        assert_eq!(seats(db, open).await, (1, 1));
        let trainees = get_ok(&c, &format!("/api/v1/trainings/{open}/enrolments")).await;
        assert_eq!(trainees.as_array().map(Vec::len), Some(1), "{trainees}");
        assert_eq!(trainees[0]["nik"], nik.as_str());
        // Decided once.
        let (s, body) = c
            .json(
                "POST",
                &decision,
                json!({"accept": false, "version": decided["version"]}),
            )
            .await;
        assert_refused(s, &body, "status", "already_decided");
        assert_eq!(seats(db, open).await, (1, 1));
    });
}

mod figures_need_a_scope_and_breakdowns_add_up {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        // Those without BLKK in their scope see no figures.
        for role in ["peserta", "mitra"] {
            let c = t.api_as(role).await;
            let (s, body) = c.get_json("/api/v1/stats/trainings").await;
            assert_forbidden(s, &body);
        }
        let (s, body) = Client::new(&t.base)
            .get_json("/api/v1/stats/trainings")
            .await;
        assert_eq!(s, 401, "{body}");

        // At least one batch with a trainee in province 36.
        let c = t.api_as("pengelola").await;
        let k = first_kejuruan(&c).await;
        let training = Batch::of(&k, "Teknik Komputer").past().id(&c).await;
        enrol(&c, training, person(&man(8701), "Rudi Hartono")).await;

        // Every breakdown adds up to the total, one row per key.
        let admin = t.api_as("admin").await;
        let total = stats(&admin, "").await["total"].clone();
        assert!(int_at(&total, "trainees") >= 1, "{total}");
        for by in [
            "province", "regency", "centre", "kejuruan", "funding", "sex", "year",
        ] {
            let answer = stats(&admin, &format!("by={by}")).await;
            assert_eq!(answer["total"], total, "by={by}");
            let rows = answer["rows"]
                .as_array()
                .unwrap_or_else(|| panic!("rows in {answer}"));
            for key in COUNTERS {
                let sum: i64 = rows.iter().map(|r| int_at(r, key)).sum();
                assert_eq!(sum, int_at(&total, key), "by={by}: {key}");
            }
            let mut keys: Vec<&str> = rows.iter().filter_map(|r| r["key"].as_str()).collect();
            assert_eq!(keys.len(), rows.len(), "by={by}: every row has a key");
            keys.sort_unstable();
            keys.dedup();
            assert_eq!(keys.len(), rows.len(), "by={by}: one row per key");
        }
        // The per-province sums the national view reads are those of every BLKK's.
        let db = t.db();
        let each = "SELECT year, province_code, kejuruan, funding, sex, \
            CAST(SUM(trainees) AS BIGINT), CAST(SUM(kompeten) AS BIGINT), \
            CAST(SUM(bekerja) AS BIGINT) FROM training_figures GROUP BY 1, 2, 3, 4, 5";
        let summed = "SELECT year, province_code, kejuruan, funding, sex, trainees, kompeten, \
            bekerja FROM training_figures_by_province";
        for (a, b) in [(each, summed), (summed, each)] {
            let (n,): (i64,) = db
                .fetch_one(Sql::new(format!("SELECT COUNT(*) FROM ({a} EXCEPT {b}) d")))
                .await
                .unwrap();
            assert_eq!(n, 0, "rows of {a} missing in {b}");
        }
        let by_province = stats(&admin, "by=province").await;
        let banten = by_province["rows"]
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["key"] == "36"))
            .unwrap_or_else(|| panic!("province 36 in {by_province}"));
        assert!(int_at(banten, "trainees") >= 1, "{banten}");
        assert!(int_at(banten, "batches") >= 1, "{banten}");

        // An unknown breakdown is a field error.
        let (s, body) = admin.get_json("/api/v1/stats/trainings?by=colour").await;
        assert_refused(s, &body, "by", "invalid_choice");
        // So is a year outside the documented range, for the figures and the batch list.
        let (s, body) = admin.get_json("/api/v1/stats/trainings?year=0").await;
        assert_refused(s, &body, "year", "out_of_range");
        let (s, body) = admin.get_json("/api/v1/trainings?year=0").await;
        assert_refused(s, &body, "year", "out_of_range");
    });
}

/// A graduate's next follow-up as stored.
async fn next_due(db: &Db, enrolment: i64) -> Option<time::Date> {
    let (d,): (Option<time::Date>,) = db
        .fetch_one(Sql::new("SELECT next_due FROM enrolments WHERE id = $1").arg(enrolment))
        .await
        .unwrap();
    d
}

fn date(text: &str) -> time::Date {
    time::Date::parse(text, &time::format_description::well_known::Iso8601::DATE)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
}

mod the_ministry_changes_the_tracer_schedule {
    use super::*;
    use simandiri::features::trainings::tracer::service::add_months;
    crate::on_both!(Content::Demo, |t| {
        let c = t.api_as("pengelola").await;
        let admin = t.api_as("admin").await;
        let k = first_kejuruan(&c).await;
        let db = t.db();
        // A batch that ended ten days ago, its graduate not yet asked: due a month after.
        let recent_end = from_today(-10);
        let recent = Batch::of(&k, "Jadwal Tracer Baru")
            .dates(&from_today(-70), &recent_end)
            .json();
        let recent = id_of(&plan(&c, recent).await);
        let fresh = id_of(&enrol(&c, recent, person(&woman(8701), "Siti Baru")).await);
        record_result(&c, fresh, json!({"result": "kompeten"})).await;
        let recent_end = date(&recent_end);
        assert_eq!(next_due(db, fresh).await, Some(add_months(recent_end, 1)));
        // A batch that ended 400 days ago, its graduate asked after 13 months: done.
        let old_end = from_today(-400);
        let old = Batch::of(&k, "Jadwal Tracer Lama")
            .dates(&from_today(-460), &old_end)
            .json();
        let old = id_of(&plan(&c, old).await);
        let done = id_of(&enrol(&c, old, person(&woman(8702), "Siti Lama")).await);
        record_result(&c, done, json!({"result": "kompeten"})).await;
        let old_end = date(&old_end);
        let asked = add_months(old_end, 13).to_string();
        let (s, body) = c
            .json(
                "POST",
                &format!("/api/v1/enrolments/{done}/outcomes"),
                json!({"status": "bekerja", "date": asked, "employer": "PT Maju"}),
            )
            .await;
        assert_eq!(s, 201, "{body}");
        assert_eq!(next_due(db, done).await, None);

        // Only the ministry changes it; bad schedules are refused beside the field.
        let initial = json!({"months": [1, 6, 12], "version": 1});
        assert_eq!(get_ok(&c, "/api/v1/tracer-schedule").await, initial);
        let (s, body) = c
            .change(
                "PUT",
                "/api/v1/tracer-schedule",
                "/api/v1/tracer-schedule",
                json!({"months": [2, 6]}),
            )
            .await;
        assert_forbidden(s, &body);
        for (bad, code) in [
            (json!([]), "required"),
            (json!([0, 6]), "out_of_range"),
            (json!([6, 61]), "out_of_range"),
            (json!((1..=13).collect::<Vec<i64>>()), "too_many"),
        ] {
            let (s, body) = admin
                .change(
                    "PUT",
                    "/api/v1/tracer-schedule",
                    "/api/v1/tracer-schedule",
                    json!({"months": bad}),
                )
                .await;
            assert_refused(s, &body, "months", code);
        }
        assert_eq!(get_ok(&admin, "/api/v1/tracer-schedule").await, initial);
        assert_eq!(next_due(db, fresh).await, Some(add_months(recent_end, 1)));

        // 2 and 6 months (sorted, repeats dropped): the pending follow-up moves at once.
        let (s, body) = admin
            .change(
                "PUT",
                "/api/v1/tracer-schedule",
                "/api/v1/tracer-schedule",
                json!({"months": [6, 2, 2]}),
            )
            .await;
        assert_eq!(s, 200, "{body}");
        assert_eq!(body, json!({"months": [2, 6], "version": 2}));
        assert_eq!(get_ok(&c, "/api/v1/tracer-schedule").await, body);
        assert_eq!(next_due(db, fresh).await, Some(add_months(recent_end, 2)));
        assert_eq!(next_due(db, done).await, None);
        // A 12-month point long past for the old graduate makes nobody overdue; a 24-month
        // point still ahead is scheduled.
        let (s, body) = admin
            .change(
                "PUT",
                "/api/v1/tracer-schedule",
                "/api/v1/tracer-schedule",
                json!({"months": [2, 6, 12]}),
            )
            .await;
        assert_eq!(s, 200, "{body}");
        assert_eq!(next_due(db, done).await, None);
        let (s, body) = admin
            .change(
                "PUT",
                "/api/v1/tracer-schedule",
                "/api/v1/tracer-schedule",
                json!({"months": [2, 6, 24]}),
            )
            .await;
        assert_eq!(s, 200, "{body}");
        assert_eq!(next_due(db, done).await, Some(add_months(old_end, 24)));
        assert_eq!(next_due(db, fresh).await, Some(add_months(recent_end, 2)));
        // Each change is in the audit trail.
        let changes = count(
            db,
            "SELECT COUNT(*) FROM audit_log WHERE entity = $1",
            "tracer_schedule",
        )
        .await;
        assert_eq!(changes, 3);
    });
}

/// Changes to one batch at once, each in its own transaction (on PostgreSQL they once
/// overlapped): sixteen results recorded together all count in the figures, and two
/// outcomes recorded together leave the later one as the latest.
mod results_recorded_at_once_all_count {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = t.api_as("pengelola").await;
        let k = first_kejuruan(&c).await;
        let centre = t.org_id(DARUL_BAYAN).await;
        let query = format!("centre={centre}&year=2026");
        let before = stats(&c, &query).await["total"].clone();
        let training = Batch::of(&k, "Tata Boga Serentak").past().id(&c).await;
        let mut enrolments = Vec::new();
        for i in 0..16u16 {
            let nik = if i % 2 == 0 {
                woman(7600 + i)
            } else {
                man(7600 + i)
            };
            enrolments.push(id_of(
                &enrol(&c, training, person(&nik, "Peserta Serentak")).await,
            ));
        }
        let tasks: Vec<_> = enrolments
            .iter()
            .map(|e| {
                let c = c.clone();
                let e = *e;
                tokio::spawn(async move {
                    record_result(&c, e, json!({"result": "kompeten"})).await;
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("a result");
        }
        let after = stats(&c, &query).await["total"].clone();
        assert_eq!(
            int_at(&after, "kompeten") - int_at(&before, "kompeten"),
            16,
            "{after}"
        );
        assert_eq!(
            int_at(&after, "trainees") - int_at(&before, "trainees"),
            16,
            "{after}"
        );

        // Two outcomes of one graduate at once: the later date is the latest, whichever
        // was written last.
        let e = enrolments[0];
        let tasks: Vec<_> = [("2026-06-01", "bekerja"), ("2026-04-01", "wirausaha")]
            .into_iter()
            .map(|(day, status)| {
                let c = c.clone();
                tokio::spawn(async move {
                    let (s, body) = c
                        .json(
                            "POST",
                            &format!("/api/v1/enrolments/{e}/outcomes"),
                            json!({"status": status, "date": day, "employer": "PT Maju",
                                "business_name": "Katering Lia"}),
                        )
                        .await;
                    assert_eq!(s, 201, "{body}");
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("an outcome");
        }
        let latest = enrolment_in(&c, training, e).await;
        assert_eq!(latest["latest_status"], "bekerja", "{latest}");
        let figures = stats(&c, &query).await["total"].clone();
        assert_eq!(int_at(&figures, "bekerja") - int_at(&before, "bekerja"), 1);
        assert_eq!(
            int_at(&figures, "wirausaha") - int_at(&before, "wirausaha"),
            0
        );
    });
}

/// A batch closed while trainees are enrolled into it: either a trainee came in first (and
/// the batch, with a trainee lacking a result, is not closed) or the batch closed first
/// (and refuses them); never a closed batch with a trainee without a result.
mod closing_while_enrolling {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let db = t.db();
        let c = t.api_as("pengelola").await;
        let k = first_kejuruan(&c).await;
        let training = Batch::of(&k, "Las Serentak").past().id(&c).await;
        let first = id_of(&enrol(&c, training, person(&woman(7701), "Siti Aminah")).await);
        record_result(&c, first, json!({"result": "kompeten"})).await;
        let browser = t.as_role("pengelola").await;
        let version = count(db, "SELECT version FROM trainings WHERE id = $1", training)
            .await
            .to_string();
        let close = tokio::spawn(async move {
            browser
                .form(
                    &format!("/trainings/{training}/close"),
                    &[("version", version.as_str())],
                )
                .await
        });
        let tasks: Vec<_> = (0..8u16)
            .map(|i| {
                let c = c.clone();
                tokio::spawn(async move {
                    c.json(
                        "POST",
                        &format!("/api/v1/trainings/{training}/enrolments"),
                        person(&man(7710 + i), "Budi Santoso"),
                    )
                    .await
                })
            })
            .collect();
        let closing = close.await.expect("the closing");
        for task in tasks {
            let (s, body) = task.await.expect("an enrolment");
            if s != 201 {
                assert_refused(s, &body, "nik", "batch_closed");
            }
        }
        let without = count(
            db,
            "SELECT COUNT(*) FROM enrolments WHERE training_id = $1 AND result IS NULL",
            training,
        )
        .await;
        let is_closed = count(
            db,
            "SELECT COUNT(*) FROM trainings WHERE id = $1 AND closed_at IS NOT NULL",
            training,
        )
        .await
            == 1;
        if is_closed {
            assert_eq!(closing.status, 303, "{}", closing.text);
            assert!(closing.header("location").contains("done=training_closed"));
            assert_eq!(without, 0, "a closed batch has every result");
        } else {
            assert_eq!(closing.status, 422, "{}", closing.text);
        }
        let (taken, enrolled) = seats(db, training).await;
        assert_eq!(taken, enrolled);
    });
}
