//! Security across features: headers, CSRF, what is cached, NUL bytes, page bounds,
//! redirect targets, and metrics kept private and bounded.

use reqwest::StatusCode;
use serde_json::json;
use simandiri::kernel::web::WebConfig;

use crate::attachments::PNG;
use crate::support::{Client, Content, DEMO_PASSWORD, Kind, TestApp, demo_email};
use crate::support::{create_type, int, last_month, open, test_type};

mod headers_and_csrf {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = Client::new(&t.base);
        let r = c.get("/centres").await;
        assert_eq!(r.status, 200);
        let csp = r.header("content-security-policy");
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"),
            "{csp}"
        );
        assert_eq!(r.header("x-content-type-options"), "nosniff");
        assert_eq!(r.header("referrer-policy"), "same-origin");
        assert_eq!(
            r.header("strict-transport-security"),
            "",
            "no HSTS over plain HTTP"
        );
        let csrf_cookie = r
            .headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap())
            .find(|v| v.starts_with("simandiri_csrf="))
            .expect("csrf cookie");
        assert!(
            csrf_cookie.contains("HttpOnly") && csrf_cookie.contains("SameSite=Strict"),
            "{csrf_cookie}"
        );

        // A form post without the token (or with a wrong one) is refused, and signs nobody in.
        let email = demo_email("admin");
        for token in [None, Some("0".repeat(64))] {
            let mut form = vec![("email", email.as_str()), ("password", DEMO_PASSWORD)];
            if let Some(tok) = &token {
                form.push(("_csrf", tok));
            }
            let r = c.form_raw("/login", &form).await;
            assert_eq!(r.status, 403);
            assert!(r.text.contains("Formulir kedaluwarsa"));
            assert!(
                r.text.contains("name=\"csrf-token\" content=\""),
                "a usable page"
            );
        }
        assert_eq!(c.get("/me").await.status, 303, "still signed out");

        // No state change on GET.
        assert_eq!(
            c.get("/logout").await.status,
            StatusCode::METHOD_NOT_ALLOWED
        );
        // An unknown page is a friendly 404 page.
        let r = c.get("/tidak-ada").await;
        assert_eq!(r.status, 404);
        assert!(r.text.contains("Halaman tidak ditemukan"));
        // Static files come from the binary.
        let r = c.get("/static/htmx-2.0.11.min.js").await;
        assert_eq!(r.status, 302);
        let r = c.get(r.header("location")).await;
        assert_eq!(r.status, 200);
        assert!(r.header("content-type").starts_with("text/javascript"));
    });
}

/// What a page of another site makes the browser send with a form or a `fetch`.
const CROSS_SITE: &[(&str, &str)] = &[
    ("origin", "https://evil.example"),
    ("sec-fetch-site", "cross-site"),
];

/// Sends `req` with `headers`; the status and the JSON answer.
async fn send(
    req: reqwest::RequestBuilder,
    headers: &[(&str, &str)],
) -> (StatusCode, serde_json::Value) {
    let mut req = req;
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let r = req.send().await.expect("request");
    let status = r.status();
    let text = r.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or_default())
}

