//! Report pages: a BLKK's manager starts last month's report from the list, finds the
//! figures filled in, is refused beside the field (typing kept) for a bad value or a
//! missing reason, saves and sends it; the pembina sees it waiting (header count, the
//! notification) and returns it; the compliance page counts it.

use simandiri::features::reports::period::{Frequency, Period};
use simandiri::kernel::db::Sql;
use simandiri::kernel::time::today;
use simandiri::seed::demo::DARUL_BAYAN;

use crate::support::{Content, hidden_fields};

/// The text inputs of the report form as a browser would send them (`values.*`, prefilled).
fn prefilled(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for part in html.split("<input ").skip(1) {
        let attr = |name: &str| {
            let key = format!("{name}=\"");
            part.find(&key).map(|i| {
                let rest = &part[i + key.len()..];
                rest[..rest.find('"').unwrap_or(0)].to_owned()
            })
        };
        if let (Some(n), Some(v)) = (attr("name"), attr("value"))
            && n.starts_with("values.")
        {
            out.push((n, v));
        }
    }
    out
}

mod filling_sending_and_returning_through_the_pages {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let darul = t.org_id(DARUL_BAYAN).await;
        let (monthly,): (i64,) = t
            .db()
            .fetch_one(Sql::new(
                "SELECT id FROM report_types WHERE code = 'kegiatan_bulanan'",
            ))
            .await
            .unwrap();
        // The demo sent the last two months; the current one is still to start.
        let period = Period::containing(Frequency::Bulanan, today()).to_string();
        let c = t.as_role("pengelola").await;
        let list = c.get("/reports").await;
        assert_eq!(list.status, 200, "{}", list.text);
        assert!(
            list.text.contains("Laporan kegiatan bulanan"),
            "{}",
            list.text
        );
        assert!(list.text.contains("Mulai isi"), "{}", list.text);
        let r = c
            .form(
                "/reports/open",
                &[
                    ("type_id", &monthly.to_string()),
                    ("centre_id", &darul.to_string()),
                    ("period", &period),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.text);
        let at = r.header("location").to_owned();
        let id: i64 = at.trim_start_matches("/reports/").parse().unwrap();
        let page = c.get(&at).await;
        assert_eq!(page.status, 200);
        assert!(page.text.contains("Menurut catatan"), "{}", page.text);
        let fields = hidden_fields(&page.text, &at);
        let version = fields
            .iter()
            .find(|(k, _)| k == "version")
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("a version field in {}", page.text));

        // A count that is not a number: refused beside the field, the narrative kept.
        let bad = c
            .form(
                &at,
                &[
                    ("version", &version),
                    ("values.angkatan_berjalan", "dua"),
                    ("values.kondisi_sarana", "baik"),
                    ("narrative.activities", "Pelatihan menjahit berjalan."),
                    ("action", "save"),
                ],
            )
            .await;
        assert_eq!(bad.status, 422, "{}", bad.text);
        assert!(
            bad.text.contains("Harus berupa bilangan bulat."),
            "{}",
            bad.text
        );
        assert!(
            bad.text.contains("Pelatihan menjahit berjalan."),
            "{}",
            bad.text
        );
        assert!(bad.text.contains("value=\"dua\""), "{}", bad.text);
        // Saved, then sent, with the figures as filled in.
        let filled = prefilled(&page.text);
        assert!(
            filled
                .iter()
                .any(|(k, v)| k == "values.angkatan_berjalan" && !v.is_empty()),
            "{filled:?}"
        );
        let mut form: Vec<(&str, &str)> = filled
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        form.extend([
            ("version", version.as_str()),
            ("values.kondisi_sarana", "baik"),
            ("narrative.activities", "Pelatihan menjahit berjalan."),
            ("action", "submit"),
        ]);
        let ok = c.form(&at, &form).await;
        assert_eq!(ok.status, 303, "{}", ok.text);
        assert_eq!(ok.header("location"), format!("{at}?done=report_submitted"));
        let sent = c.get(&format!("{at}?done=report_submitted")).await;
        assert!(
            sent.text.contains("Laporan terkirim ke pembina."),
            "{}",
            sent.text
        );
        assert!(sent.text.contains("Terkirim"), "{}", sent.text);
        // The form sent again once the report is sent: refused, the report is locked.
        let stale = c
            .form(
                &at,
                &[("version", &version), ("values.kondisi_sarana", "cukup")],
            )
            .await;
        assert_eq!(stale.status, 422, "{}", stale.text);
        assert!(stale.text.contains("tidak dapat diubah"), "{}", stale.text);

