//! The figures layer: kept figures are right. Random sequences of writes through the API
//! (reports opened, sent, returned, verified and reopened; a BLKK moved between provinces
//! and UPTP, deactivated and reactivated; a BLKK added) leave every kept figure equal to
//! an independent recount from the raw tables, on both databases; the figures API answers
//! them live, within the caller's scope, and refuses what it cannot answer.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use simandiri::kernel::db::Sql;
use simandiri::kernel::figures;
use simandiri::kernel::period::{Frequency, Period};
use simandiri::kernel::time::today;
use simandiri::seed::demo::DARUL_BAYAN;

use crate::support::{Content, assert_refused, create_type, get_ok, int, open};

/// A monthly report type every active BLKK sends, with nothing required: any draft can be
/// sent.
fn everyone_type(code: &str) -> Value {
    json!({
        "code": code,
        "name_id": "Laporan angka uji",
        "name_en": "Figures test report",
        "frequency": "bulanan",
        "due_day": 60,
        "grace_days": 300,
        "audience": "semua",
        "indicators": [
            {"code": "catatan", "label_id": "Catatan", "label_en": "Note", "kind": "count"}
        ],
    })
}

/// The differences between the kept figures and their recount (none when right).
async fn differences(db: &simandiri::kernel::db::Db) -> Vec<String> {
    figures::recount(db, false)
        .await
        .expect("recount")
        .iter()
        .map(ToString::to_string)
        .collect()
}

