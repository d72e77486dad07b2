//! Aid programs through the API: the ministry defines a program for a region and allocates
//! it (bad input and a BLKK outside the region refused, nothing saved); each allocation's
//! realisation equals an independent count of the BLKK's records; others read within their
//! scope.

use serde_json::json;
use simandiri::kernel::db::Sql;
use simandiri::kernel::time::today;
use simandiri::seed::demo::DARUL_BAYAN;

use crate::support::Content;
use crate::support::{assert_refused, field_code, get_ok, int};

mod programs_and_allocations {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let db = t.db();
        let darul = t.org_id(DARUL_BAYAN).await;
        let admin = t.api_as("admin").await;
        let year = today().year();
        let types = get_ok(&admin, "/api/v1/report-types").await;
        let monthly = int(&types[0]["id"]);
        let (province,): (String,) = db
            .fetch_one(Sql::new("SELECT province_code FROM centres WHERE org_id = $1").arg(darul))
            .await
            .unwrap();

        // Bad input is named; nothing saved.
        let (s, body) = admin
            .json(
                "POST",
                "/api/v1/aid-programs",
                json!({"name": "", "kind": "hibah", "budget_year": 1999}),
            )
            .await;
        assert_refused(s, &body, "name", "required");
        assert_eq!(field_code(&body, "kind").as_deref(), Some("invalid_choice"));
        assert_eq!(
            field_code(&body, "budget_year").as_deref(),
            Some("out_of_range")
        );
        let (s, body) = admin
            .json(
                "POST",
                "/api/v1/aid-programs",
                json!({"name": "PBK uji", "kind": "pbk", "budget_year": year, "area_code": "99"}),
            )
            .await;
        assert_refused(s, &body, "area_code", "not_found");
        // Only the ministry defines programs.
        let pembina = t.api_as("pembina").await;
        let (s, _) = pembina
            .json(
                "POST",
                "/api/v1/aid-programs",
                json!({"name": "PBK uji", "kind": "pbk", "budget_year": year}),
            )
            .await;
        assert_eq!(s, 403);

        let (s, p) = admin
            .json(
                "POST",
                "/api/v1/aid-programs",
                json!({"name": "PBK uji wilayah", "kind": "pbk", "budget_year": year,
                    "area_code": province, "obligations": [monthly]}),
            )
            .await;
        assert_eq!(s, 201, "{p}");
        let id = int(&p["id"]);
        assert_eq!(p["obligations"], json!([monthly]));
        let path = format!("/api/v1/aid-programs/{id}/allocations");

        // A BLKK outside the region is refused, as is a second allocation to the same BLKK.
        let (outside,): (i64,) = db
            .fetch_one(
                Sql::new(
                    "SELECT org_id FROM centres WHERE province_code <> $1 AND status = 'aktif' \
                     ORDER BY org_id LIMIT 1",
                )
                .arg(province.as_str()),
            )
            .await
            .unwrap();
        let (s, body) = admin
            .json(
                "POST",
                &path,
                json!({"centre_id": outside, "trainees_target": 16}),
            )
            .await;
        assert_refused(s, &body, "centre_id", "outside_region");
        let (s, body) = admin
            .json(
                "POST",
                &path,
                json!({"centre_id": darul, "amount_rupiah": 100_000_000_001i64}),
            )
            .await;
        assert_refused(s, &body, "amount_rupiah", "out_of_range");
        let (s, a) = admin
            .json(
                "POST",
                &path,
                json!({"centre_id": darul, "amount_rupiah": 96_000_000, "packages": 1,
                    "trainees_target": 16}),
            )
            .await;
        assert_eq!(s, 201, "{a}");
        let (s, body) = admin.json("POST", &path, json!({"centre_id": darul})).await;
        assert_refused(s, &body, "centre_id", "duplicate");

        // Its realisation equals the BLKK's own records.
        let (batches, trainees): (i64, i64) = db
            .fetch_one(
                Sql::new(
                    "SELECT COUNT(DISTINCT t.id), COUNT(e.id) FROM trainings t \
                     LEFT JOIN enrolments e ON e.training_id = t.id \
                     WHERE t.centre_id = $1 AND t.year = $2 AND t.funding = 'pbk'",
                )
                .arg(darul)
                .arg(i64::from(year)),
            )
            .await
            .unwrap();
        let (sent,): (i64,) = db
            .fetch_one(
                Sql::new(
                    "SELECT COUNT(*) FROM reports WHERE centre_id = $1 AND type_id = $2 \
                     AND status IN ('submitted', 'verified') AND period LIKE $3",
                )
                .arg(darul)
                .arg(monthly)
                .arg(format!("{year}%")),
            )
            .await
            .unwrap();
        let list = get_ok(&pembina, &path).await;
        let mine = &list["items"][0];
        assert_eq!(int(&mine["centre_id"]), darul);
        assert_eq!(int(&mine["realisation"]["batches"]), batches);
        assert_eq!(int(&mine["realisation"]["trainees"]), trainees);
        assert_eq!(int(&mine["realisation"]["reports_sent"]), sent);

