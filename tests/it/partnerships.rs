//! Partnerships through the API and the pages: a BLKK records an agreement (bad input named
//! beside each field, nothing saved), others in scope read it, the partner's user sees and
//! confirms it, a change of value asks for confirmation again, what came of it is counted
//! from the records, a forum's agreement is for its own members, the reminders before the
//! end are sent once, and the signed document is kept.

use serde_json::{Value, json};
use simandiri::kernel::db::{Db, Sql};
use simandiri::kernel::time::today;
use simandiri::seed::demo::{DARUL_BAYAN, FK_TANGERANG, MES};
use time::Duration;

use crate::support::{Content, Kind, TestApp};
use crate::support::{assert_refused, field_code, get_ok, int};

async fn count(db: &Db) -> i64 {
    let (n,): (i64,) = db
        .fetch_one(Sql::new("SELECT COUNT(*) FROM partnerships"))
        .await
        .unwrap();
    n
}

fn day(offset: i64) -> String {
    (today() + Duration::days(offset)).to_string()
}

fn agreement(partner: i64, start: &str, end: &str) -> Value {
    json!({
        "partner_id": partner,
        "title": "Penempatan lulusan menjahit",
        "document": "pks",
        "doc_no": "PKS/07/2026",
        "coverage": ["penempatan", "pendanaan"],
        "start_date": start,
        "end_date": end,
        "value_rupiah": 25000000,
        "status": "aktif",
    })
}

mod agreements_through_the_api {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let db = t.db();
        let darul = t.org_id(DARUL_BAYAN).await;
        let mes = t.org_id(MES).await;
        let forum_id = t.org_id(FK_TANGERANG).await;
        let c = t.api_as("pengelola").await;

        // The demo's agreements: the BLKK sees its own, the partner its own.
        let mine = get_ok(&c, "/api/v1/partnerships").await;
        assert_eq!(int(&mine["total"]), 1, "{mine}");
        assert_eq!(mine["items"][0]["partner_name"], MES);
        let mitra = t.api_as("mitra").await;
        let theirs = get_ok(&mitra, "/api/v1/partnerships").await;
        assert_eq!(int(&theirs["total"]), 1, "{theirs}");

        // Bad input: each field named, nothing saved.
        let before = count(db).await;
        let mut bad = agreement(mes, &day(0), &day(-1));
        bad["value_rupiah"] = json!(100_000_000_001i64);
        bad["in_kind_rupiah"] = json!(-1);
        bad["coverage"] = json!([]);
        let (s, body) = c.json("POST", "/api/v1/partnerships", bad).await;
        assert_refused(s, &body, "end_date", "end_before_start");
        assert_eq!(
            field_code(&body, "value_rupiah").as_deref(),
            Some("out_of_range")
        );
        assert_eq!(
            field_code(&body, "in_kind_rupiah").as_deref(),
            Some("out_of_range")
        );
        assert_eq!(field_code(&body, "coverage").as_deref(), Some("required"));
        let (s, body) = c
            .json(
                "POST",
                "/api/v1/partnerships",
                agreement(darul, &day(0), &day(30)),
            )
            .await;
        assert_refused(s, &body, "partner_id", "invalid_choice");
        let (s, body) = c
            .json(
                "POST",
                "/api/v1/partnerships",
                agreement(999_999, &day(0), &day(30)),
            )
            .await;
        assert_refused(s, &body, "partner_id", "not_found");
        assert_eq!(count(db).await, before, "nothing saved");

        // Recorded: the BLKK takes part in its own agreement.
        let (s, p) = c
            .json(
                "POST",
                "/api/v1/partnerships",
                agreement(mes, &day(-30), &day(700)),
            )
            .await;
        assert_eq!(s, 201, "{p}");
        let id = int(&p["id"]);
        assert_eq!(p["member_ids"], json!([darul]));
        assert_eq!(p["holder_kind"], "blkk");
        assert_eq!(p["coverage"], json!(["pendanaan", "penempatan"]));
        assert_eq!(p["confirmed_at"], Value::Null);
        let path = format!("/api/v1/partnerships/{id}");

        // Its pembina reads it and may not change it; the partner reads and confirms it.
        let pembina = t.api_as("pembina").await;
        let shown = get_ok(&pembina, &path).await;
        assert_eq!(shown["allowed"]["edit"], false);
        let (s, _) = pembina.patch(&path, json!({"title": "Diubah"})).await;
        assert_eq!(s, 403);
        let (s, _) = c
            .json("POST", &format!("{path}/confirm"), json!({"version": 1}))
            .await;
        assert_eq!(s, 403, "only the partner confirms");
        let seen = get_ok(&mitra, &path).await;
        assert_eq!(seen["allowed"]["confirm"], true);
        let (s, confirmed) = mitra
            .json("POST", &format!("{path}/confirm"), json!({"version": 1}))
            .await;
        assert_eq!(s, 200, "{confirmed}");
        assert!(confirmed["confirmed_at"].is_string());
        assert_eq!(confirmed["confirmed_by_name"], "Demo mitra");