mod random_writes_keep_every_figure_equal_to_its_recount {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let db = t.db();
        assert_eq!(
            differences(db).await,
            Vec::<String>::new(),
            "after the demo"
        );
        let admin = t.api_as("admin").await;
        let manager = t.api_as("pengelola").await;
        let pembina = t.api_as("pembina").await;
        let darul = t.org_id(DARUL_BAYAN).await;
        let type_id = create_type(&admin, everyone_type("angka_uji")).await;
        // Places to move Darul Bayan to: villages of BLKK in other provinces, and UPTP.
        let villages: Vec<(String,)> = db
            .fetch_all(Sql::new(
                "SELECT MIN(village_code) FROM centres GROUP BY province_code \
                 ORDER BY MIN(village_code) LIMIT 4",
            ))
            .await
            .unwrap();
        let uptp: Vec<(i64,)> = db
            .fetch_all(Sql::new(
                "SELECT id FROM orgs WHERE kind = 'uptp' ORDER BY id LIMIT 3",
            ))
            .await
            .unwrap();
        let periods: Vec<String> = Period::containing(Frequency::Bulanan, today())
            .previous()
            .last(4)
            .iter()
            .map(Period::to_string)
            .collect();
        // A visit done three months ago, to agree follow-up actions at.
        let visit_day = today() - time::Duration::days(90);
        let (s, v) = pembina
            .json(
                "POST",
                "/api/v1/visits",
                json!({"centre_id": darul, "planned_date": visit_day.to_string(),
                       "purpose": "Monev angka"}),
            )
            .await;
        assert_eq!(s, 201, "{v}");
        let visit = format!("/api/v1/visits/{}", v["id"]);
        let (s, done) = pembina
            .json(
                "PATCH",
                &visit,
                json!({"version": v["version"], "visited_date": visit_day.to_string(),
                       "status": "selesai"}),
            )
            .await;
        assert_eq!(s, 200, "{done}");
        let mut actions: Vec<i64> = Vec::new();
        let home_uptp = int(&v["pembina_id"]);
        let mut away = false;
        let mut rng = StdRng::seed_from_u64(19);
        let mut steps = Vec::new();
        let mut is_active = true;
        for step in 0..60 {
            let p = &periods[rng.random_range(0..periods.len())];
            let (s, r) = open(&manager, type_id, darul, p).await;
            let report = s.is_success().then_some(r);
            // Mostly report steps; now and then the BLKK moves, changes UPTP or status
            // (back to active soon after it stops, so its reports go on).
            let roll = rng.random_range(0..100);
            let op = match roll {
                _ if !is_active && roll < 50 => 7,
                _ if away && roll < 50 => 6,
                0..25 => 0,
                25..35 => 2,
                35..45 => 3,
                45..50 => 4,
                50..58 => 5,
                58..64 => 6,
                64..70 => 7,
                70..78 => 8,
                78..84 => 9,
                84..90 => 10,
                _ => 11,
            };
            let what = match (op, &report) {
                (0 | 1, Some(r)) => {
                    let path = format!("/api/v1/reports/{}/submit", r["id"]);
                    let (s, _) = manager
                        .json("POST", &path, json!({"version": r["version"]}))
                        .await;
                    format!("send {p}: {s}")
                }
                (2, Some(r)) => {
                    let path = format!("/api/v1/reports/{}/return", r["id"]);
                    let body = json!({"version": r["version"], "comment": "Periksa lagi."});
                    let (s, _) = pembina.json("POST", &path, body).await;
                    format!("return {p}: {s}")
                }
                (3, Some(r)) => {
                    let path = format!("/api/v1/reports/{}/verify", r["id"]);
                    let (s, _) = pembina
                        .json("POST", &path, json!({"version": r["version"]}))
                        .await;
                    format!("verify {p}: {s}")
                }
                (4, Some(r)) => {
                    let path = format!("/api/v1/reports/{}/reopen", r["id"]);
                    let body = json!({"version": r["version"], "comment": "Dibuka kembali."});
                    let (s, _) = admin.json("POST", &path, body).await;
                    format!("reopen {p}: {s}")
                }
                (5, _) => {
                    let (v,) = &villages[rng.random_range(0..villages.len())];
                    let (s, body) = admin
                        .patch(
                            &format!("/api/v1/centres/{darul}"),
                            json!({"village_code": v}),
                        )
                        .await;
                    assert_eq!(s, 200, "move to {v}: {body}");
                    format!("move to {v}")
                }
                (6, _) => {
                    // Away to another UPTP (or none), and back the next time.
                    let to = if away {
                        Some(home_uptp)
                    } else {
                        rng.random_bool(0.8)
                            .then(|| uptp[rng.random_range(0..uptp.len())].0)
                    };
                    away = to != Some(home_uptp);
                    let (s, body) = admin
                        .patch(
                            &format!("/api/v1/centres/{darul}"),
                            json!({"pembina_id": to}),
                        )
                        .await;
                    assert_eq!(s, 200, "UPTP {to:?}: {body}");
                    format!("UPTP {to:?}")
                }
                (7, _) => {
                    is_active = !is_active;
                    let status = if is_active { "aktif" } else { "tidak_aktif" };
                    let (s, body) = admin
                        .patch(
                            &format!("/api/v1/centres/{darul}"),
                            json!({"status": status}),
                        )
                        .await;
                    assert_eq!(s, 200, "{status}: {body}");
                    format!("status {status}")
                }
                (8, _) => {
                    // Actions due from the visit day to four months on: some overdue, some
                    // due later this month, some ahead.
                    let due = |rng: &mut StdRng| {
                        (visit_day + time::Duration::days(rng.random_range(0..120))).to_string()
                    };
                    let list: Vec<Value> = (0..rng.random_range(1..3))
                        .map(|i| {
                            json!({"text": format!("Tindakan {step}.{i}"),
                                        "owner": "Kepala BLKK", "due_date": due(&mut rng)})
                        })
                        .collect();
                    let (s, f) = pembina
                        .json(
                            "POST",
                            &format!("{visit}/findings"),
                            json!({"text": format!("Temuan {step}"), "severity": "sedang",
                                   "actions": list}),
                        )
                        .await;
                    // Refused (403) while the BLKK is with another UPTP.
                    if s == 201 {
                        actions.extend(
                            f["actions"]
                                .as_array()
                                .unwrap()
                                .iter()
                                .map(|a| int(&a["id"])),
                        );
                    }
                    format!("finding with {} actions: {s}", list_len(&f))
                }
                (9, _) if !actions.is_empty() => {
                    let a = actions[rng.random_range(0..actions.len())];
                    let path = format!("/api/v1/actions/{a}");
                    let (s, _) = manager
                        .patch(&path, json!({"response": "Sudah dikerjakan."}))
                        .await;
                    format!("answer action {a}: {s}")
                }
                (10, _) if !actions.is_empty() => {
                    let a = actions[rng.random_range(0..actions.len())];
                    let path = format!("/api/v1/actions/{a}");
                    let to = if rng.random_bool(0.5) {
                        "selesai"
                    } else {
                        "terbuka"
                    };
                    let (s, _) = pembina.patch(&path, json!({"status": to})).await;
                    format!("action {a} {to}: {s}")
                }
                (11, _) => {
                    // A month of this year's income recorded or changed: own and aid in
                    // random parts, so the BLKK's band moves too.
                    let year = get_ok(&manager, "/api/v1/income").await;
                    let months = year["months"].as_array().unwrap();
                    let m = &months[rng.random_range(0..months.len())];
                    let amounts = json!({"penjualan": rng.random_range(0..5) * 1_000_000,
                                         "pbk": rng.random_range(0..5) * 3_000_000});
                    let mut body = json!({"month": m["month"], "amounts": amounts});
                    if let Some(v) = m["recorded"].get("version") {
                        body["version"] = v.clone();
                    }
                    let (s, r) = manager.json("PUT", "/api/v1/income", body).await;
                    assert_eq!(s, 200, "{r}");
                    format!("income {}", m["month"])
                }
                _ => format!("open {p}: {s}"),
            };
            steps.push(what);
            if step % 6 == 5 {
                assert_eq!(
                    differences(db).await,
                    Vec::<String>::new(),
                    "after {steps:?}"
                );
            }
        }
        // The queue's overdue actions are the open ones due before today, for the nation
        // and for the pembina's UPTP.
        let (overdue,): (i64,) = db
            .fetch_one(
                Sql::new(
                    "SELECT CAST(COUNT(*) AS BIGINT) FROM visit_actions \
                     WHERE status = 'terbuka' AND due_date < $1",
                )
                .arg(today()),
            )
            .await
            .unwrap();
        assert_eq!(queued(&admin, "action_overdue").await, overdue);
        let (mine,): (i64,) = db
            .fetch_one(
                Sql::new(
                    "SELECT CAST(COUNT(*) AS BIGINT) FROM visit_actions a \
                     JOIN visits v ON v.id = a.visit_id WHERE a.status = 'terbuka' \
                     AND a.due_date < $1 AND a.pembina_id = $2",
                )
                .arg(today())
                .arg(int(&v["pembina_id"])),
            )
            .await
            .unwrap();
        assert_eq!(queued(&pembina, "action_overdue").await, mine);
        // A BLKK added counts at once.
        let before = active(&admin, "nation").await;
        let (s, body) = admin
            .json(
                "POST",
                "/api/v1/centres",
                json!({"name": "BLK Komunitas Uji Angka", "reg_no": "BLKK-2024-3601-77777",
                       "host_name": "Yayasan Uji Angka",
                       "host_type": "komunitas", "status": "aktif",
                       "village_code": "36.01.06.2002", "aid_year": 2024,
                       "kejuruan": ["las"]}),
            )
            .await;
        assert_eq!(s, 201, "{body}");
        assert_eq!(active(&admin, "nation").await, before + 1);
        assert_eq!(
            differences(db).await,
            Vec::<String>::new(),
            "after {steps:?}"
        );
        // Something really moved: sent reports were counted.
        let sent: (i64,) = db
            .fetch_one(
                Sql::new(
                    "SELECT CAST(COUNT(*) AS BIGINT) FROM reports WHERE type_id = $1 \
                     AND status IN ('submitted', 'verified')",
                )
                .arg(type_id),
            )
            .await
            .unwrap();
        assert!(sent.0 > 0, "no report was sent in {steps:?}");
        assert!(!actions.is_empty(), "no action was agreed in {steps:?}");
        assert!(
            steps.iter().filter(|s| s.starts_with("income")).count() > 1,
            "no income recorded in {steps:?}"
        );
        assert!(
            steps
                .iter()
                .any(|s| s.starts_with("answer") && s.ends_with("200 OK")),
            "no action was answered in {steps:?}"
        );
    });
}

