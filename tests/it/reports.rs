//! E-reporting through the JSON API: a report type defined as data, a report that fills
//! itself from the BLKK's records, corrections that need a reason, the workflow (sent,
//! returned with a comment, sent again, verified and locked, reopened with a reason), who
//! may do each step, notifications and their e-mail, and the live compliance figures.
//!
//! Each scenario defines its own report type for Darul Bayan (the demo's monthly reports
//! may change), for last month, so every due date is still ahead whatever day it runs.

use std::time::Duration;

use serde_json::json;
use simandiri::features::reports::period::{Frequency, Period};
use simandiri::kernel::db::{Db, Sql};
use simandiri::kernel::time::today;
use simandiri::seed::demo::DARUL_BAYAN;

use crate::support::{
    Client, Content, assert_refused, create_type, demo_email, field_code, get_ok, int, last_month,
    open, test_type,
};

async fn count(db: &Db, sql: &str, id: i64) -> i64 {
    let (n,): (i64,) = db.fetch_one(Sql::new(sql).arg(id)).await.unwrap();
    n
}

/// Plans a batch at Darul Bayan in `p` (its first to its 20th day), enrols one trainee
/// and records them competent.
async fn one_graduate(c: &Client, p: Period, nik: &str) {
    let start = p.start();
    let end = start + time::Duration::days(19);
    let (s, t) = c
        .json(
            "POST",
            "/api/v1/trainings",
            json!({"kejuruan": "menjahit", "title": "Menjahit Uji Laporan",
                   "start_date": start.to_string(), "end_date": end.to_string(), "hours": 240,
                   "quota": 16, "fee": 0, "funding": "pbk"}),
        )
        .await;
    assert_eq!(s, 201, "{t}");
    let (s, e) = c
        .json(
            "POST",
            &format!("/api/v1/trainings/{}/enrolments", t["id"]),
            json!({"nik": nik, "name": "Siti Laporan", "consent": true}),
        )
        .await;
    assert_eq!(s, 201, "{e}");
    let (s, r) = c
        .json(
            "PUT",
            &format!("/api/v1/enrolments/{}/result", e["id"]),
            json!({"result": "kompeten", "version": e["version"]}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
}

/// The mail to `to` whose subject contains `needle`.
async fn mail_about(mail: &crate::mailbox::Mailbox, to: &str, needle: &str) -> String {
    let started = std::time::Instant::now();
    loop {
        if let Some(m) = mail
            .all()
            .into_iter()
            .find(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(to)) && m.subject.contains(needle))
        {
            return m.text;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no mail to {to} about {needle:?}: {:?}",
            mail.all().iter().map(|m| &m.subject).collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

mod a_report_fills_itself_and_goes_through_its_workflow {
    use super::*;
    crate::on_both!(Content::Demo, |t, mail| {
        let db = t.db();
        let darul = t.org_id(DARUL_BAYAN).await;
        let admin = t.api_as("admin").await;
        let c = t.api_as("pengelola").await;
        let type_id = create_type(&admin, test_type("uji_alur", &[darul])).await;
        let p = last_month();
        let period = p.to_string();

        // Opened once: a draft with the computed figures filled in; opening again finds it.
        let (s, r) = open(&c, type_id, darul, &period).await;
        assert_eq!(s, 201, "{r}");
        let id = int(&r["id"]);
        assert_eq!(r["status"], "draft");
        assert_eq!(r["allowed"]["edit"], true);
        let before = int(&r["computed"]["lulus"]);
        assert_eq!(r["values"]["lulus"], r["computed"]["lulus"], "prefilled");
        let (s, again) = open(&c, type_id, darul, &period).await;
        assert_eq!(s, 200, "{again}");
        assert_eq!(int(&again["id"]), id);
        // A period not yet begun, or of another frequency, is refused.
        let next = Period::containing(Frequency::Bulanan, today())
            .next()
            .to_string();
        let (s, body) = open(&c, type_id, darul, &next).await;
        assert_refused(s, &body, "period", "period_not_begun");
        let (s, body) = open(&c, type_id, darul, &format!("{}-Q1", p.year)).await;
        assert_refused(s, &body, "period", "invalid_period");

        // A graduate recorded now shows in the report at once.
        one_graduate(&c, p, "3601014508990801").await;
        let r = get_ok(&c, &format!("/api/v1/reports/{id}")).await;
        assert_eq!(int(&r["computed"]["lulus"]), before + 1);
        let version = int(&r["version"]);

        // A value differing from the records needs a reason; nothing is saved without it.
        let put = format!("/api/v1/reports/{id}");
        let differing =
            json!({"version": version, "values": {"lulus": before + 3, "sarana": "baik"}});
        let (s, body) = c.json("PUT", &put, differing.clone()).await;
        assert_refused(s, &body, "corrections.lulus", "reason_required");
        let (s, body) = c
            .json(
                "PUT",
                &put,
                json!({"version": version, "values": {"sarana": "rusak", "biaya": -5}}),
            )
            .await;
        assert_refused(s, &body, "values.sarana", "invalid_choice");
        assert_eq!(
            field_code(&body, "values.biaya").as_deref(),
            Some("out_of_range")
        );
        assert_eq!(
            int(&get_ok(&c, &put).await["version"]),
            version,
            "nothing saved"
        );
        let mut explained = differing.clone();
        explained["corrections"] = json!({"lulus": "Dua lulusan dari angkatan gabungan."});
        explained["narrative"] = json!({"activities": "Praktik menjahit seragam."});
        let (s, saved) = c.json("PUT", &put, explained.clone()).await;
        assert_eq!(s, 200, "{saved}");
        assert_eq!(int(&saved["values"]["lulus"]), before + 3);
        assert_eq!(int(&saved["computed"]["lulus"]), before + 1);
        assert_eq!(
            saved["corrections"]["lulus"],
            "Dua lulusan dari angkatan gabungan."
        );
        assert_eq!(
            saved["narrative"]["activities"],
            "Praktik menjahit seragam."
        );
        // A second person saving the same draft is refused, nothing lost.
        let (s, body) = c.json("PUT", &put, explained).await;
        assert_eq!(s, 409, "{body}");
        assert_eq!(int(&get_ok(&c, &put).await["values"]["lulus"]), before + 3);

        // Only its BLKK sends it; others in scope read it.
        let pembina = t.api_as("pembina").await;
        let disnaker = t.api_as("disnaker").await;
        let v = int(&saved["version"]);
        let submit = format!("/api/v1/reports/{id}/submit");
        let (s, _) = pembina.json("POST", &submit, json!({"version": v})).await;
        assert_eq!(s, 403);
        let (s, sent) = c.json("POST", &submit, json!({"version": v})).await;
        assert_eq!(s, 200, "{sent}");
        assert_eq!(sent["status"], "submitted");
        assert_eq!(sent["on_time"], true);
        assert_eq!(sent["allowed"]["edit"], false);
        let (s, body) = c
            .json("PUT", &put, json!({"version": int(&sent["version"])}))
            .await;
        assert_refused(s, &body, "status", "report_locked");
        assert_eq!(get_ok(&pembina, &put).await["allowed"]["verify"], true);
        // The Disnaker of another regency does not see it; the ministry reads but does not
        // take part in the conversation.
        let (s, _) = disnaker.get_json(&put).await;
        assert_eq!(s, 403);
        let (s, _) = admin.get_json(&put).await;
        assert_eq!(s, 200);
        let (s, _) = admin
            .json("POST", &format!("{put}/comments"), json!({"body": "Halo"}))
            .await;
        assert_eq!(s, 403);

        // Returned with a comment (required): the BLKK is told, in the app and by e-mail.
        let v = int(&sent["version"]);
        let back = format!("{put}/return");
        let (s, body) = pembina
            .json("POST", &back, json!({"version": v, "comment": "  "}))
            .await;
        assert_refused(s, &body, "comment", "required");
        let (s, _) = c
            .json("POST", &back, json!({"version": v, "comment": "Sendiri?"}))
            .await;
        assert_eq!(s, 403);
        let (s, returned) = pembina
            .json(
                "POST",
                &back,
                json!({"version": v, "comment": "Lampirkan daftar hadir."}),
            )
            .await;
        assert_eq!(s, 200, "{returned}");
        assert_eq!(returned["status"], "returned");
        let notes = get_ok(&c, "/api/v1/notifications").await;
        assert!(int(&notes["unread"]) >= 1, "{notes}");
        assert_eq!(notes["items"][0]["kind"], "report_returned", "{notes}");
        assert_eq!(notes["items"][0]["entity"], "report", "{notes}");
        assert_eq!(int(&notes["items"][0]["entity_id"]), id);
        assert_eq!(notes["items"][0]["link"], format!("/reports/{id}"));
        let text = mail_about(&mail, &demo_email("pengelola"), "dikembalikan").await;
        assert!(text.contains(&format!("/reports/{id}")), "{text}");

        // Sent again (timeliness kept from the first sending), verified and locked.
        let (s, resent) = c
            .json(
                "POST",
                &submit,
                json!({"version": int(&returned["version"])}),
            )
            .await;
        assert_eq!(s, 200, "{resent}");
        assert_eq!(resent["on_time"], true);
        let verify = format!("{put}/verify");
        let (s, _) = c
            .json("POST", &verify, json!({"version": int(&resent["version"])}))
            .await;
        assert_eq!(s, 403);
        let (s, verified) = pembina
            .json("POST", &verify, json!({"version": int(&resent["version"])}))
            .await;
        assert_eq!(s, 200, "{verified}");
        assert_eq!(verified["status"], "verified");
        assert_eq!(get_ok(&c, &put).await["allowed"]["edit"], false);

        // Reopened only with a reason, by the pembina; the versions sent are kept.
        let reopen = format!("{put}/reopen");
        let v = int(&verified["version"]);
        let (s, _) = c
            .json("POST", &reopen, json!({"version": v, "comment": "Ralat"}))
            .await;
        assert_eq!(s, 403);
        let (s, body) = pembina
            .json("POST", &reopen, json!({"version": v, "comment": ""}))
            .await;
        assert_refused(s, &body, "comment", "required");
        let (s, reopened) = pembina
            .json(
                "POST",
                &reopen,
                json!({"version": v, "comment": "Angka biaya keliru."}),
            )
            .await;
        assert_eq!(s, 200, "{reopened}");
        assert_eq!(reopened["status"], "returned");
        let versions = "SELECT COUNT(*) FROM report_versions WHERE report_id = $1";
        assert_eq!(count(db, versions, id).await, 2);
        let comments = get_ok(&admin, &format!("{put}/comments")).await;
        let bodies: Vec<&str> = comments
            .as_array()
            .unwrap_or_else(|| panic!("{comments}"))
            .iter()
            .filter_map(|c| c["body"].as_str())
            .collect();
        assert_eq!(bodies, ["Lampirkan daftar hadir.", "Angka biaya keliru."]);
        // Every step is in the report's history.
        let steps: Vec<(String,)> = db
            .fetch_all(
                Sql::new(
                    "SELECT action FROM audit_log WHERE entity = 'report' AND entity_id = $1 \
                     ORDER BY id",
                )
                .arg(id),
            )
            .await
            .unwrap();
        let steps: Vec<&str> = steps.iter().map(|(a,)| a.as_str()).collect();
        assert_eq!(
            steps,
            [
                "create", "update", "submit", "return", "submit", "verify", "reopen"
            ]
        );
    });
}

mod compliance_is_live_and_scoped {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let db = t.db();
        let darul = t.org_id(DARUL_BAYAN).await;
        let admin = t.api_as("admin").await;
        let mut body = test_type("uji_kepatuhan", &[]);
        body["audience"] = json!("wilayah");
        body["audience_area"] = json!("36");
        body["indicators"][0]["required"] = json!(false);
        body["indicators"][2]["required"] = json!(false);
        let type_id = create_type(&admin, body).await;
        let period = last_month().to_string();
        let (banten,): (i64,) = db
            .fetch_one(Sql::new(
                "SELECT COUNT(*) FROM centres WHERE province_code = '36' AND status = 'aktif'",
            ))
            .await
            .unwrap();
        assert!(banten > 1, "the demo has several active BLKK in Banten");
        let view = format!("/api/v1/compliance?type={type_id}&period={period}&scope=province:36");
        let before = get_ok(&admin, &view).await;
        assert_eq!(int(&before["expected"]), banten);
        assert_eq!(int(&before["sent"]), 0);
        assert_eq!(int(&before["late_total"]), banten);
        assert_eq!(before["completeness"], 0.0);

        // One report sent: the figures move at once.
        let c = t.api_as("pengelola").await;
        let (s, r) = open(&c, type_id, darul, &period).await;
        assert_eq!(s, 201, "{r}");
        let (s, r) = c
            .json(
                "PUT",
                &format!("/api/v1/reports/{}", r["id"]),
                json!({"version": r["version"], "values": {"biaya": 1_500_000}}),
            )
            .await;
        assert_eq!(s, 200, "{r}");
        let (s, r) = c
            .json(
                "POST",
                &format!("/api/v1/reports/{}/submit", r["id"]),
                json!({"version": r["version"]}),
            )
            .await;
        assert_eq!(s, 200, "{r}");
        let after = get_ok(&admin, &format!("{view}&indicator=biaya")).await;
        assert_eq!(int(&after["sent"]), 1);
        assert_eq!(int(&after["on_time"]), 1);
        assert_eq!(int(&after["late_total"]), banten - 1);
        let late = after["late"]
            .as_array()
            .unwrap_or_else(|| panic!("{after}"));
        assert!(
            late.iter().all(|l| int(&l["centre_id"]) != darul),
            "{after}"
        );
        let trend = after["trend"]
            .as_array()
            .unwrap_or_else(|| panic!("{after}"));
        assert_eq!(trend.len(), 12);
        assert_eq!(trend[11]["period"], period.as_str());
        assert_eq!(int(&trend[11]["sent"]), 1);
        let banten_row = after["provinces"]
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["key"] == "36"))
            .unwrap_or_else(|| panic!("{after}"));
        assert_eq!(int(&banten_row["sent"]), 1);
        assert_eq!(int(&after["indicator"]["total"]), 1_500_000);
        assert_eq!(int(&after["indicator"]["reports"]), 1);
        // Nationally the same: the type only asks Banten.
        let nation = get_ok(
            &admin,
            &format!("/api/v1/compliance?type={type_id}&period={period}"),
        )
        .await;
        assert_eq!(int(&nation["expected"]), banten);
        assert_eq!(int(&nation["sent"]), 1);

        // Each sees their own scope only: the pembina its BLKK, the peserta nothing.
        let pembina = t.api_as("pembina").await;
        let theirs = get_ok(
            &pembina,
            &format!("/api/v1/compliance?type={type_id}&period={period}"),
        )
        .await;
        let (supervised,): (i64,) = db
            .fetch_one(
                Sql::new(
                    "SELECT COUNT(*) FROM centres WHERE province_code = '36' AND status = 'aktif' \
                     AND pembina_id = (SELECT pembina_id FROM centres WHERE org_id = $1)",
                )
                .arg(darul),
            )
            .await
            .unwrap();
        assert_eq!(int(&theirs["expected"]), supervised);
        let (s, _) = t
            .api_as("peserta")
            .await
            .get_json(&format!("/api/v1/compliance?type={type_id}"))
            .await;
        assert_eq!(s, 403);
        for (query, field, code) in [
            (
                format!("type={type_id}&scope=planet:3"),
                "scope",
                "invalid_scope",
            ),
            (
                format!("type={type_id}&period=2026-Q1"),
                "period",
                "invalid_period",
            ),
            ("scope=nation".to_owned(), "type", "required"),
        ] {
            let (s, body) = admin.get_json(&format!("/api/v1/compliance?{query}")).await;
            assert_refused(s, &body, field, code);
        }
    });
}