        // Someone else's version is refused; a new value asks the partner again.
        let (s, _) = c
            .json(
                "PATCH",
                &path,
                json!({"version": 1, "value_rupiah": 30000000}),
            )
            .await;
        assert_eq!(s, 409);
        let v = int(&confirmed["version"]);
        let (s, changed) = c
            .json(
                "PATCH",
                &path,
                json!({"version": v, "value_rupiah": 30000000}),
            )
            .await;
        assert_eq!(s, 200, "{changed}");
        assert_eq!(int(&changed["value_rupiah"]), 30_000_000);
        assert_eq!(changed["confirmed_at"], Value::Null);
        // Confirmed again.
        let (s, _) = mitra
            .json(
                "POST",
                &format!("{path}/confirm"),
                json!({"version": int(&changed["version"])}),
            )
            .await;
        assert_eq!(s, 200);

        // What came of it: a batch the partner funds at the BLKK while it runs.
        let (s, k) = c.get_json("/api/v1/kejuruan").await;
        assert_eq!(s, 200);
        let (s, batch) = c
            .json(
                "POST",
                "/api/v1/trainings",
                json!({"kejuruan": k[0]["code"], "title": "Menjahit untuk mitra",
                    "start_date": day(10), "end_date": day(40), "hours": 240, "quota": 16,
                    "fee": 0, "funding": "mitra", "partner_id": mes}),
            )
            .await;
        assert_eq!(s, 201, "{batch}");
        let shown = get_ok(&c, &path).await;
        assert_eq!(int(&shown["realisation"]["trainings"]), 1, "{shown}");
        assert_eq!(int(&shown["realisation"]["placed"]), 0);

        // Every step is in the audit trail.
        let (n,): (i64,) = db
            .fetch_one(
                Sql::new(
                    "SELECT COUNT(*) FROM audit_log WHERE entity = 'partnership' \
                     AND entity_id = $1 AND action IN ('create', 'update', 'confirm')",
                )
                .arg(id),
            )
            .await
            .unwrap();
        assert_eq!(n, 4);

        // A forum's agreement is for its own members only.
        let forum = t.api_as("forum").await;
        let (s, members) = forum
            .get_json(&format!("/api/v1/partnerships?centre={darul}"))
            .await;
        assert_eq!(s, 200, "{members}");
        let mut body = agreement(mes, &day(0), &day(300));
        body["member_ids"] = json!([darul]);
        let (s, refused) = forum
            .json("POST", "/api/v1/partnerships", body.clone())
            .await;
        assert_refused(s, &refused, "member_ids", "not_a_member");
        let (m,): (i64,) = db
            .fetch_one(
                Sql::new("SELECT centre_id FROM forum_members WHERE forum_id = $1 LIMIT 1")
                    .arg(forum_id),
            )
            .await
            .unwrap();
        body["member_ids"] = json!([m]);
        let (s, held) = forum.json("POST", "/api/v1/partnerships", body).await;
        assert_eq!(s, 201, "{held}");
        assert_eq!(held["holder_kind"], "forum");
        assert_eq!(held["member_ids"], json!([m]));
        // The BLKK's manager cannot record an agreement for a forum.
        let mut body = agreement(mes, &day(0), &day(300));
        body["holder_id"] = json!(forum_id);
        let (s, _) = c.json("POST", "/api/v1/partnerships", body).await;
        assert_eq!(s, 403);

        // Not seen outside its scope: another BLKK's agreement is 404 to this manager.
        let other = int(&held["id"]);
        let (s, _) = c.get_json(&format!("/api/v1/partnerships/{other}")).await;
        assert_eq!(s, 404);
    });
}

mod reminders_before_the_end {
    use super::*;
    crate::on_both!(Content::Demo, |t, mail| {
        let db = t.db();
        let c = t.api_as("pengelola").await;
        let mes = t.org_id(MES).await;
        let (s, p) = c
            .json(
                "POST",
                "/api/v1/partnerships",
                agreement(mes, &day(-300), &day(20)),
            )
            .await;
        assert_eq!(s, 201, "{p}");
        let id = int(&p["id"]);
        // Reminded once (the server's own worker may have run it already), also when
        // asked again.
        let remind = || simandiri::features::partnerships::service::remind(db);
        remind().await.unwrap();
        assert_eq!(remind().await.unwrap(), 0, "once");
        let link = format!("/partnerships/{id}");
        let list = get_ok(&c, "/api/v1/notifications").await;
        let found: Vec<&Value> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["link"] == link.as_str())
            .collect();
        assert_eq!(found.len(), 1, "one reminder linking {link}: {list}");
        assert_eq!(found[0]["kind"], "partnership_ending");
        assert!(
            found[0]["text"]
                .as_str()
                .unwrap()
                .contains("Penempatan lulusan menjahit")
        );
        // The demo's own agreement ends in 45 days: its 60-day reminder was sent too.
        let all = list["items"].as_array().unwrap();
        assert_eq!(
            all.iter()
                .filter(|n| n["kind"] == "partnership_ending")
                .count(),
            2,
            "{list}"
        );
        // And by e-mail.
        let to = crate::support::demo_email("pengelola");
        let started = std::time::Instant::now();
        while !mail.all().iter().any(|m| {
            m.to.iter().any(|x| x.eq_ignore_ascii_case(&to))
                && m.subject.contains("Penempatan lulusan menjahit")
        }) {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(30),
                "no reminder mail"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    });
}