fn list_len(f: &Value) -> usize {
    f["actions"].as_array().map_or(0, Vec::len)
}

/// The count of the queue's item of `kind` (0 when absent).
async fn queued(c: &crate::support::Client, kind: &str) -> i64 {
    let q = get_ok(c, "/api/v1/work").await;
    q.as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == kind)
        .map_or(0, |i| int(&i["count"]))
}

/// The active BLKK at a node, from the figures API.
async fn active(c: &crate::support::Client, scope: &str) -> i64 {
    let v = get_ok(
        c,
        &format!("/api/v1/figures?codes=centres.active&scope={scope}"),
    )
    .await;
    int(&v["values"][0]["value"])
}

mod the_figures_api_answers_within_the_callers_scope {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let db = t.db();
        let admin = t.api_as("admin").await;
        let pembina = t.api_as("pembina").await;
        // The nation's active BLKK, as the registry has them.
        let (n,): (i64,) = db
            .fetch_one(Sql::new(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM centres WHERE status = 'aktif'",
            ))
            .await
            .unwrap();
        assert_eq!(active(&admin, "nation").await, n);
        let (p,): (i64,) = db
            .fetch_one(Sql::new(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM centres WHERE status = 'aktif' \
                 AND province_code = '36'",
            ))
            .await
            .unwrap();
        assert_eq!(active(&admin, "province:36").await, p);
        // A month's sent reports, summed over a year for the year.
        let (type_id, period, sent): (i64, String, i64) = db
            .fetch_one(Sql::new(
                "SELECT type_id, period, CAST(COUNT(*) AS BIGINT) FROM reports \
                 WHERE status IN ('submitted', 'verified') GROUP BY type_id, period \
                 ORDER BY period DESC, type_id LIMIT 1",
            ))
            .await
            .unwrap();
        let v = get_ok(
            &admin,
            &format!("/api/v1/figures?codes=reports.sent/{type_id}&period={period}"),
        )
        .await;
        assert_eq!(int(&v["values"][0]["value"]), sent, "{v}");
        assert_eq!(v["values"][0]["unit"], "count");
        assert_eq!(v["scope"], "nation");
        let year = &period[..4];
        let (in_year,): (i64,) = db
            .fetch_one(
                Sql::new(
                    "SELECT CAST(COUNT(*) AS BIGINT) FROM reports WHERE type_id = $1 \
                     AND status IN ('submitted', 'verified') AND period LIKE $2",
                )
                .arg(type_id)
                .arg(format!("{year}-%")),
            )
            .await
            .unwrap();
        let v = get_ok(
            &admin,
            &format!("/api/v1/figures?codes=reports.sent/{type_id}&period={year}"),
        )
        .await;
        assert_eq!(int(&v["values"][0]["value"]), in_year, "{v}");

