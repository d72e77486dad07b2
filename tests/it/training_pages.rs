//! Training pages: planning a batch and enrolling through the forms (refusals keep the
//! typing and say what is wrong beside the field), the printable report and participant
//! file by role, the public sign-up form, and a trainee's own page.

use simandiri::kernel::db::Sql;
use simandiri::seed::demo::DARUL_BAYAN;

use crate::support::{Content, TestApp, hidden_fields};

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
        let confirmed = r.header("location").to_owned();
        let code = confirmed
            .strip_prefix(&format!("/pelatihan/{id}?kode="))
            .unwrap_or_else(|| panic!("the application's code in {confirmed}"))
            .to_owned();
        let (stored,): (String,) = t
            .db()
            .fetch_one(Sql::new("SELECT code FROM applications WHERE training_id = $1").arg(id))
            .await
            .unwrap();
        assert_eq!(stored, code);
        let page = visitor.get(&confirmed).await;
        assert!(
            page.text.contains("Pendaftaran Anda terkirim."),
            "{}",
            page.text
        );
        assert!(page.text.contains(&code), "{}", page.text);
        // The same NIK again (someone else, or the applicant twice): the same answer and the
        // same code, nothing written, nothing said about an earlier application.
        let mut again = vec![
            ("nik", "3601014508998901"),
            ("name", "Orang Lain"),
            ("phone", "0812 9999 0000"),
        ];
        again.push(("consent", "true"));
        let r = visitor.form(&format!("/pelatihan/{id}"), &again).await;
        assert_eq!(r.status, 303, "{}", r.text);
        assert_eq!(r.header("location"), confirmed);
        let stranger = t.anonymous().await;
        let r = stranger.form(&format!("/pelatihan/{id}"), &again).await;
        assert_eq!(r.status, 303, "{}", r.text);
        assert_eq!(r.header("location"), confirmed);
        let (names,): (String,) = t
            .db()
            .fetch_one(
                Sql::new("SELECT MIN(name) FROM applications WHERE training_id = $1").arg(id),
            )
            .await
            .unwrap();
        assert_eq!(names, "Nurul Hidayah", "nothing written");
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
        // The form speaks to the applicant, not to the BLKK's staff.
        let form = visitor.get(&format!("/pelatihan/{id}")).await;
        assert!(
            form.text.contains("16 angka sesuai KTP Anda."),
            "{}",
            form.text
        );
        assert!(
            !form.text.contains("sudah terdaftar ditemukan"),
            "{}",
            form.text
        );
        // The BLKK sees the code with the application.
        let manager = t.as_role("pengelola").await;
        let batch = manager.get(&format!("/trainings/{id}")).await;
        assert!(batch.text.contains(&code), "{}", batch.text);
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

