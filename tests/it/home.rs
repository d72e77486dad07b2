//! A home for every role at `/`, and lists as files (XLSX and CSV) with the list's filters,
//! only the columns the user may see, and formulas neutralised.

use calamine::{Reader, Xlsx};
use serde_json::json;
use simandiri::kernel::db::Sql;
use simandiri::seed::demo::{DARUL_BAYAN, MES};

use crate::support::{Content, TestApp};

/// A BLKK's JSON as the API shows it to an admin.
async fn centre_json(t: &TestApp, id: i64) -> serde_json::Value {
    let (s, body) = t
        .api_as("admin")
        .await
        .get_json(&format!("/api/v1/centres/{id}"))
        .await;
    assert_eq!(s, 200);
    body
}

mod a_manager_sees_what_their_profile_lacks {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let id = t.org_id(DARUL_BAYAN).await;
        let admin = t.api_as("admin").await;
        let v = centre_json(&t, id).await["version"].as_i64().unwrap();
        let (s, body) = admin
            .json(
                "PATCH",
                &format!("/api/v1/centres/{id}"),
                json!({"street": null, "year_built": null, "version": v}),
            )
            .await;
        assert_eq!(s, 200, "{body}");
        let manager = t.as_role("pengelola").await;
        let home = manager.get("/").await;
        assert_eq!(home.status, 200);
        assert!(home.text.contains(DARUL_BAYAN));
        assert!(home.text.contains("Lengkapi profil"));
        assert!(home.text.contains(&format!("/centres/{id}/edit#street")));
        assert!(
            home.text
                .contains(&format!("/centres/{id}/edit#year_built"))
        );
        assert!(home.text.contains(&format!("href=\"/centres/{id}/edit\"")));

        let v = body["version"].as_i64().unwrap();
        let (s, _) = admin
            .json(
                "PATCH",
                &format!("/api/v1/centres/{id}"),
                json!({"street": "Jl. Raya Serang Km 5", "version": v}),
            )
            .await;
        assert_eq!(s, 200);
        let home = manager.get("/").await;
        assert!(!home.text.contains(&format!("/centres/{id}/edit#street")));
        assert!(
            home.text
                .contains(&format!("/centres/{id}/edit#year_built"))
        );
    });
}

mod a_supervisor_sees_their_scope {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let pembina = t.as_role("pembina").await;
        let (_, mine) = t
            .api_as("pembina")
            .await
            .get_json("/api/v1/centres?mine=1")
            .await;
        let total = mine["total"].as_i64().unwrap();
        assert!(total > 1);
        let home = pembina.get("/").await;
        assert_eq!(home.status, 200);
        assert!(
            home.text.contains(&format!("{total} BLKK ditemukan")),
            "{}",
            home.text
        );
        assert!(
            home.text.contains("tel:"),
            "contacts are shown in their own scope"
        );
        // Counts by status add up to the scope.
        let (by_status,): (i64,) = t
            .db()
            .fetch_one(
                Sql::new("SELECT COUNT(*) FROM centres WHERE pembina_id = $1")
                    .arg(t.org_id("BBPVP Serang").await),
            )
            .await
            .unwrap();
        assert_eq!(by_status, total);
        // Filtered by status, and sorted by the latest change.
        let (s, _) = (
            pembina.get("/?status=aktif").await.status,
            pembina.get("/?sort=diubah").await.status,
        );
        assert_eq!(s, 200);
        let id = t.org_id(DARUL_BAYAN).await;
        let admin = t.api_as("admin").await;
        let v = centre_json(&t, id).await["version"].as_i64().unwrap();
        admin
            .json(
                "PATCH",
                &format!("/api/v1/centres/{id}"),
                json!({"head_name": "Kyai Baru", "version": v}),
            )
            .await;
        let sorted = pembina.get("/?sort=diubah").await;
        let first = sorted.text.find("<tbody>").unwrap();
        let row = &sorted.text[first..first + 400];
        assert!(row.contains(DARUL_BAYAN), "latest change first: {row}");
        assert_eq!(pembina.get("/?sort=acak").await.status, 400);
        // A forum officer's home lists their forum's members.
        let forum = t.as_role("forum").await.get("/").await;
        assert_eq!(forum.status, 200);
        let (_, members) = t
            .api_as("forum")
            .await
            .get_json("/api/v1/centres?mine=1")
            .await;
        let n = members["total"].as_i64().unwrap();
        assert!(n > 0);
        assert!(forum.text.contains(&format!("{n} BLKK ditemukan")));
    });
}

