//! Income by source through the API and the pages: bad input named beside each field and
//! nothing saved, a month recorded and changed only with the version read, the yearly
//! totals and the self-funding figures moving in the same transaction, who reads and who
//! writes, and the figures equal to an independent count on both databases.

use serde_json::{Value, json};
use simandiri::features::income::model::YearMonth;
use simandiri::kernel::db::{Db, Sql};
use simandiri::kernel::time::today;
use simandiri::seed::demo::DARUL_BAYAN;

use crate::support::Content;
use crate::support::{assert_refused, field_code, get_ok, int};

async fn months(db: &Db) -> i64 {
    let (n,): (i64,) = db
        .fetch_one(Sql::new("SELECT COUNT(*) FROM income_months"))
        .await
        .unwrap();
    n
}

fn this_month() -> String {
    YearMonth::of(today()).to_string()
}

mod recording_a_month {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let db = t.db();
        let darul = t.org_id(DARUL_BAYAN).await;
        let c = t.api_as("pengelola").await;
        let year = today().year();

        // The demo's months (the twelve before this one) add up to the year.
        let y = get_ok(&c, "/api/v1/income").await;
        assert_eq!(int(&y["centre_id"]), darul);
        let recorded: Vec<&Value> = y["months"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|m| m["recorded"].as_object().map(|_| &m["recorded"]))
            .collect();
        let sum = |k: &str| recorded.iter().map(|m| int(&m[k])).sum::<i64>();
        assert_eq!(int(&y["own"]), sum("own"));
        assert_eq!(int(&y["total"]), sum("total"));

        // Bad input: each named, nothing saved.
        let before = months(db).await;
        let next = if today().month() as u8 == 12 {
            format!("{}-01", year + 1)
        } else {
            format!("{year}-{:02}", today().month() as u8 + 1)
        };
        let (s, body) = c
            .json(
                "PUT",
                "/api/v1/income",
                json!({"month": next, "amounts": {"penjualan": 1}}),
            )
            .await;
        assert_refused(s, &body, "month", "future_month");
        let (s, body) = c
            .json(
                "PUT",
                "/api/v1/income",
                json!({"month": this_month(), "amounts": {
                    "penjualan": -1, "kontrak": 100_000_000_001i64, "hibah": 5, "sewa": 1.5}}),
            )
            .await;
        assert_refused(s, &body, "amounts.penjualan", "out_of_range");
        assert_eq!(
            field_code(&body, "amounts.kontrak").as_deref(),
            Some("out_of_range")
        );
        assert_eq!(
            field_code(&body, "amounts.hibah").as_deref(),
            Some("invalid_choice")
        );
        assert_eq!(
            field_code(&body, "amounts.sewa").as_deref(),
            Some("not_a_whole_number")
        );
        assert_eq!(months(db).await, before, "nothing saved");

        // The province's figures before, then a month recorded: they move at once.
        let admin = t.api_as("admin").await;
        let path = format!("/api/v1/stats/self-funding?year={year}&scope=province:36");
        let was = get_ok(&admin, &path).await;
        let (s, m) = c
            .json(
                "PUT",
                "/api/v1/income",
                json!({"month": this_month(),
                    "amounts": {"penjualan": 1_500_000, "pbk": 48_000_000, "sewa": 0},
                    "note": "Penjualan seragam"}),
            )
            .await;
        assert_eq!(s, 200, "{m}");
        assert_eq!(int(&m["own"]), 1_500_000);
        assert_eq!(int(&m["total"]), 49_500_000);
        assert_eq!(
            m["amounts"],
            json!({"penjualan": 1_500_000, "pbk": 48_000_000})
        );
        let now = get_ok(&admin, &path).await;
        assert_eq!(int(&now["own"]), int(&was["own"]) + 1_500_000, "{now}");
        assert_eq!(int(&now["total"]), int(&was["total"]) + 49_500_000);