/// Enrols a trainee through the batch page's form (as its manager).
async fn enrol(t: &TestApp, batch: i64, nik: &str, name: &str) -> i64 {
    let c = t.as_role("pengelola").await;
    let r = c
        .form(
            &format!("/trainings/{batch}/enrolments"),
            &[("nik", nik), ("name", name), ("consent", "true")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let (id,): (i64,) = t
        .db()
        .fetch_one(
            Sql::new(
                "SELECT e.id FROM enrolments e JOIN persons p ON p.id = e.person_id \
                 WHERE e.training_id = $1 AND p.nik = $2",
            )
            .arg(batch)
            .arg(nik),
        )
        .await
        .unwrap();
    id
}

/// The attendance form of a batch page: `(enrolment id, ticked)` for each trainee.
fn ticks(html: &str, batch: i64) -> Vec<(i64, bool)> {
    let action = format!("action=\"/trainings/{batch}/attendance\"");
    let start = html.find(&action).expect("the attendance form");
    let form = &html[start..start + html[start..].find("</form>").expect("its end")];
    form.split("<input type=\"checkbox\" name=\"present\" value=\"")
        .skip(1)
        .map(|rest| {
            let id = rest[..rest.find('"').unwrap()].parse().unwrap();
            let tag = &rest[..rest.find('>').unwrap()];
            (id, tag.contains("checked"))
        })
        .collect()
}

/// Attendance saved for a day reopens as saved (absences unticked), another day can be
/// chosen without JavaScript ("Tampilkan" reloads the form for it) and starts all ticked,
/// and saving the day again as shown keeps its absences.
mod attendance_shows_what_was_saved_for_the_day {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let batch = plan(&t, "Menjahit Kehadiran Uji").await;
        let siti = enrol(&t, batch, "3601014508998811", "Siti Aminah").await;
        let dewi = enrol(&t, batch, "3601014508998812", "Dewi Lestari").await;
        let rina = enrol(&t, batch, "3601014508998813", "Rina Marlina").await;
        let c = t.as_role("pengelola").await;
        let page = c.get(&format!("/trainings/{batch}")).await;
        // The day is chosen with a form of its own that works without JavaScript.
        assert!(
            page.text.contains(&format!(
                "<form method=\"get\" action=\"/trainings/{batch}#kehadiran\""
            )),
            "{}",
            page.text
        );
        assert!(page.text.contains(">Tampilkan</button>"), "{}", page.text);
        // Two absences on 6 January.
        let present = siti.to_string();
        let r = c
            .form(
                &format!("/trainings/{batch}/attendance"),
                &[("day", "2026-01-06"), ("present", &present)],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.text);
        let back = r.header("location").to_owned();
        assert_eq!(
            back,
            format!("/trainings/{batch}?day=2026-01-06&done=attendance_saved#kehadiran")
        );
        let page = c.get(back.split('#').next().unwrap()).await;
        assert!(page.text.contains("Kehadiran tersimpan."), "{}", page.text);
        assert!(page.text.contains("value=\"2026-01-06\""), "{}", page.text);
        let mut shown = ticks(&page.text, batch);
        shown.sort();
        assert_eq!(shown, vec![(siti, true), (dewi, false), (rina, false)]);
        assert!(page.text.contains("sudah tersimpan"), "{}", page.text);
        // Another day: not recorded yet, everyone ticked; 6 January is untouched.
        let other = c.get(&format!("/trainings/{batch}?day=2026-01-07")).await;
        assert!(ticks(&other.text, batch).iter().all(|(_, on)| *on));
        assert!(other.text.contains("belum dicatat"), "{}", other.text);
        // Saving 6 January again as the form shows it keeps the absences.
        let page = c.get(&format!("/trainings/{batch}?day=2026-01-06")).await;
        let mut form: Vec<(String, String)> =
            hidden_fields(&page.text, &format!("/trainings/{batch}/attendance"))
                .into_iter()
                .filter(|(k, _)| k != "_csrf")
                .collect();
        for (id, on) in ticks(&page.text, batch) {
            if on {
                form.push(("present".into(), id.to_string()));
            }
        }
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = c
            .form(&format!("/trainings/{batch}/attendance"), &form)
            .await;
        assert_eq!(r.status, 303, "{}", r.text);
        let (absent,): (i64,) = t
            .db()
            .fetch_one(
                Sql::new(
                    "SELECT COUNT(*) FROM attendance a JOIN enrolments e ON e.id = a.enrolment_id \
                     WHERE e.training_id = $1 AND a.present = $2",
                )
                .arg(batch)
                .arg(false),
            )
            .await
            .unwrap();
        assert_eq!(absent, 2);
    });
}

/// A refused result comes back beside its own trainee's field (each row's fields have ids of
/// their own), listed at the top with a link to it.
mod a_refused_result_is_named_beside_its_field {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let batch = plan(&t, "Menjahit Hasil Uji").await;
        let siti = enrol(&t, batch, "3601014508998821", "Siti Aminah").await;
        let dewi = enrol(&t, batch, "3601014508998822", "Dewi Lestari").await;
        let c = t.as_role("pengelola").await;
        let path = format!("/enrolments/{dewi}/result");
        let page = c.get(&format!("/trainings/{batch}")).await;
        let version = hidden_fields(&page.text, &path)
            .into_iter()
            .find(|(k, _)| k == "version")
            .map(|(_, v)| v)
            .unwrap();
        let r = c
            .form(
                &path,
                &[("version", &version), ("certificate_no", "BLKK-01")],
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.text);
        assert!(
            r.text.contains(&format!("id=\"result-{dewi}-error\"")),
            "{}",
            r.text
        );
        assert!(
            r.text.contains(&format!("href=\"#result-{dewi}\"")),
            "{}",
            r.text
        );
        assert!(
            !r.text.contains(&format!("result-{siti}-error")),
            "{}",
            r.text
        );
        assert!(r.text.contains("value=\"BLKK-01\""), "the typing kept");
    });
}