/// A state-changing API request with the user's session is refused when a browser says it
/// comes from another site, whatever its content type (uploads too), unless it carries the
/// CSRF token; same-origin requests and clients that send neither `Origin` nor
/// `Sec-Fetch-Site` (curl, scripts) pass. Nobody is signed in by another site either.
mod cross_site_api_writes_are_refused {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let darul = t.org_id(simandiri::seed::demo::DARUL_BAYAN).await;
        let admin = t.api_as("admin").await;
        let type_id = create_type(&admin, test_type("uji_csrf", &[darul])).await;
        // A browser: the session cookie and the CSRF cookie.
        let c = t.as_role("pengelola").await;
        let (s, r) = open(&c, type_id, darul, &last_month().to_string()).await;
        assert_eq!(s, 201, "{r}");
        let uploads = format!("/api/v1/reports/{}/attachments", int(&r["id"]));
        let centre = format!("/api/v1/centres/{darul}");
        let upload = || {
            let part = reqwest::multipart::Part::bytes(PNG.to_vec()).file_name("foto.png");
            c.http
                .post(c.url(&uploads))
                .multipart(reqwest::multipart::Form::new().part("file", part))
        };
        // A change as a careful client sends it: over the version just read.
        let (c_ref, centre_ref) = (&c, &centre);
        let patch = move |head: &'static str| async move {
            let etag = c_ref.get(centre_ref).await.header("etag").to_owned();
            c_ref
                .http
                .patch(c_ref.url(centre_ref))
                .header("if-match", etag)
                .json(&json!({"head_name": head}))
        };
        let written = || async {
            let (n,): (i64,) = t
                .db()
                .fetch_one(simandiri::kernel::db::Sql::new(
                    "SELECT COUNT(*) FROM attachments WHERE entity = 'report'",
                ))
                .await
                .unwrap();
            let (_, centre) = c.get_json(&centre).await;
            (
                n,
                centre["head_name"].as_str().unwrap_or_default().to_owned(),
            )
        };
        let before = written().await;

        // Another site: refused with a JSON error, nothing written.
        let bad_token = "0".repeat(64);
        for headers in [
            CROSS_SITE.to_vec(),
            vec![("origin", "https://evil.example")],
            vec![("origin", "null")],
            vec![("sec-fetch-site", "same-site")],
            vec![
                ("origin", "https://evil.example"),
                ("x-csrf-token", &bad_token),
            ],
        ] {
            let (s, body) = send(upload(), &headers).await;
            assert_eq!(s, 403, "{headers:?}: {body}");
            assert_eq!(body["error"]["code"], "csrf_failed", "{body}");
            let (s, body) = send(patch("Dari situs lain").await, &headers).await;
            assert_eq!(s, 403, "{headers:?}: {body}");
            assert_eq!(body["error"]["code"], "csrf_failed", "{body}");
        }
        assert_eq!(written().await, before, "nothing written");

        // The same origin, as the browser says it: accepted.
        let (s, body) = send(
            upload(),
            &[("origin", &t.base), ("sec-fetch-site", "same-origin")],
        )
        .await;
        assert_eq!(s, 201, "{body}");
        let (s, body) = send(patch("Kepala satu").await, &[("origin", &t.base)]).await;
        assert_eq!(s, 200, "{body}");
        // A client that says nothing (curl, scripts): accepted.
        let (s, body) = send(upload(), &[]).await;
        assert_eq!(s, 201, "{body}");
        let (s, body) = send(patch("Kepala dua").await, &[]).await;
        assert_eq!(s, 200, "{body}");
        // With the CSRF token in the header: accepted, even from another site.
        let mut with_token = CROSS_SITE.to_vec();
        with_token.push(("x-csrf-token", &c.csrf));
        let (s, body) = send(upload(), &with_token).await;
        assert_eq!(s, 201, "{body}");
        let (s, body) = send(patch("Kepala tiga").await, &with_token).await;
        assert_eq!(s, 200, "{body}");
        assert_eq!(written().await, (before.0 + 3, "Kepala tiga".to_owned()));

        // Another site cannot sign the browser in (to an account of its choosing).
        let stranger = Client::new(&t.base);
        let credentials = json!({"email": demo_email("mitra"), "password": DEMO_PASSWORD});
        let req = stranger
            .http
            .post(stranger.url("/api/v1/session"))
            .json(&credentials);
        let (s, body) = send(req, CROSS_SITE).await;
        assert_eq!(s, 403, "{body}");
        assert_eq!(stranger.get_json("/api/v1/session").await.0, 401);
        let req = stranger
            .http
            .post(stranger.url("/api/v1/session"))
            .json(&credentials);
        let (s, body) = send(req, &[("origin", &t.base)]).await;
        assert_eq!(s, 200, "{body}");
    });
}

/// Everything a signed-in user is shown is kept out of shared caches.
mod personal_answers_are_not_stored {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = t.as_role("pengelola").await;
        let id = t.org_id("BLK Komunitas PP Salafiyah Darul Bayan").await;
        for path in [
            "/me".to_owned(),
            format!("/centres/{id}"),
            format!("/centres/{id}/edit"),
            format!("/centres/{id}/history"),
            format!("/api/v1/centres/{id}"),
            "/api/v1/session".to_owned(),
        ] {
            let r = c.get(&path).await;
            assert_eq!(r.status, 200, "{path}");
            assert_eq!(r.header("cache-control"), "no-store", "{path}");
        }
        let css = stylesheet_of(&c.get("/me").await.text);
        let r = c.get(&css).await;
        assert_eq!(r.status, 200);
        assert_eq!(
            r.header("cache-control"),
            "public, max-age=31536000, immutable"
        );
    });
}

/// The stylesheet a page links.
fn stylesheet_of(html: &str) -> String {
    let marker = "<link rel=\"stylesheet\" href=\"";
    let start = html.find(marker).expect("a stylesheet") + marker.len();
    html[start..start + html[start..].find('"').expect("its end")].to_owned()
}