/// A contact phone in a list offers a WhatsApp chat beside the call when it is a mobile
/// number (the profile's helper): the scope table on the home page and the list of BLKK
/// that have not sent their report.
mod contact_phones_in_lists_offer_whatsapp {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let id = t.org_id(DARUL_BAYAN).await;
        let admin = t.api_as("admin").await;
        let v = centre_json(&t, id).await["version"].as_i64().unwrap();
        let (s, body) = admin
            .json(
                "PATCH",
                &format!("/api/v1/centres/{id}"),
                json!({"contact_phone": "0812 3456 7890", "version": v}),
            )
            .await;
        assert_eq!(s, 200, "{body}");
        assert!(body.to_string().contains("+6281234567890"), "{body}");
        let phone = "+6281234567890";
        let pembina = t.as_role("pembina").await;
        let home = pembina.get(&format!("/?q={}", "Darul Bayan")).await;
        assert!(
            home.text.contains(&format!("href=\"tel:{phone}\"")),
            "{}",
            home.text
        );
        assert!(
            home.text.contains("href=\"https://wa.me/6281234567890\""),
            "{}",
            home.text
        );
        // This month's activity report, which Darul Bayan has not started.
        let (monthly,): (i64,) = t
            .db()
            .fetch_one(Sql::new(
                "SELECT id FROM report_types WHERE code = 'kegiatan_bulanan'",
            ))
            .await
            .unwrap();
        let period = simandiri::features::reports::period::Period::containing(
            simandiri::features::reports::period::Frequency::Bulanan,
            simandiri::kernel::time::today(),
        );
        let compliance = pembina
            .get(&format!(
                "/reports/compliance?type={monthly}&period={period}"
            ))
            .await;
        assert_eq!(compliance.status, 200, "{}", compliance.text);
        // Each mobile number listed there (the synthetic BLKK have them) offers the chat.
        let listed: Vec<&str> = compliance
            .text
            .split("href=\"tel:+628")
            .skip(1)
            .map(|rest| &rest[..rest.find('"').unwrap()])
            .collect();
        assert!(!listed.is_empty(), "{}", compliance.text);
        for digits in listed {
            assert!(
                compliance
                    .text
                    .contains(&format!("href=\"https://wa.me/628{digits}\"")),
                "{digits}"
            );
        }
    });
}

mod an_admin_sees_the_nation {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let admin = t.api_as("admin").await;
        let mes = t.org_id(MES).await;
        let (s, _) = admin
            .json(
                "POST",
                "/api/v1/users",
                json!({"email": "tamu@mes.test", "name": "Tamu Baru", "role": "mitra", "org_id": mes}),
            )
            .await;
        assert_eq!(s, 201);
        let home = t.as_role("admin").await.get("/").await;
        assert_eq!(home.status, 200);
        assert!(home.text.contains("Ringkasan nasional"));
        assert!(home.text.contains("href=\"/centres?province=36\""));
        assert!(home.text.contains("Tamu Baru"), "waiting on the invitation");
        assert!(
            home.text.contains("Diundang oleh Demo admin"),
            "recent changes"
        );
        // The province figures are the counters'.
        let (banten,): (i64,) = t
            .db()
            .fetch_one(Sql::new(
                "SELECT COUNT(*) FROM centres WHERE province_code = '36'",
            ))
            .await
            .unwrap();
        assert!(
            home.text
                .contains(&format!("<a href=\"/centres?province=36\">{banten}</a>"))
        );
    });
}

