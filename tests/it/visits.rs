//! Monitoring visits through the API and the pages: the demo's visit of 11 September 2024;
//! a pembina plans and records a visit (answers checked against the instrument, which is
//! data), findings with photos (images only) and actions (not due before the visit); the
//! BLKK answers with evidence, the pembina closes; open and overdue actions on both sides.

use serde_json::json;
use simandiri::kernel::db::Sql;
use simandiri::kernel::time::today;
use simandiri::seed::demo::DARUL_BAYAN;

use crate::support::{Content, Kind, TestApp};
use crate::support::{assert_refused, field_code, get_ok, int};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\0\x01\0\0\x05\0\x01\r\n-\xb4\0\0\0\0IEND\xaeB`\x82";

async fn scenario(kind: Kind) {
    let dir =
        std::env::temp_dir().join(format!("simandiri-visits-{}-{kind:?}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let config = simandiri::kernel::web::WebConfig {
        files: simandiri::kernel::files::Files::open(dir.to_str().unwrap()).unwrap(),
        ..Default::default()
    };
    let Some(t) = TestApp::with(kind, Content::Demo, config).await else {
        return;
    };
    let db = t.db();
    let darul = t.org_id(DARUL_BAYAN).await;
    let pembina = t.api_as("pembina").await;
    let c = t.api_as("pengelola").await;

    // Seed 000: BBPVP Serang visited Darul Bayan on 11 September 2024 about its aid.
    let list = get_ok(&pembina, &format!("/api/v1/visits?centre={darul}")).await;
    let demo = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["planned_date"] == "2024-09-11")
        .unwrap_or_else(|| panic!("the demo visit in {list}"));
    assert_eq!(demo["status"], "selesai");
    assert_eq!(demo["pembina_name"], "BBPVP Serang");
    assert!(demo["aid_program_name"].as_str().unwrap().contains("2024"));
    assert_eq!(demo["answers"]["instruktur_kompeten"], 4);
    // Its action was due 11 October 2024 and is still open: overdue on both sides.
    let overdue = get_ok(&c, "/api/v1/actions?overdue=true").await;
    assert!(
        overdue["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["due_date"] == "2024-10-11"),
        "{overdue}"
    );

    // Only its pembina plans a visit to a BLKK.
    let day = today().to_string();
    let body = json!({"centre_id": darul, "planned_date": day, "purpose": "Monev triwulan"});
    let (s, _) = c.json("POST", "/api/v1/visits", body.clone()).await;
    assert_eq!(s, 403);
    let (s, v) = pembina.json("POST", "/api/v1/visits", body).await;
    assert_eq!(s, 201, "{v}");
    let id = int(&v["id"]);
    assert_eq!(v["status"], "rencana");
    let path = format!("/api/v1/visits/{id}");

    // Answers follow the instrument; a visit done has a date.
    let (s, body) = pembina
        .patch(
            &path,
            json!({"answers": {"instruktur_kompeten": 9, "warna": "biru"}, "status": "selesai"}),
        )
        .await;
    assert_refused(s, &body, "answers.instruktur_kompeten", "out_of_range");
    assert_eq!(
        field_code(&body, "answers.warna").as_deref(),
        Some("unknown_question")
    );
    assert_eq!(
        field_code(&body, "visited_date").as_deref(),
        Some("required")
    );
    let (s, done) = pembina
        .json(
            "PATCH",
            &path,
            json!({"version": 1, "visited_date": day, "status": "selesai",
                "answers": {"sarana_sesuai": "ya", "instruktur_kompeten": 5}}),
        )
        .await;
    assert_eq!(s, 200, "{done}");
    assert_eq!(done["answers"]["instruktur_kompeten"], 5);
    let (s, _) = c.patch(&path, json!({"summary": "diubah BLKK"})).await;
    assert_eq!(s, 403);

    // A finding whose action falls due before the visit: refused, nothing saved.
    let findings = |db: &simandiri::kernel::db::Db| {
        let db = db.clone();
        async move {
            let (n,): (i64,) = db
                .fetch_one(
                    Sql::new("SELECT COUNT(*) FROM visit_findings WHERE visit_id = $1").arg(id),
                )
                .await
                .unwrap();
            n
        }
    };
    let yesterday = (today() - time::Duration::days(1)).to_string();
    let (s, body) = pembina
        .json(
            "POST",
            &format!("{path}/findings"),
            json!({"text": "Mesin jahit rusak", "severity": "tinggi",
                "actions": [{"text": "Perbaiki mesin", "owner": "Kepala BLKK", "due_date": yesterday}]}),
        )
        .await;
    assert_refused(s, &body, "actions.0.due_date", "due_before_visit");
    assert_eq!(findings(db).await, 0);
    let due = (today() + time::Duration::days(30)).to_string();
    let (s, f) = pembina
        .json(
            "POST",
            &format!("{path}/findings"),
            json!({"text": "Mesin jahit rusak", "severity": "tinggi",
                "actions": [{"text": "Perbaiki mesin", "owner": "Kepala BLKK", "due_date": due}]}),
        )
        .await;
    assert_eq!(s, 201, "{f}");
    assert_eq!(findings(db).await, 1);
    let fid = int(&f["id"]);
    let aid = int(&f["actions"][0]["id"]);

    // Photos are images.
    let res = pembina
        .upload(
            &format!("/api/v1/findings/{fid}/attachments"),
            &[],
            "foto.pdf",
            b"%PDF-1.4\n%\xe2\xe3\n".to_vec(),
        )
        .await;
    assert_refused(res.status, &res.json(), "file", "not_an_image");
    let res = pembina
        .upload(
            &format!("/api/v1/findings/{fid}/attachments"),
            &[],
            "mesin.png",
            PNG.to_vec(),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);

    // The BLKK answers with evidence; only the pembina closes.
    let apath = format!("/api/v1/actions/{aid}");
    let (s, answered) = c
        .json(
            "PATCH",
            &apath,
            json!({"version": 1, "response": "Mesin sudah diservis."}),
        )
        .await;
    assert_eq!(s, 200, "{answered}");
    assert_eq!(answered["status"], "dijawab");
    let res = c
        .upload(
            &format!("{apath}/attachments"),
            &[],
            "nota-servis.pdf",
            b"%PDF-1.4\n%\xe2\xe3\n".to_vec(),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let (s, _) = c
        .json("PATCH", &apath, json!({"version": 2, "status": "selesai"}))
        .await;
    assert_eq!(s, 403);
    let open_before = int(&get_ok(&pembina, "/api/v1/actions").await["total"]);
    let (s, closed) = pembina
        .json("PATCH", &apath, json!({"version": 2, "status": "selesai"}))
        .await;
    assert_eq!(s, 200, "{closed}");
    assert_eq!(closed["status"], "selesai");
    let open_after = int(&get_ok(&pembina, "/api/v1/actions").await["total"]);
    assert_eq!(open_after, open_before - 1);
    let shown = get_ok(&c, &format!("/api/v1/actions/{aid}")).await;
    assert_eq!(shown["evidence"][0]["name"], "nota-servis.pdf");
    // A partner company sees no visits.
    let (s, _) = t.api_as("mitra").await.get_json(&path).await;
    assert_eq!(s, 403);

    // The page: the instrument on a phone-sized form; a finding refused beside its field.
    let browser = t.as_role("pembina").await;
    let page = browser.get(&format!("/visits/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("name=\"answers.instruktur_kompeten\""));
    let res = browser
        .form(
            &format!("/visits/{id}/findings"),
            &[
                ("text", "Atap bocor"),
                ("severity", "sedang"),
                ("actions.0.text", "Perbaiki atap"),
                ("actions.0.owner", "Pengelola"),
                ("actions.0.due_date", yesterday.as_str()),
            ],
        )
        .await;
    assert_eq!(res.status, 422, "{}", res.text);
    assert!(
        res.text
            .contains("Batas waktu tidak boleh sebelum tanggal kunjungan")
    );
    assert!(res.text.contains("Atap bocor"));
    let csv = browser.get("/visits/actions/export?format=csv").await;
    assert_eq!(csv.status, 200);
    assert!(csv.text.contains("Lengkapi daftar hadir"), "{}", csv.text);
    let listing = browser.get("/visits").await;
    assert!(listing.text.contains("Rencanakan kunjungan"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn sqlite() {
    scenario(Kind::Sqlite).await;
}

#[tokio::test]
async fn postgres() {
    scenario(Kind::Postgres).await;
}