/// Static files are linked by a URL naming their content and kept by browsers for a year;
/// a page cached from another release (its files under other hashes) still gets them.
mod static_files_are_linked_by_their_hash_and_kept {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = t.anonymous().await;
        let page = c.get("/").await;
        let css = stylesheet_of(&page.text);
        let hash = css
            .strip_prefix("/static/app.")
            .and_then(|h| h.strip_suffix(".css"))
            .unwrap_or_else(|| panic!("a hashed stylesheet: {css}"));
        assert_eq!(hash.len(), 10, "{css}");
        assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()), "{css}");
        for script in ["/static/app.", "/static/htmx-2.0.11.min."] {
            assert!(page.text.contains(script), "{script}");
            assert!(!page.text.contains(&format!("{script}js\"")), "{script}");
        }
        let r = c.get(&css).await;
        assert_eq!(r.status, 200);
        assert!(r.header("content-type").starts_with("text/css"));
        assert_eq!(
            r.header("cache-control"),
            "public, max-age=31536000, immutable"
        );
        assert!(r.text.contains(".table-wrap"));
        // The plain name and another release's hash lead to the current file.
        for old in ["/static/app.css", "/static/app.0123456789.css"] {
            let r = c.get(old).await;
            assert_eq!(r.status, 302, "{old}");
            assert_eq!(r.header("location"), css, "{old}");
            assert_ne!(
                r.header("cache-control"),
                "public, max-age=31536000, immutable"
            );
        }
        assert_eq!(c.get("/static/nothing.0123456789.css").await.status, 404);
    });
}

/// PostgreSQL cannot store a NUL; it is refused before any SQL, on both databases.
mod nul_bytes_are_refused {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = t.api_as("admin").await;
        for path in [
            "/centres?q=a%00b",
            "/centres?province=%00",
            "/api/v1/centres?q=a%00b",
            "/api/v1/areas/36%00/children",
            "/api/v1/orgs?q=%00",
        ] {
            let r = c.get(path).await;
            assert_eq!(r.status, 400, "{path}: {}", r.text);
        }
        let (s, _) = c
            .json(
                "POST",
                "/api/v1/session",
                json!({"email": "a\u{0}@x.id", "password": "x"}),
            )
            .await;
        assert_eq!(s, 400);
        let (s, _) = c
            .json(
                "POST",
                "/api/v1/orgs",
                json!({"kind": "mitra", "subtype": "umkm", "name": "A\u{0}B"}),
            )
            .await;
        assert_eq!(s, 400);
        let anon = t.anonymous().await;
        let r = anon
            .form("/login", &[("email", "a\u{0}b"), ("password", "x")])
            .await;
        assert_eq!(r.status, 400);
    });
}

/// Page numbers are bounded everywhere: no overflow, no silent wrap.
mod page_numbers_are_bounded {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = t.as_role("admin").await;
        for path in [
            "/orgs?page=9223372036854775807",
            "/api/v1/orgs?page=9223372036854775807",
            "/centres?page=9223372036854775807",
            "/api/v1/centres?page=-1",
            "/api/v1/centres?page=0",
        ] {
            let r = c.get(path).await;
            assert_eq!(r.status, 400, "{path}");
        }
        let (s, body) = c.get_json("/api/v1/orgs?page=100000").await;
        assert_eq!(s, 200);
        assert_eq!(body["items"], json!([]));
    });
}

/// One check on every redirect target taken from a request.
mod redirect_targets_stay_local {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = t.anonymous().await;
        let r = c.get("/login?next=/%09/evil.example").await;
        assert!(r.text.contains("name=\"next\" value=\"/\""), "tab refused");
        for next in [
            "/\t/evil.example",
            "/\n/x",
            "/\\evil.example",
            "//evil.example",
        ] {
            let r = c
                .form(
                    "/login",
                    &[
                        ("email", &demo_email("mitra")),
                        ("password", DEMO_PASSWORD),
                        ("next", next),
                    ],
                )
                .await;
            assert_eq!(r.status, 303, "{next:?}");
            assert_eq!(r.header("location"), "/", "{next:?}");
        }
        for back in [
            "/\\evil.example",
            "/\r\nx",
            "//evil.example",
            "https://evil.example",
        ] {
            let r = c.form("/lang", &[("lang", "en"), ("back", back)]).await;
            assert_eq!(r.status, 303, "{back:?}");
            assert_eq!(r.header("location"), "/", "{back:?}");
        }
        let r = c
            .form("/lang", &[("lang", "en"), ("back", "/centres?q=a")])
            .await;
        assert_eq!(r.header("location"), "/centres?q=a");
    });
}