mod report_types_are_data_checked_field_by_field {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let darul = t.org_id(DARUL_BAYAN).await;
        let admin = t.api_as("admin").await;
        // The demo's two standard types are there.
        let types = get_ok(&admin, "/api/v1/report-types").await;
        let codes: Vec<&str> = types
            .as_array()
            .unwrap_or_else(|| panic!("{types}"))
            .iter()
            .filter_map(|t| t["code"].as_str())
            .collect();
        assert_eq!(codes, ["kegiatan_bulanan", "kemandirian_semester"]);
        // Only the ministry defines them.
        let (s, _) = t
            .api_as("pembina")
            .await
            .json(
                "POST",
                "/api/v1/report-types",
                test_type("uji_lain", &[darul]),
            )
            .await;
        assert_eq!(s, 403);
        let mut bad = test_type("Uji Salah!", &[999_999_999]);
        bad["indicators"][1]["code"] = json!("lulus");
        bad["indicators"][3]["source"] = json!("trainees");
        let (s, body) = admin.json("POST", "/api/v1/report-types", bad).await;
        assert_refused(s, &body, "code", "invalid_code");
        assert_eq!(
            field_code(&body, "indicators.1.code").as_deref(),
            Some("duplicate")
        );
        assert_eq!(
            field_code(&body, "indicators.3.source").as_deref(),
            Some("source_kind")
        );
        let (s, body) = admin
            .json(
                "POST",
                "/api/v1/report-types",
                test_type("uji_daftar", &[999_999_999]),
            )
            .await;
        assert_refused(s, &body, "audience_centres", "invalid_choice");
        let (s, body) = admin
            .json(
                "POST",
                "/api/v1/report-types",
                test_type("kegiatan_bulanan", &[darul]),
            )
            .await;
        assert_refused(s, &body, "code", "duplicate");
        let n = get_ok(&admin, "/api/v1/report-types").await;
        assert_eq!(n.as_array().map(Vec::len), Some(2), "nothing saved");
    });
}