        // Changed only with the version read.
        let (s, _) = c
            .json(
                "PUT",
                "/api/v1/income",
                json!({"month": this_month(), "amounts": {"penjualan": 2_000_000}}),
            )
            .await;
        assert_eq!(s, 428, "a month already recorded needs the version read");
        let (s, m2) = c
            .json(
                "PUT",
                "/api/v1/income",
                json!({"month": this_month(), "amounts": {"penjualan": 2_000_000},
                    "version": int(&m["version"])}),
            )
            .await;
        assert_eq!(s, 200, "{m2}");
        assert_eq!(int(&m2["total"]), 2_000_000);
        let again = get_ok(&admin, &path).await;
        assert_eq!(int(&again["total"]), int(&was["total"]) + 2_000_000);
        let (n,): (i64,) = db
            .fetch_one(
                Sql::new(
                    "SELECT COUNT(*) FROM audit_log WHERE entity = 'income_month' \
                     AND entity_id = $1",
                )
                .arg(int(&m["id"])),
            )
            .await
            .unwrap();
        assert_eq!(n, 2);

        // Its pembina reads and may not write; a partner company may not read.
        let pembina = t.api_as("pembina").await;
        let seen = get_ok(&pembina, &format!("/api/v1/income?centre={darul}")).await;
        assert_eq!(seen["may_edit"], false);
        let (s, _) = pembina
            .json(
                "PUT",
                "/api/v1/income",
                json!({"centre_id": darul, "month": this_month(), "amounts": {}}),
            )
            .await;
        assert_eq!(s, 403);
        let mitra = t.api_as("mitra").await;
        let (s, _) = mitra
            .get_json(&format!("/api/v1/income?centre={darul}"))
            .await;
        assert_eq!(s, 403);

        // Evidence on the month.
        let res = c
            .upload(
                &format!("/api/v1/income/{}/attachments", int(&m["id"])),
                &[],
                "nota.pdf",
                b"%PDF-1.4\n%\xe2\xe3\n".to_vec(),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text);
    });
}

mod self_funding_figures {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let db = t.db();
        let year = today().year() - 1;
        // The nation: equal to an independent sum over the yearly totals.
        let admin = t.api_as("admin").await;
        let f = get_ok(&admin, &format!("/api/v1/stats/self-funding?year={year}")).await;
        let (own, total, centres): (i64, i64, i64) = db
            .fetch_one(
                Sql::new(
                    "SELECT CAST(SUM(own) AS BIGINT), CAST(SUM(total) AS BIGINT), COUNT(*) \
                     FROM income_years WHERE year = $1 AND total > 0",
                )
                .arg(i64::from(year)),
            )
            .await
            .unwrap();
        assert!(centres > 100, "the demo has income: {centres}");
        assert_eq!(int(&f["own"]), own);
        assert_eq!(int(&f["total"]), total);
        assert_eq!(int(&f["centres"]), centres);
        let bands: i64 = f["bands"].as_array().unwrap().iter().map(int).sum();
        assert_eq!(bands, centres);
        let share = f["self_funding"].as_f64().unwrap();
        assert!((share - own as f64 * 100.0 / total as f64).abs() < 1e-9);
        let provinces: i64 = f["provinces"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| int(&p["total"]))
            .sum();
        assert_eq!(provinces, total);
        assert_eq!(f["trend"].as_array().unwrap().last().unwrap()["year"], year);

        // A regency's labour office sees its own regency, whatever it asks for.
        let disnaker = t.api_as("disnaker").await;
        let d = get_ok(
            &disnaker,
            &format!("/api/v1/stats/self-funding?year={year}&scope=nation"),
        )
        .await;
        let (n,): (i64,) = db
            .fetch_one(
                Sql::new(
                    "SELECT COUNT(*) FROM income_years WHERE year = $1 AND total > 0 \
                     AND regency_code = '36.03'",
                )
                .arg(i64::from(year)),
            )
            .await
            .unwrap();
        assert_eq!(int(&d["centres"]), n, "{d}");
        // A malformed scope or year is named.
        let (s, body) = admin
            .get_json("/api/v1/stats/self-funding?scope=pulau:jawa")
            .await;
        assert_refused(s, &body, "scope", "invalid_scope");
        let (s, body) = admin.get_json("/api/v1/stats/self-funding?year=1999").await;
        assert_refused(s, &body, "year", "out_of_range");
        // A partner company has no BLKK in scope.
        let (s, _) = t
            .api_as("mitra")
            .await
            .get_json("/api/v1/stats/self-funding")
            .await;
        assert_eq!(s, 403);
    });
}