        // A year's own income and the BLKK in the lowest band, as the yearly totals have them.
        let (y, own, low): (i64, i64, i64) = db
            .fetch_one(Sql::new(
                "SELECT year, CAST(SUM(own) AS BIGINT), \
                 CAST(SUM(CASE WHEN own * 10 < total THEN 1 ELSE 0 END) AS BIGINT) \
                 FROM income_years WHERE total > 0 GROUP BY year ORDER BY year DESC LIMIT 1",
            ))
            .await
            .unwrap();
        let v = get_ok(
            &admin,
            &format!("/api/v1/figures?codes=income.own,income.band/1&period={y}"),
        )
        .await;
        assert_eq!(int(&v["values"][0]["value"]), own, "{v}");
        assert_eq!(v["values"][0]["unit"], "rupiah");
        assert_eq!(int(&v["values"][1]["value"]), low, "{v}");

        // A pembina sees their UPTP (the default), not the nation nor another province.
        let v = get_ok(&pembina, "/api/v1/figures?codes=centres.active").await;
        assert!(v["scope"].as_str().unwrap().starts_with("uptp:"), "{v}");
        let (s, _) = pembina
            .get_json("/api/v1/figures?codes=centres.active&scope=nation")
            .await;
        assert_eq!(s, 403);
        let (s, _) = pembina
            .get_json("/api/v1/figures?codes=centres.active&scope=province:11")
            .await;
        assert_eq!(s, 403);