mod reminders_are_sent_once {
    use super::*;
    use simandiri::features::reports::reminders::service::remind;

    /// The kinds of the pengelola's notifications about the test types ("Laporan uji ...").
    async fn reminders(c: &Client) -> Vec<String> {
        let notes = get_ok(c, "/api/v1/notifications").await;
        let mut kinds: Vec<String> = notes["items"]
            .as_array()
            .unwrap_or_else(|| panic!("{notes}"))
            .iter()
            .filter(|n| {
                n["text"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("Laporan uji"))
            })
            .filter_map(|n| n["kind"].as_str().map(str::to_owned))
            .collect();
        kinds.sort();
        kinds
    }

    crate::on_both!(Content::Demo, |t| {
        let db = t.db();
        let darul = t.org_id(DARUL_BAYAN).await;
        let admin = t.api_as("admin").await;
        let p = last_month();
        let since_end = (today() - p.end()).whole_days();
        // Last month's report falls due in two days for one type, and was due yesterday for
        // another (late reports still taken for three days). The grace days are short enough
        // that the month before has closed for both, whatever day this runs.
        let mut soon = test_type("uji_pengingat", &[darul]);
        soon["due_day"] = json!(since_end + 2);
        soon["grace_days"] = json!(0);
        create_type(&admin, soon).await;
        let mut late = test_type("uji_terlambat", &[darul]);
        late["due_day"] = json!(since_end - 1);
        late["grace_days"] = json!(3);
        create_type(&admin, late).await;

        let c = t.api_as("pengelola").await;
        assert!(reminders(&c).await.is_empty());
        let mails =
            "SELECT COUNT(*) FROM mail_jobs WHERE subject LIKE '%Laporan uji%' AND to_addr = $1";
        let to = demo_email("pengelola");
        remind(db).await.unwrap();
        assert_eq!(reminders(&c).await, ["report_due_soon", "report_overdue"]);
        let (n,): (i64,) = db
            .fetch_one(Sql::new(mails).arg(to.as_str()))
            .await
            .unwrap();
        assert_eq!(n, 2, "each reminder also goes by e-mail");
        // Running again tells nobody twice.
        remind(db).await.unwrap();
        assert_eq!(reminders(&c).await, ["report_due_soon", "report_overdue"]);
        let (n,): (i64,) = db
            .fetch_one(Sql::new(mails).arg(to.as_str()))
            .await
            .unwrap();
        assert_eq!(n, 2);

        // The header shows the unread count; marking read empties it.
        let page = t.as_role("pengelola").await;
        let list = page.get("/notifications").await;
        assert!(list.text.contains("class=\"badge\""), "{}", list.text);
        let read = page.form("/notifications/read", &[]).await;
        assert_eq!(read.status, 303, "{}", read.text);
        let unread = get_ok(&c, "/api/v1/notifications").await;
        assert_eq!(int(&unread["unread"]), 0, "{unread}");
    });
}