        // The pembina is told (header count and list) and returns it with a comment.
        let p = t.as_role("pembina").await;
        let notes = p.get("/notifications").await;
        assert!(
            notes.text.contains(&format!("/reports/{id}")),
            "{}",
            notes.text
        );
        assert!(notes.text.contains("class=\"badge\""), "{}", notes.text);
        let shown = p.get(&at).await;
        assert!(shown.text.contains("Verifikasi laporan"), "{}", shown.text);
        let step = hidden_fields(&shown.text, &format!("{at}/return"));
        let v = step
            .iter()
            .find(|(k, _)| k == "version")
            .map(|(_, v)| v.clone())
            .unwrap();
        let refused = p
            .form(
                &format!("{at}/return"),
                &[("version", &v), ("comment", " ")],
            )
            .await;
        assert_eq!(refused.status, 422, "{}", refused.text);
        assert!(refused.text.contains("Wajib diisi."), "{}", refused.text);
        let back = p
            .form(
                &format!("{at}/return"),
                &[("version", &v), ("comment", "Lengkapi foto kegiatan.")],
            )
            .await;
        assert_eq!(back.status, 303, "{}", back.text);
        let mine = c.get(&at).await;
        assert!(
            mine.text.contains("Lengkapi foto kegiatan."),
            "{}",
            mine.text
        );
        assert!(mine.text.contains("Dikembalikan"), "{}", mine.text);

        // A one-page summary to print and sign, and the list as a file.
        let pdf = c.get(&format!("{at}/summary.pdf")).await;
        assert_eq!(pdf.status, 200);
        assert_eq!(pdf.header("content-type"), "application/pdf");
        assert!(pdf.text.starts_with("%PDF-"), "a PDF file");
        let csv = c
            .get(&format!("/reports/export?format=csv&period={period}"))
            .await;
        assert_eq!(csv.status, 200, "{}", csv.text);
        let lines: Vec<&str> = csv.text.lines().collect();
        assert!(
            lines[0].contains("Jenis laporan") && lines[0].contains("Periode"),
            "{}",
            csv.text
        );
        assert_eq!(
            lines.len(),
            2,
            "the header and Darul Bayan's one report: {}",
            csv.text
        );
        assert!(
            lines[1].contains(&period) && lines[1].contains("Dikembalikan"),
            "{}",
            csv.text
        );

        // The compliance page shows the period's figures and the late list.
        let comp = t
            .as_role("admin")
            .await
            .get(&format!(
                "/reports/compliance?type={monthly}&period={period}"
            ))
            .await;
        assert_eq!(comp.status, 200, "{}", comp.text);
        assert!(comp.text.contains("Kelengkapan"), "{}", comp.text);
        assert!(comp.text.contains("Belum mengirim"), "{}", comp.text);
    });
}

/// The "lihat catatan" link beside each figure leads to the records it comes from: the
/// BLKK's year of income, its agreements (the list filtered to that BLKK), its trainings.
mod record_links_lead_to_their_records {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let darul = t.org_id(DARUL_BAYAN).await;
        let (monthly,): (i64,) = t
            .db()
            .fetch_one(Sql::new(
                "SELECT id FROM report_types WHERE code = 'kegiatan_bulanan'",
            ))
            .await
            .unwrap();
        let period = Period::containing(Frequency::Bulanan, today());
        let c = t.as_role("pengelola").await;
        let r = c
            .form(
                "/reports/open",
                &[
                    ("type_id", &monthly.to_string()),
                    ("centre_id", &darul.to_string()),
                    ("period", &period.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.text);
        let page = c.get(r.header("location")).await;
        let year = &period.to_string()[..4];
        let link = |indicator: &str| {
            let at = page
                .text
                .find(&format!("id=\"i-{indicator}\""))
                .unwrap_or_else(|| panic!("indicator {indicator}"));
            let rest = &page.text[at..];
            let rest = &rest[rest.find("<a href=\"").expect("a link") + 9..];
            rest[..rest.find('"').unwrap()]
                .replace("&amp;", "&")
                .replace("&#38;", "&")
        };
        assert_eq!(
            link("pendapatan_sendiri"),
            format!("/income?centre={darul}&year={year}")
        );
        assert_eq!(
            link("pendapatan_total"),
            format!("/income?centre={darul}&year={year}")
        );
        assert_eq!(
            link("kerja_sama_aktif"),
            format!("/partnerships?centre={darul}")
        );
        assert_eq!(
            link("angkatan_berjalan"),
            format!("/trainings?centre={darul}")
        );
        // The agreements of that BLKK only, as the pembina sees them.
        let p = t.as_role("pembina").await;
        let all = p.get("/partnerships").await;
        let own = p.get(&format!("/partnerships?centre={darul}")).await;
        assert_eq!(own.status, 200, "{}", own.text);
        let count = |html: &str| html.matches("<li class=\"card\">").count();
        assert!(count(&own.text) >= 1, "{}", own.text);
        assert!(count(&own.text) <= count(&all.text));
        let (others,): (i64,) = t
            .db()
            .fetch_one(Sql::new("SELECT COUNT(*) FROM orgs WHERE id <> $1").arg(darul))
            .await
            .unwrap();
        assert!(others > 0);
        assert!(
            own.text
                .contains(&format!("name=\"centre\" value=\"{darul}\"")),
            "{}",
            own.text
        );
        let income = c.get(&format!("/income?centre={darul}&year={year}")).await;
        assert_eq!(income.status, 200, "{}", income.text);
    });
}