/// Served over HTTPS: every cookie is `Secure` and browsers are told to stay on HTTPS.
#[tokio::test]
async fn secure_deployments_mark_cookies_and_send_hsts() {
    let config = WebConfig {
        secure_cookies: true,
        ..Default::default()
    };
    let t = TestApp::with(Kind::Sqlite, Content::Reference, config)
        .await
        .expect("sqlite");
    let c = t.anonymous().await;
    let r = c.get("/").await;
    assert_eq!(
        r.header("strict-transport-security"),
        "max-age=31536000; includeSubDomains"
    );
    let r = c.form("/lang", &[("lang", "en"), ("back", "/")]).await;
    let cookie = r.header("set-cookie");
    assert!(
        cookie.starts_with("lang=en") && cookie.contains("; Secure"),
        "{cookie}"
    );
}

/// Metrics are not on the public address; on their own, their labels stay bounded.
#[tokio::test]
async fn metrics_are_private_and_bounded() {
    let t = TestApp::reference(Kind::Sqlite).await.expect("sqlite");
    let c = t.anonymous().await;
    assert_eq!(c.get("/metrics").await.status, 404);
    assert_eq!(c.url("/metrics"), t.url("/metrics"));
    for m in ["FOO", "BAR", "BAZ"] {
        let r = c
            .http
            .request(m.parse().unwrap(), c.url("/centres"))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_client_error(), "{m}");
    }
    c.get("/api/v1/kejuruan").await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            simandiri::kernel::web::telemetry::metrics_router(),
        )
        .await
        .unwrap();
    });
    let text = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("route=\"/api/v1/kejuruan\""), "{text}");
    assert!(text.contains("method=\"other\""), "{text}");
    for m in ["FOO", "BAR", "BAZ"] {
        assert!(
            !text.contains(&format!("method=\"{m}\"")),
            "{m} is not a label"
        );
    }
}

/// Every date a user types is bounded to a sane range with a field error naming it, and
/// nothing is saved: a batch from 2017 to the year after next and at most two years long,
/// an agreement from 2000 to ten years ahead, an income month and a report period from
/// 2017 to now, a visit planned from 2017 to next year and recorded up to today, an action
/// due up to the year after next, an aid program's budget year from 2017 to next year. A
/// valid date still passes.
mod dates_are_bounded {
    use super::*;
    use crate::support::{assert_refused, create_type, int, open, test_type};
    use simandiri::kernel::db::Sql;
    use simandiri::kernel::time::{this_year, today};
    use simandiri::seed::demo::{DARUL_BAYAN, MES};

    const EARLY: &str = "0001-01-01";
    const LATE: &str = "9999-12-31";

    async fn rows(t: &TestApp, table: &str) -> i64 {
        let (n,): (i64,) = t
            .db()
            .fetch_one(Sql::new(format!("SELECT COUNT(*) FROM {table}")))
            .await
            .unwrap();
        n
    }

