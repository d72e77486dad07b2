//! Training pages: planning a batch and enrolling through the forms (refusals keep the
//! typing and say what is wrong beside the field), the printable report and participant
//! file by role, the public sign-up form, and a trainee's own page.

use simandiri::kernel::db::Sql;
use simandiri::seed::demo::DARUL_BAYAN;

use crate::support::{Content, TestApp};

/// Plans a past batch at Darul Bayan through the form; returns its id.
async fn plan(t: &TestApp, title: &str) -> i64 {
    let c = t.as_role("pengelola").await;
    let r = c
        .form(
            "/trainings",
            &[
                ("title", title),
                ("kejuruan", "menjahit"),
                ("start_date", "2026-01-05"),
                ("end_date", "2026-02-27"),
                ("hours", "240"),
                ("quota", "16"),
                ("fee", "Rp 0"),
                ("funding", "pbk"),
                ("open_to_public", "true"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let (id,): (i64,) = t
        .db()
        .fetch_one(Sql::new("SELECT id FROM trainings WHERE title = $1").arg(title))
        .await
        .unwrap();
    assert_eq!(
        r.header("location"),
        format!("/trainings/{id}?done=training_saved")
    );
    id
}

mod planning_and_enrolling_through_the_forms {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = t.as_role("pengelola").await;
        // End before start: refused beside the field, the typing kept, nothing saved.
        let r = c
            .form(
                "/trainings",
                &[
                    ("title", "Menjahit Dasar Uji"),
                    ("kejuruan", "menjahit"),
                    ("start_date", "2026-03-10"),
                    ("end_date", "2026-03-01"),
                    ("hours", "240"),
                    ("quota", "16"),
                    ("funding", "pbk"),
                ],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(
            r.text
                .contains("Tanggal selesai tidak boleh sebelum tanggal mulai.")
        );
        assert!(r.text.contains("value=\"Menjahit Dasar Uji\""));
        let (n,): (i64,) = t
            .db()
            .fetch_one(Sql::new(
                "SELECT COUNT(*) FROM trainings WHERE title = 'Menjahit Dasar Uji'",
            ))
            .await
            .unwrap();
        assert_eq!(n, 0);

        let id = plan(&t, "Menjahit Dasar Uji").await;
        let page = c.get(&format!("/trainings/{id}?done=training_saved")).await;
        assert!(page.text.contains("Pelatihan tersimpan."));
        // An invalid NIK: the message beside the field, the name kept.
        let r = c
            .form(
                &format!("/trainings/{id}/enrolments"),
                &[
                    ("nik", "3601014508990"),
                    ("name", "Siti Aminah"),
                    ("consent", "true"),
                ],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(r.text.contains("NIK harus 16 angka."));
        assert!(r.text.contains("value=\"Siti Aminah\""));
        let r = c
            .form(
                &format!("/trainings/{id}/enrolments"),
                &[
                    ("nik", "3601014508998801"),
                    ("name", "Siti Aminah"),
                    ("consent", "true"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.text);
        let page = c.get(&format!("/trainings/{id}")).await;
        // Her BLKK's manager sees her NIK in full; the pembina sees it masked.
        assert!(page.text.contains("3601014508998801"));
        let pembina = t.as_role("pembina").await;
        let page = pembina.get(&format!("/trainings/{id}")).await;
        assert_eq!(page.status, 200);
        assert!(page.text.contains("3601********8801"));
        assert!(!page.text.contains("3601014508998801"));
        let csv = pembina
            .get(&format!("/trainings/{id}/participants/export?format=csv"))
            .await;
        assert_eq!(csv.status, 200);
        assert!(csv.text.contains("3601********8801"));
        assert!(!csv.text.contains("3601014508998801"));
        assert!(!csv.text.contains("+6281234"));
    });
}

mod the_batch_report_is_a_printable_pdf {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let id = plan(&t, "Tata Rias Laporan").await;
        let c = t.as_role("pengelola").await;
        let r = c.get(&format!("/trainings/{id}/report.pdf")).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-type"), "application/pdf");
        assert!(r.text.starts_with("%PDF-"));
        assert!(r.text.contains("Halaman 1 dari 1"));
        // Outside the disnaker's scope (Tangerang), refused.
        let d = t.as_role("disnaker").await;
        assert_eq!(
            d.get(&format!("/trainings/{id}/report.pdf")).await.status,
            403
        );
    });
}

mod the_public_applies_through_the_form {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let centre = t.org_id(DARUL_BAYAN).await;
        let start = time::OffsetDateTime::now_utc().date() + time::Duration::days(40);
        let end = start + time::Duration::days(30);
        let api = t.api_as("pengelola").await;
        let (status, body) = api
            .json(
                "POST",
                "/api/v1/trainings",
                serde_json::json!({"kejuruan": "menjahit", "title": "Bordir Terbuka",
                    "start_date": start.to_string(), "end_date": end.to_string(), "hours": 160,
                    "quota": 16, "fee": 0, "funding": "swadaya", "centre_id": centre}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        let id = body["id"].as_i64().unwrap();
        let visitor = t.anonymous().await;
        let list = visitor.get("/pelatihan?province=36").await;
        assert!(list.text.contains("Bordir Terbuka"));
        // No consent: refused beside the box, the typing kept.
        let fields = [
            ("nik", "3601014508998901"),
            ("name", "Nurul Hidayah"),
            ("phone", "0812 1111 2222"),
        ];
        let r = visitor.form(&format!("/pelatihan/{id}"), &fields).await;
        assert_eq!(r.status, 422);
        assert!(
            r.text
                .contains("Persetujuan pengolahan data pribadi diperlukan.")
        );
        assert!(r.text.contains("value=\"Nurul Hidayah\""));
        let mut with_consent = fields.to_vec();
        with_consent.push(("consent", "true"));
        let r = visitor
            .form(&format!("/pelatihan/{id}"), &with_consent)
            .await;
        assert_eq!(r.status, 303);
        assert_eq!(r.header("location"), format!("/pelatihan/{id}?applied=1"));
        let (n,): (i64,) = t
            .db()
            .fetch_one(
                Sql::new(
                    "SELECT COUNT(*) FROM applications a JOIN consents c ON c.person_id = a.person_id \
                     WHERE a.training_id = $1 AND c.purpose = 'pendaftaran'",
                )
                .arg(id),
            )
            .await
            .unwrap();
        assert_eq!(n, 1);
    });
}

mod a_trainee_sees_their_data_and_who_looked {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let me = t.as_role("peserta").await;
        let page = me.get("/me/trainings").await;
        assert_eq!(page.status, 200);
        assert!(page.text.contains("Kompeten"));
        assert!(
            page.text
                .contains("Belum ada yang melihat data pribadi Anda.")
        );
        // Their BLKK's manager opens the batch: the trainee sees it in their log.
        let (training,): (i64,) = t
            .db()
            .fetch_one(Sql::new(
                "SELECT e.training_id FROM enrolments e JOIN persons p ON p.id = e.person_id \
                 JOIN users u ON u.id = p.user_id WHERE u.email = 'peserta@demo.simandiri.test'",
            ))
            .await
            .unwrap();
        let manager = t.as_role("pengelola").await;
        assert_eq!(
            manager.get(&format!("/trainings/{training}")).await.status,
            200
        );
        let page = me.get("/me/trainings").await;
        assert!(page.text.contains("Demo pengelola"));
        let file = me.get("/me/data.json").await;
        assert_eq!(file.status, 200);
        assert_eq!(file.json()["access_log"][0]["action"], "view");
        // Erasure anonymises the person and closes the account.
        let r = me.form("/me/erase", &[("confirm", "hapus")]).await;
        assert_eq!(r.status, 303);
        let (nik, name): (Option<String>, String) = t
            .db()
            .fetch_one(
                Sql::new(
                    "SELECT p.nik, p.name FROM persons p JOIN enrolments e ON e.person_id = p.id \
                     WHERE e.training_id = $1 AND p.erased_at IS NOT NULL",
                )
                .arg(training),
            )
            .await
            .unwrap();
        assert_eq!(nik, None);
        assert!(name.starts_with("(dihapus P"), "{name}");
        assert_eq!(me.get("/me/trainings").await.status, 303);
    });
}

mod the_tracer_schedule_page {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        // A BLKK sees the schedule, without the form.
        let c = t.as_role("pengelola").await;
        let r = c.get("/trainings/schedule").await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert!(
            r.text.contains("1, 6, 12 bulan setelah selesai"),
            "{}",
            r.text
        );
        assert!(!r.text.contains("name=\"months\""), "{}", r.text);
        let r = c.form("/trainings/schedule", &[("months", "2, 6")]).await;
        assert_eq!(r.status, 403, "{}", r.text);

        let admin = t.as_role("admin").await;
        // Not numbers: refused beside the field, the typing kept, nothing changed.
        let r = admin
            .form_on("/trainings/schedule", &[("months", "1, enam, 12")])
            .await;
        assert_eq!(r.status, 422, "{}", r.text);
        assert!(r.text.contains("Harus berupa angka."), "{}", r.text);
        assert!(r.text.contains("value=\"1, enam, 12\""), "{}", r.text);
        let r = admin
            .form_on("/trainings/schedule", &[("months", "3, 99")])
            .await;
        assert_eq!(r.status, 422, "{}", r.text);
        assert!(r.text.contains("(1–60)"), "{}", r.text);
        let (n,): (i64,) = t
            .db()
            .fetch_one(Sql::new(
                "SELECT COUNT(*) FROM tracer_schedule WHERE months IN (2, 3)",
            ))
            .await
            .unwrap();
        assert_eq!(n, 0);
        // Saved and confirmed.
        let r = admin
            .form_on("/trainings/schedule", &[("months", "3 6 12")])
            .await;
        assert_eq!(r.status, 303, "{}", r.text);
        assert_eq!(
            r.header("location"),
            "/trainings/schedule?done=schedule_saved"
        );
        let r = admin.get("/trainings/schedule?done=schedule_saved").await;
        assert!(r.text.contains("Jadwal tracer tersimpan"), "{}", r.text);
        assert!(
            r.text.contains("3, 6, 12 bulan setelah selesai"),
            "{}",
            r.text
        );
    });
}