/// A person's name is labelled "Nama" on the enrolment form, the public application form,
/// the participant table and the participant file, never "Nama program".
mod a_name_is_labelled_a_name {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let batch = plan(&t, "Menjahit Label Uji").await;
        enrol(&t, batch, "3601014508998831", "Siti Aminah").await;
        let c = t.as_role("pengelola").await;
        let page = c.get(&format!("/trainings/{batch}")).await;
        assert!(
            page.text.contains("<label for=\"name\">Nama <span"),
            "{}",
            page.text
        );
        assert!(
            page.text.contains("<th scope=\"col\">Nama</th>"),
            "{}",
            page.text
        );
        // The participant table scrolls in a box the keyboard reaches, named for it.
        assert!(
            page.text.contains(
                "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Peserta\">"
            ),
            "{}",
            page.text
        );
        let csv = c
            .get(&format!(
                "/trainings/{batch}/participants/export?format=csv"
            ))
            .await;
        assert!(
            csv.text.trim_start_matches('\u{feff}').starts_with("Nama,"),
            "{}",
            csv.text
        );
        let api = t.api_as("pengelola").await;
        let start = time::OffsetDateTime::now_utc().date() + time::Duration::days(40);
        let (s, open) = api
            .json(
                "POST",
                "/api/v1/trainings",
                serde_json::json!({"kejuruan": "menjahit", "title": "Bordir Label",
                    "start_date": start.to_string(),
                    "end_date": (start + time::Duration::days(30)).to_string(), "hours": 160,
                    "quota": 16, "fee": 0, "funding": "swadaya", "open_to_public": true}),
            )
            .await;
        assert_eq!(s, 201, "{open}");
        let public = t
            .anonymous()
            .await
            .get(&format!("/pelatihan/{}", open["id"]))
            .await;
        assert!(
            public.text.contains("<label for=\"name\">Nama <span"),
            "{}",
            public.text
        );
        for text in [&page.text, &csv.text, &public.text] {
            assert!(!text.contains("Nama program"), "{text}");
        }
    });
}

/// A trainee downloads the certificate of a batch they passed as a PDF, from their page;
/// nobody else's, and none without the result `kompeten`.
mod a_trainee_downloads_their_certificate {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let (own, training): (i64, i64) = t
            .db()
            .fetch_one(Sql::new(
                "SELECT e.id, e.training_id FROM enrolments e JOIN persons p ON p.id = e.person_id \
                 JOIN users u ON u.id = p.user_id \
                 WHERE u.email = 'peserta@demo.simandiri.test' AND e.result = 'kompeten'",
            ))
            .await
            .unwrap();
        let me = t.as_role("peserta").await;
        let path = format!("/me/trainings/{own}/certificate.pdf");
        let page = me.get("/me/trainings").await;
        assert!(
            page.text.contains(&format!("href=\"{path}\"")),
            "{}",
            page.text
        );
        let r = me.get(&path).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.header("content-type"), "application/pdf");
        assert!(r.text.starts_with("%PDF-"));
        assert!(r.text.contains("Sertifikat Pelatihan"));
        assert!(r.text.contains("KOMPETEN"));
        // Someone else's certificate in the same batch: refused.
        let (other,): (i64,) = t
            .db()
            .fetch_one(
                Sql::new(
                    "SELECT MIN(id) FROM enrolments WHERE training_id = $1 AND id <> $2 \
                     AND result = 'kompeten'",
                )
                .arg(training)
                .arg(own),
            )
            .await
            .unwrap();
        assert_eq!(
            me.get(&format!("/me/trainings/{other}/certificate.pdf"))
                .await
                .status,
            403
        );
        // The BLKK's manager has no "own" certificate to download.
        let manager = t.as_role("pengelola").await;
        assert_eq!(manager.get(&path).await.status, 403);
        // Without the result `kompeten`, no certificate.
        t.db()
            .execute(
                Sql::new("UPDATE enrolments SET result = 'belum_kompeten' WHERE id = $1").arg(own),
            )
            .await
            .unwrap();
        assert_eq!(me.get(&path).await.status, 404);
    });
}