        // The recipients as a spreadsheet.
        let csv = t
            .as_role("pembina")
            .await
            .get(&format!("/aid/{id}/export?format=csv"))
            .await;
        assert_eq!(csv.status, 200);
        assert!(csv.text.contains(DARUL_BAYAN), "{}", csv.text);
        // The BLKK sees its own allocation; a partner company sees no programs.
        let c = t.api_as("pengelola").await;
        let own = get_ok(&c, &path).await;
        assert_eq!(int(&own["total"]), 1);
        let (s, _) = t
            .api_as("mitra")
            .await
            .get_json("/api/v1/aid-programs")
            .await;
        assert_eq!(s, 403);
    });
}

/// The ministry's "which allocations are behind": a program's recipients filtered to those
/// whose trainees lag the time elapsed of the budget year by 25 points or more, the most
/// behind first, each flagged, on the API, the page and the export.
mod allocations_behind_schedule {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let db = t.db();
        // A generated program of a past year (its whole year elapsed), with recipients.
        let (id,): (i64,) = db
            .fetch_one(
                Sql::new(
                    "SELECT p.id FROM aid_programs p JOIN aid_allocations a ON a.program_id = p.id \
                     WHERE p.budget_year < $1 GROUP BY p.id ORDER BY COUNT(*) DESC, p.id LIMIT 1",
                )
                .arg(i64::from(today().year())),
            )
            .await
            .unwrap();
        let admin = t.api_as("admin").await;
        let path = format!("/api/v1/aid-programs/{id}/allocations");
        // Every recipient, by name, with its lag as its own figures give it.
        let mut all = Vec::new();
        for page in 1.. {
            let list = get_ok(&admin, &format!("{path}?page={page}")).await;
            let items = list["items"].as_array().unwrap().clone();
            if items.is_empty() {
                break;
            }
            all.extend(items);
        }
        assert!(!all.is_empty());
        for a in &all {
            let target = int(&a["trainees_target"]);
            let packages = int(&a["packages"]);
            let done = if target > 0 {
                Some(int(&a["realisation"]["trainees"]) as f64 / target as f64)
            } else if packages > 0 {
                Some(int(&a["realisation"]["batches"]) as f64 / packages as f64)
            } else {
                None
            };
            let lag = done.map(|d| ((1.0 - d.min(1.0)) * 1000.0).round() / 10.0);
            assert_eq!(a["lag"].as_f64(), lag, "{a}");
            assert_eq!(a["behind"], lag.is_some_and(|l| l >= 25.0), "{a}");
        }
        let mut expected: Vec<(f64, i64)> = all
            .iter()
            .filter(|a| a["behind"] == true)
            .map(|a| (a["lag"].as_f64().unwrap(), int(&a["id"])))
            .collect();
        expected.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap());
        assert!(!expected.is_empty(), "some recipients are behind");
        assert!(expected.len() < all.len(), "and some are not");
        let behind = get_ok(&admin, &format!("{path}?behind=true&sort=lag")).await;
        assert_eq!(int(&behind["total"]), expected.len() as i64, "{behind}");
        let lags: Vec<f64> = behind["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["lag"].as_f64().unwrap())
            .collect();
        let want: Vec<f64> = expected.iter().take(lags.len()).map(|e| e.0).collect();
        assert_eq!(lags, want);
        let (s, body) = admin.get_json(&format!("{path}?sort=size")).await;
        assert_refused(s, &body, "sort", "invalid_choice");

        // The page offers the view, flags those behind, and exports the same view.
        let page = t
            .as_role("admin")
            .await
            .get(&format!("/aid/{id}?behind=1&sort=lag"))
            .await;
        assert_eq!(page.status, 200, "{}", page.text);
        assert!(page.text.contains("Tertinggal jadwal"), "{}", page.text);
        assert!(
            page.text.contains(&format!(
                "/aid/{id}/export?behind=1&#38;sort=lag&#38;format=csv"
            )),
            "{}",
            page.text
        );
        assert!(page.text.contains("badge warn"), "{}", page.text);
        let csv = t
            .as_role("admin")
            .await
            .get(&format!("/aid/{id}/export?behind=1&sort=lag&format=csv"))
            .await;
        assert_eq!(csv.status, 200);
        assert_eq!(csv.text.lines().count(), expected.len() + 1, "{}", csv.text);
    });
}