        // Bad input: a field error each, never a 500.
        for (query, field, code) in [
            ("codes=nope", "codes", "unknown_figure"),
            ("codes=reports.sent", "codes", "unknown_figure"),
            ("codes=centres.active/3", "codes", "unknown_figure"),
            ("codes=", "codes", "required"),
            (
                "codes=centres.active&period=2016",
                "period",
                "invalid_period",
            ),
            (
                "codes=centres.active&period=2031-13",
                "period",
                "invalid_period",
            ),
            (
                "codes=centres.active&scope=planet:1",
                "scope",
                "invalid_scope",
            ),
        ] {
            let (s, body) = admin.get_json(&format!("/api/v1/figures?{query}")).await;
            assert_refused(s, &body, field, code);
        }
        let next = today().year() + 2;
        let (s, body) = admin
            .get_json(&format!(
                "/api/v1/figures?codes=centres.active&period={next}"
            ))
            .await;
        assert_refused(s, &body, "period", "invalid_period");

        // The catalogue names every figure, for anyone.
        let (s, cat) = t
            .anonymous()
            .await
            .get_json("/api/v1/figures/catalogue")
            .await;
        assert_eq!(s, 200);
        let codes: Vec<&str> = cat
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap())
            .collect();
        for c in ["centres.active", "reports.sent", "reports.on_time"] {
            assert!(codes.contains(&c), "{c} in {codes:?}");
        }
    });
}

/// The national late list, read a province at a time, pages through exactly the expected
/// BLKK that have not sent, in province then name order, as counted.
mod the_late_list_pages_through_every_late_blkk_in_order {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let db = t.db();
        let admin = t.api_as("admin").await;
        // A new type every active BLKK sends: last month, all of them are late but those
        // that send now.
        let type_id = create_type(&admin, everyone_type("angka_telat")).await;
        let period = Period::containing(Frequency::Bulanan, today())
            .previous()
            .to_string();
        let manager = t.api_as("pengelola").await;
        let darul = t.org_id(DARUL_BAYAN).await;
        let (s, r) = open(&manager, type_id, darul, &period).await;
        assert_eq!(s, 201, "{r}");
        let path = format!("/api/v1/reports/{}/submit", r["id"]);
        let (s, body) = manager
            .json("POST", &path, json!({"version": r["version"]}))
            .await;
        assert_eq!(s, 200, "{body}");
        let expected: Vec<(i64,)> = db
            .fetch_all(
                Sql::new(
                    "SELECT c.org_id FROM centres c JOIN orgs o ON o.id = c.org_id \
                     LEFT JOIN reports r ON r.centre_id = c.org_id AND r.type_id = $1 \
                     AND r.period = $2 WHERE c.status = 'aktif' \
                     AND (r.id IS NULL OR r.status IN ('draft', 'returned')) \
                     ORDER BY c.province_code, o.name_key, c.org_id",
                )
                .arg(type_id)
                .arg(period.as_str()),
            )
            .await
            .unwrap();
        assert!(
            expected.len() > 50,
            "late BLKK for two pages: {}",
            expected.len()
        );
        let mut listed = Vec::new();
        for page in 1.. {
            let v = get_ok(
                &admin,
                &format!("/api/v1/compliance?type={type_id}&period={period}&page={page}"),
            )
            .await;
            assert_eq!(int(&v["late_total"]), expected.len() as i64, "{v}");
            let rows = v["late"].as_array().unwrap();
            if rows.is_empty() {
                break;
            }
            listed.extend(rows.iter().map(|r| int(&r["centre_id"])));
        }
        let expected: Vec<i64> = expected.into_iter().map(|(id,)| id).collect();
        assert_eq!(listed, expected);
    });
}