/// A report's history names the indicators a save changed with their old and new values
/// (as the page shows them), and its steps' statuses by their labels, never as codes.
mod history_names_indicators_and_statuses {
    use super::*;
    use crate::support::{create_type, get_ok, int, last_month, open, test_type};
    use serde_json::json;
    crate::on_both!(Content::Demo, |t| {
        let darul = t.org_id(DARUL_BAYAN).await;
        let admin = t.api_as("admin").await;
        let api = t.api_as("pengelola").await;
        let type_id = create_type(&admin, test_type("uji_riwayat", &[darul])).await;
        let (s, r) = open(&api, type_id, darul, &last_month().to_string()).await;
        assert_eq!(s, 201, "{r}");
        let id = int(&r["id"]);
        let at = format!("/reports/{id}");
        let c = t.as_role("pengelola").await;
        let filled = prefilled(&c.get(&at).await.text);
        let save = |biaya: &'static str| {
            let c = c.clone();
            let at = at.clone();
            let filled = filled.clone();
            async move {
                let page = c.get(&at).await;
                let version = hidden_fields(&page.text, &at)
                    .into_iter()
                    .find(|(k, _)| k == "version")
                    .map(|(_, v)| v)
                    .unwrap();
                let mut form: Vec<(&str, &str)> = filled
                    .iter()
                    .filter(|(k, _)| k != "values.biaya")
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                form.extend([
                    ("version", version.as_str()),
                    ("values.sarana", "baik"),
                    ("values.biaya", biaya),
                    ("action", "save"),
                ]);
                let r = c.form(&at, &form).await;
                assert_eq!(r.status, 303, "{}", r.text);
            }
        };
        save("1.000.000").await;
        save("1.500.000").await;
        let v = int(&get_ok(&api, &format!("/api/v1/reports/{id}")).await["version"]);
        let (s, sent) = api
            .json(
                "POST",
                &format!("/api/v1/reports/{id}/submit"),
                json!({"version": v}),
            )
            .await;
        assert_eq!(s, 200, "{sent}");
        let pembina = t.api_as("pembina").await;
        let v = int(&sent["version"]);
        let (s, verified) = pembina
            .json(
                "POST",
                &format!("/api/v1/reports/{id}/verify"),
                json!({"version": v}),
            )
            .await;
        assert_eq!(s, 200, "{verified}");

        let history = c.get(&format!("{at}/history")).await;
        assert_eq!(history.status, 200, "{}", history.text);
        let h = &history.text;
        assert!(h.contains("Pendapatan biaya pelatihan"), "{h}");
        assert!(
            h.contains("Rp 1.000.000") && h.contains("Rp 1.500.000"),
            "{h}"
        );
        assert!(h.contains("Kondisi sarana"), "{h}");
        assert!(h.contains("Terverifikasi"), "{h}");
        assert!(!h.contains("Versi simpanan"), "{h}");
        assert!(!h.contains(">verified<"), "{h}");
        let csv = c.get(&format!("{at}/history/export?format=csv")).await;
        assert_eq!(csv.status, 200, "{}", csv.text);
        assert!(
            csv.text.contains("Pendapatan biaya pelatihan"),
            "{}",
            csv.text
        );
    });
}