    crate::on_both!(Content::Demo, |t| {
        let darul = t.org_id(DARUL_BAYAN).await;
        let c = t.api_as("pengelola").await;
        let pembina = t.api_as("pembina").await;
        let admin = t.api_as("admin").await;
        let out = "date_out_of_range";

        // A batch.
        let (_, kejuruan) = c.get_json("/api/v1/kejuruan").await;
        let batch = |start: &str, end: &str| {
            json!({"kejuruan": kejuruan[0]["code"], "title": "Menjahit", "start_date": start,
                "end_date": end, "hours": 240, "quota": 16, "fee": 0, "funding": "pbk"})
        };
        let before = rows(&t, "trainings").await;
        for (start, end, field) in [
            (EARLY, "2026-02-27", "start_date"),
            ("2026-01-05", LATE, "end_date"),
            (EARLY, LATE, "start_date"),
        ] {
            let (s, body) = c.json("POST", "/api/v1/trainings", batch(start, end)).await;
            assert_refused(s, &body, field, out);
            assert!(
                body["error"]["fields"][0]["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("2017-01-01")),
                "the range is named: {body}"
            );
        }
        let (s, body) = c
            .json(
                "POST",
                "/api/v1/trainings",
                batch("2025-01-06", "2027-03-01"),
            )
            .await;
        assert_refused(s, &body, "end_date", "batch_too_long");
        assert_eq!(rows(&t, "trainings").await, before, "nothing saved");
        let (s, created) = c
            .json(
                "POST",
                "/api/v1/trainings",
                batch("2025-01-06", "2027-01-06"),
            )
            .await;
        assert_eq!(s, 201, "{created}");
        let id = int(&created["id"]);
        let (s, body) = c
            .patch(
                &format!("/api/v1/trainings/{id}"),
                json!({"end_date": LATE}),
            )
            .await;
        assert_refused(s, &body, "end_date", out);

        // An agreement.
        let mes = t.org_id(MES).await;
        let agreement = |start: &str, end: &str| {
            json!({"partner_id": mes, "title": "Magang", "document": "pks",
                "coverage": ["magang"], "start_date": start, "end_date": end, "status": "aktif"})
        };
        let before = rows(&t, "partnerships").await;
        let (s, body) = c
            .json(
                "POST",
                "/api/v1/partnerships",
                agreement(EARLY, "2026-12-31"),
            )
            .await;
        assert_refused(s, &body, "start_date", out);
        let (s, body) = c
            .json(
                "POST",
                "/api/v1/partnerships",
                agreement("2026-01-01", LATE),
            )
            .await;
        assert_refused(s, &body, "end_date", out);
        assert_eq!(rows(&t, "partnerships").await, before);
        let (s, body) = c
            .json(
                "POST",
                "/api/v1/partnerships",
                agreement("2026-01-01", "2030-12-31"),
            )
            .await;
        assert_eq!(s, 201, "{body}");

        // An income month.
        let before = rows(&t, "income_months").await;
        let (s, body) = c
            .json(
                "PUT",
                "/api/v1/income",
                json!({"month": "2016-12", "amounts": {"penjualan": 1}}),
            )
            .await;
        assert_refused(s, &body, "month", out);
        assert_eq!(rows(&t, "income_months").await, before);
        let (s, body) = c
            .json(
                "PUT",
                "/api/v1/income",
                json!({"month": "2017-01", "amounts": {"penjualan": 1}}),
            )
            .await;
        assert_eq!(s, 200, "{body}");

        // A report period.
        let type_id = create_type(&admin, test_type("uji_tanggal", &[darul])).await;
        let (s, body) = open(&c, type_id, darul, "2016-12").await;
        assert_refused(s, &body, "period", out);
        let (s, body) = open(&c, type_id, darul, "2017-01").await;
        assert_eq!(s, 201, "{body}");

        // A visit, its record and an action.
        let before = rows(&t, "visits").await;
        for day in [EARLY, LATE] {
            let (s, body) = pembina
                .json(
                    "POST",
                    "/api/v1/visits",
                    json!({"centre_id": darul, "planned_date": day, "purpose": "Monev"}),
                )
                .await;
            assert_refused(s, &body, "planned_date", out);
        }
        assert_eq!(rows(&t, "visits").await, before);
        let (s, v) = pembina
            .json(
                "POST",
                "/api/v1/visits",
                json!({"centre_id": darul, "planned_date": today().to_string(),
                    "purpose": "Monev"}),
            )
            .await;
        assert_eq!(s, 201, "{v}");
        let visit = format!("/api/v1/visits/{}", int(&v["id"]));
        for day in [EARLY, LATE] {
            let (s, body) = pembina.patch(&visit, json!({"visited_date": day})).await;
            assert_refused(s, &body, "visited_date", out);
        }
        let (s, body) = pembina
            .patch(&visit, json!({"visited_date": today().to_string()}))
            .await;
        assert_eq!(s, 200, "{body}");
        let finding = |due: &str| {
            json!({"text": "Atap bocor", "severity": "sedang",
                "actions": [{"text": "Perbaiki", "owner": "Kepala BLKK", "due_date": due}]})
        };
        let (s, body) = pembina
            .json("POST", &format!("{visit}/findings"), finding(LATE))
            .await;
        assert_refused(s, &body, "actions.0.due_date", out);
        let due = format!("{}-12-31", this_year() + 2);
        let (s, body) = pembina
            .json("POST", &format!("{visit}/findings"), finding(&due))
            .await;
        assert_eq!(s, 201, "{body}");

        // An aid program's budget year.
        let program = |year: i64| {
            json!({"name": format!("PBK {year}"), "kind": "pbk", "budget_year": year,
                "obligations": []})
        };
        for year in [1, 2016, this_year() + 2, 9999] {
            let (s, body) = admin
                .json("POST", "/api/v1/aid-programs", program(year))
                .await;
            assert_refused(s, &body, "budget_year", "out_of_range");
        }
        let (s, body) = admin
            .json("POST", "/api/v1/aid-programs", program(this_year() + 1))
            .await;
        assert_eq!(s, 201, "{body}");
    });
}