/// The compliance page chooses its type, period and scope from lists, shows the ministry
/// the provinces over twelve periods (sortable), and answers a bad or foreign choice with
/// the form and the problem beside the field; the grid's figures are the reports' own.
mod compliance_is_chosen_from_lists_and_shows_the_provinces_over_a_year {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let db = t.db();
        let (monthly,): (i64,) = db
            .fetch_one(Sql::new(
                "SELECT id FROM report_types WHERE code = 'kegiatan_bulanan'",
            ))
            .await
            .unwrap();
        let period = Period::containing(Frequency::Bulanan, today())
            .previous()
            .to_string();
        let admin = t.as_role("admin").await;
        let page = admin
            .get(&format!(
                "/reports/compliance?type={monthly}&period={period}"
            ))
            .await;
        assert_eq!(page.status, 200, "{}", page.text);
        assert!(
            page.text.contains(r#"<select id="period" name="period""#),
            "{}",
            page.text
        );
        assert!(
            page.text.contains(r#"<select id="scope" name="scope""#),
            "{}",
            page.text
        );
        assert!(
            page.text.contains(r#"<option value="province:36""#),
            "{}",
            page.text
        );
        assert!(
            !page.text.contains("province:32, uptp:12"),
            "no typed scopes"
        );
        assert!(
            page.text.contains("Provinsi selama 12 periode"),
            "{}",
            page.text
        );

        // The grid: Banten's cell of the period is its sent reports over its active BLKK.
        let api = t.api_as("admin").await;
        let g = get_ok(
            &api,
            &format!("/api/v1/compliance/grid?type={monthly}&period={period}&sort=timeliness"),
        )
        .await;
        assert_eq!(g["sort"], "timeliness");
        assert_eq!(g["periods"].as_array().unwrap().len(), 12);
        assert_eq!(g["periods"][11], period.as_str());
        let banten = g["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"] == "36")
            .unwrap_or_else(|| panic!("Banten in {g}"));
        let (sent,): (i64,) = db
            .fetch_one(
                Sql::new(
                    "SELECT CAST(COUNT(*) AS BIGINT) FROM reports WHERE type_id = $1 \
                     AND period = $2 AND province_code = '36' \
                     AND status IN ('submitted', 'verified')",
                )
                .arg(monthly)
                .arg(period.as_str()),
            )
            .await
            .unwrap();
        assert_eq!(int(&banten["cells"][11]["sent"]), sent, "{banten}");
        let timeliness: Vec<f64> = g["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["timeliness"].as_f64().unwrap_or(0.0))
            .collect();
        assert!(
            timeliness.windows(2).all(|w| w[0] <= w[1]),
            "worst first: {timeliness:?}"
        );
        let (s, body) = api
            .get_json(&format!("/api/v1/compliance/grid?type={monthly}&sort=size"))
            .await;
        assert_refused(s, &body, "sort", "invalid_choice");
        let (s, _) = t
            .api_as("pembina")
            .await
            .get_json(&format!("/api/v1/compliance/grid?type={monthly}"))
            .await;
        assert_eq!(s, 403);

        // A period the type does not have: the form again, the problem beside the field.
        let bad = admin
            .get(&format!(
                "/reports/compliance?type={monthly}&period=2026-Q1"
            ))
            .await;
        assert_eq!(bad.status, 422, "{}", bad.text);
        assert!(bad.text.contains(r#"id="period-error""#), "{}", bad.text);
        assert!(
            bad.text
                .contains(r#"<form method="get" action="/reports/compliance""#)
        );
        // A scope outside the pembina's own: the same, nothing of it shown.
        let pembina = t.as_role("pembina").await;
        let foreign = pembina
            .get(&format!(
                "/reports/compliance?type={monthly}&scope=province:11"
            ))
            .await;
        assert_eq!(foreign.status, 422, "{}", foreign.text);
        assert!(
            foreign.text.contains(r#"id="scope-error""#),
            "{}",
            foreign.text
        );
        assert!(
            !foreign.text.contains("Belum mengirim ("),
            "{}",
            foreign.text
        );
        let (s, _) = t
            .api_as("pembina")
            .await
            .get_json(&format!(
                "/api/v1/compliance?type={monthly}&scope=province:11"
            ))
            .await;
        assert_eq!(s, 403);
        // Their own scope is offered, and it works.
        let own = pembina
            .get(&format!("/reports/compliance?type={monthly}"))
            .await;
        assert_eq!(own.status, 200, "{}", own.text);
        assert!(own.text.contains(r#"<option value="uptp:"#), "{}", own.text);
        assert!(!own.text.contains("Provinsi selama 12 periode"));
    });
}