mod on_the_pages {
    use super::*;

    async fn scenario(kind: Kind) {
        let dir = std::env::temp_dir().join(format!(
            "simandiri-partnership-page-{}-{kind:?}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let config = simandiri::kernel::web::WebConfig {
            files: simandiri::kernel::files::Files::open(dir.to_str().unwrap()).unwrap(),
            ..Default::default()
        };
        let Some(t) = TestApp::with(kind, Content::Demo, config).await else {
            return;
        };
        let mes = t.org_id(MES).await;
        let browser = t.as_role("pengelola").await;
        let form = browser.get("/partnerships/new").await;
        assert_eq!(form.status, 200);
        assert!(form.text.contains("name=\"coverage\""));
        // A wrong date order: the form again, the message beside the field, typing kept.
        let mes_text = mes.to_string();
        let (start, before) = (day(0), day(-1));
        let fields = [
            ("holder_id", ""),
            ("version", ""),
            ("partner_id", mes_text.as_str()),
            ("title", "Magang santri di MES"),
            ("document", "mou"),
            ("doc_no", ""),
            ("coverage", ""),
            ("coverage", "magang"),
            ("start_date", start.as_str()),
            ("end_date", before.as_str()),
            ("value_rupiah", "Rp 5.000.000"),
            ("in_kind_rupiah", "0"),
            ("in_kind_note", ""),
            ("status", "aktif"),
        ];
        let res = browser.form("/partnerships", &fields).await;
        assert_eq!(res.status, 422, "{}", res.text);
        assert!(res.text.contains("id=\"end_date-error\""), "{}", res.text);
        assert!(res.text.contains("Magang santri di MES"));
        assert!(res.text.contains("Rp 5.000.000"));
        // Corrected: saved and confirmed.
        let after = day(365);
        let mut good = fields.to_vec();
        good[9] = ("end_date", after.as_str());
        let res = browser.form("/partnerships", &good).await;
        assert_eq!(res.status, 303, "{}", res.text);
        let to = res.header("location").to_owned();
        let page = browser.get(&to).await;
        assert!(page.text.contains("Kerja sama tersimpan."), "{}", page.text);
        assert!(page.text.contains("Rp 5.000.000"));
        let id: i64 = to
            .trim_start_matches("/partnerships/")
            .split('?')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        // The list as a spreadsheet.
        let csv = browser.get("/partnerships/export?format=csv").await;
        assert_eq!(csv.status, 200);
        assert!(csv.text.contains("Magang santri di MES"), "{}", csv.text);
        // The signed document: a PDF kept, shown to the partner.
        let res = browser
            .upload(
                &format!("/partnerships/{id}/attachments"),
                &[],
                "pks-mes.pdf",
                b"%PDF-1.4\n%\xe2\xe3\n".to_vec(),
            )
            .await;
        assert_eq!(res.status, 303, "{}", res.text);
        let partner = t.as_role("mitra").await;
        let page = partner.get(&format!("/partnerships/{id}")).await;
        assert!(page.text.contains("pks-mes.pdf"));
        assert!(
            page.text
                .contains(&format!("action=\"/partnerships/{id}/confirm\""))
        );
        let version =
            crate::support::hidden_fields(&page.text, &format!("/partnerships/{id}/confirm"));
        let version: Vec<(&str, &str)> = version
            .iter()
            .filter(|(k, _)| k == "version")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let res = partner
            .form(&format!("/partnerships/{id}/confirm"), &version)
            .await;
        assert_eq!(res.status, 303, "{}", res.text);
        let page = partner.get(res.header("location")).await;
        assert!(
            page.text.contains("Kerja sama dikonfirmasi."),
            "{}",
            page.text
        );
        let aid = int(&get_ok(
            &t.api_as("mitra").await,
            &format!("/api/v1/partnerships/{id}"),
        )
        .await["attachments"][0]["id"]);
        let file = partner
            .get(&format!("/partnerships/{id}/attachments/{aid}"))
            .await;
        assert_eq!(file.status, 200);
        assert_eq!(file.header("content-type"), "application/pdf");
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
}