mod a_partner_keeps_their_organisation {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let partner = t.as_role("mitra").await;
        let mes = t.org_id(MES).await;
        let home = partner.get("/").await;
        assert_eq!(home.status, 200);
        assert!(home.text.contains(MES));
        assert!(home.text.contains("Belum ada kerja sama"));
        let form = partner.get(&format!("/orgs/{mes}/edit")).await;
        assert_eq!(form.status, 200);
        let (_, org) = t
            .api_as("mitra")
            .await
            .get_json(&format!("/api/v1/orgs/{mes}"))
            .await;
        let r = partner
            .form(
                &format!("/orgs/{mes}/edit"),
                &[
                    ("kind", "mitra"),
                    ("subtype", "asosiasi"),
                    ("name", MES),
                    ("province", "31"),
                    ("regency", "31.71"),
                    ("address", "Jl. Baru No. 1"),
                    ("phone", ""),
                    ("email", "info@mes.test"),
                    ("version", &org["version"].to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.text);
        // Not another organisation.
        let other = t.org_id("BBPVP Serang").await;
        assert_eq!(
            partner.get(&format!("/orgs/{other}/edit")).await.status,
            403
        );
        let (s, _) = t
            .api_as("mitra")
            .await
            .patch(&format!("/api/v1/orgs/{other}"), json!({"name": "X"}))
            .await;
        assert_eq!(s, 403);
        // Visitors keep the public front page.
        let public = t.anonymous().await.get("/").await;
        assert!(public.text.contains("Angka nasional"));
    });
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let body = text.trim_start_matches('\u{feff}');
    csv::Reader::from_reader(body.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

fn csv_headers(text: &str) -> Vec<String> {
    let body = text.trim_start_matches('\u{feff}');
    csv::Reader::from_reader(body.as_bytes())
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect()
}

mod lists_download_as_files {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        // A formula typed into a field comes out as text.
        let id = t.org_id(DARUL_BAYAN).await;
        let v = centre_json(&t, id).await["version"].as_i64().unwrap();
        let (s, body) = t
            .api_as("admin")
            .await
            .json(
                "PATCH",
                &format!("/api/v1/centres/{id}"),
                json!({"head_name": "=HYPERLINK(\"http://x\")", "version": v}),
            )
            .await;
        assert_eq!(s, 200, "{body}");

        let visitor = t.anonymous().await;
        let (_, listed) = visitor.get_json("/api/v1/centres?province=36").await;
        let total = listed["total"].as_i64().unwrap() as usize;
        let r = visitor.get("/centres/export?format=csv&province=36").await;
        assert_eq!(r.status, 200);
        assert!(r.header("content-type").starts_with("text/csv"));
        assert!(
            r.header("content-disposition")
                .contains("attachment; filename=\"blkk-")
        );
        assert!(r.text.starts_with('\u{feff}'));
        let headers = csv_headers(&r.text);
        assert!(
            !headers.iter().any(|h| h == "Telepon kontak"),
            "no contacts for visitors"
        );
        let rows = csv_rows(&r.text);
        assert_eq!(rows.len(), total);
        let head = headers.iter().position(|h| h == "Kepala BLKK").unwrap();
        let darul = rows.iter().find(|r| r[0] == DARUL_BAYAN).unwrap();
        assert_eq!(darul[head], "'=HYPERLINK(\"http://x\")");

        // An admin's XLSX has every row of the filter and the contacts.
        let admin = t.as_role("admin").await;
        let r = admin
            .http
            .get(admin.url("/centres/export?format=xlsx&province=36"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let bytes = r.bytes().await.unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let sheet = book.worksheet_range_at(0).unwrap().unwrap();
        assert_eq!(sheet.height(), total + 1);
        let header: Vec<String> = sheet
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert!(header.iter().any(|h| h == "Telepon kontak"), "{header:?}");

        // A pembina's own scope carries contacts; the whole directory does not.
        let pembina = t.as_role("pembina").await;
        let mine = pembina.get("/centres/export?format=csv&mine=1").await;
        assert!(
            csv_headers(&mine.text)
                .iter()
                .any(|h| h == "Telepon kontak")
        );
        let all = pembina.get("/centres/export?format=csv&province=36").await;
        assert!(!csv_headers(&all.text).iter().any(|h| h == "Telepon kontak"));
        assert_eq!(visitor.get("/centres/export?format=pdf").await.status, 400);
    });
}

/// The organisations list (admins) and a record's history (those who may read it) download
/// as files too, with the list's filters and formulas neutralised.
mod other_lists_download_as_files {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let admin = t.as_role("admin").await;
        let (_, listed) = admin.get_json("/api/v1/orgs?kind=uptp").await;
        let total = listed["total"].as_i64().unwrap() as usize;
        let r = admin.get("/orgs/export?format=csv&kind=uptp").await;
        assert_eq!(r.status, 200);
        assert!(
            r.header("content-disposition")
                .contains("attachment; filename=\"organisasi-")
        );
        let rows = csv_rows(&r.text);
        assert_eq!(rows.len(), total);
        assert!(rows.iter().any(|r| r[0] == "BLK Makassar"), "{rows:?}");
        assert!(rows.iter().all(|r| r[1] == "UPTP"), "{rows:?}");
        assert!(
            admin
                .get("/orgs?kind=uptp")
                .await
                .text
                .contains("/orgs/export?format=xlsx&#38;kind=uptp")
        );
        // As browsers ask for it, compressed: the whole file arrives.
        for path in [
            "/orgs/export?format=csv&kind=uptp",
            "/centres/export?format=csv&province=36",
        ] {
            let r = admin
                .http
                .get(admin.url(path))
                .header("accept-encoding", "gzip")
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            assert_eq!(r.headers()["content-encoding"], "gzip", "{path}");
            let packed = r.bytes().await.expect("the whole body");
            let mut text = String::new();
            std::io::Read::read_to_string(
                &mut flate2::read::GzDecoder::new(&packed[..]),
                &mut text,
            )
            .expect("a complete gzip stream");
            assert!(text.starts_with('\u{feff}'), "{path}");
            assert!(csv_rows(&text).len() > 1, "{path}");
        }
        // Not for the others.
        let pembina = t.as_role("pembina").await;
        assert_eq!(pembina.get("/orgs/export?format=csv").await.status, 403);

        // A change with a formula, then the BLKK's history as a file.
        let id = t.org_id(DARUL_BAYAN).await;
        let v = centre_json(&t, id).await["version"].as_i64().unwrap();
        let (s, _) = t
            .api_as("admin")
            .await
            .json(
                "PATCH",
                &format!("/api/v1/centres/{id}"),
                json!({"head_name": "@SUM(1)", "version": v}),
            )
            .await;
        assert_eq!(s, 200);
        let manager = t.as_role("pengelola").await;
        let r = manager
            .get(&format!("/centres/{id}/history/export?format=csv"))
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(
            csv_headers(&r.text),
            [
                "Waktu",
                "Oleh",
                "Peran",
                "Tindakan",
                "Data",
                "Sebelumnya",
                "Sesudahnya"
            ]
        );
        let rows = csv_rows(&r.text);
        let change = rows
            .iter()
            .find(|r| r[4] == "Kepala BLKK")
            .expect("the change");
        assert_eq!(change[5], "Imam Tantowi");
        assert_eq!(change[6], "'@SUM(1)");
        assert_eq!(change[1], "Demo admin");
        // Someone who may not read the history may not download it.
        let visitor = t.anonymous().await;
        let r = visitor
            .get(&format!("/centres/{id}/history/export?format=csv"))
            .await;
        assert_eq!(r.status, 303, "to the sign-in");
        let other = t.as_role("mitra").await;
        let r = other
            .get(&format!("/centres/{id}/history/export?format=csv"))
            .await;
        assert_eq!(r.status, 403);
    });
}