mod on_the_pages {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let browser = t.as_role("pengelola").await;
        let darul = t.org_id(DARUL_BAYAN).await;
        let page = browser.get("/income").await;
        assert_eq!(page.status, 200, "{}", page.text);
        let form = browser
            .get(&format!("/income/edit?month={}", this_month()))
            .await;
        assert_eq!(form.status, 200, "{}", form.text);
        assert!(form.text.contains("name=\"amounts.penjualan\""));
        // A wrong amount: the form again, the message beside it, the typing kept.
        let darul_text = darul.to_string();
        let month = this_month();
        let fields = [
            ("centre_id", darul_text.as_str()),
            ("month", month.as_str()),
            ("version", ""),
            ("amounts.penjualan", "satu juta"),
            ("amounts.sewa", "Rp 750.000"),
            ("note", "Sewa aula"),
        ];
        let res = browser.form("/income/edit", &fields).await;
        assert_eq!(res.status, 422, "{}", res.text);
        assert!(
            res.text.contains("id=\"amounts.penjualan-error\""),
            "{}",
            res.text
        );
        assert!(res.text.contains("satu juta"));
        assert!(res.text.contains("Rp 750.000"));
        let mut good = fields.to_vec();
        good[3] = ("amounts.penjualan", "1.000.000");
        let res = browser.form("/income/edit", &good).await;
        assert_eq!(res.status, 303, "{}", res.text);
        let page = browser.get(res.header("location")).await;
        assert!(page.text.contains("Pendapatan tersimpan."), "{}", page.text);
        assert!(page.text.contains("Rp 1.750.000"), "{}", page.text);
        // The year as a spreadsheet: a row per month so far, the total as recorded.
        let csv = browser.get("/income/export?format=csv").await;
        assert_eq!(csv.status, 200);
        assert!(csv.text.contains(&this_month()), "{}", csv.text);
        assert!(csv.text.contains("1750000"), "{}", csv.text);
        // The figures page for the ministry.
        let admin = t.as_role("admin").await;
        let stats = admin.get("/income/stats").await;
        assert_eq!(stats.status, 200, "{}", stats.text);
        assert!(stats.text.contains("Porsi pendapatan sendiri"));
    });
}

/// A year's twelve months recorded at once, each in its own transaction: the yearly totals
/// count every one (on PostgreSQL each once recounted the year without the others).
mod months_recorded_at_once_all_count {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let darul = t.org_id(DARUL_BAYAN).await;
        let c = t.api_as("pengelola").await;
        let tasks: Vec<_> = (1..=12)
            .map(|m| {
                let c = c.clone();
                tokio::spawn(async move {
                    let (s, body) = c
                        .json(
                            "PUT",
                            "/api/v1/income",
                            json!({"month": format!("2020-{m:02}"),
                                "amounts": {"penjualan": 1_000 * m, "pbk": 10_000}}),
                        )
                        .await;
                    assert_eq!(s, 200, "{body}");
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("a month");
        }
        let (own, total): (i64, i64) = t
            .db()
            .fetch_one(
                Sql::new(
                    "SELECT own, total FROM income_years WHERE year = 2020 AND centre_id = $1",
                )
                .arg(darul),
            )
            .await
            .unwrap();
        assert_eq!(own, 78_000);
        assert_eq!(total, 78_000 + 120_000);
        let y = get_ok(&c, "/api/v1/income?year=2020").await;
        assert_eq!(int(&y["own"]), 78_000, "{y}");
    });
}
