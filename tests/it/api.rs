//! The JSON API's contract: error format, validation, versions, sessions, documents.

use reqwest::StatusCode;
use serde_json::{Value, json};
use simandiri::storage::Sql;

use crate::support::{self, Content, org_id};

const DARUL_BAYAN: &str = "BLK Komunitas PP Salafiyah Darul Bayan";

mod errors_are_structured_json {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let app = support::spawn(&t.db).await;
        let c = support::api_client(&app, "pengelola").await;
        let id = org_id(&t.db, DARUL_BAYAN).await;
        let url = app.url(&format!("/api/v1/centres/{id}"));

        // Several bad fields at once: 422 with every field listed, in Indonesian by default.
        let r = c.patch(&url).json(&json!({"name": "", "contact_email": "bukan-email", "latitude": 50.0, "kejuruan": []})).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"]["code"], "validation_failed");
        let fields: Vec<&str> = body["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        for f in ["name", "contact_email", "latitude", "kejuruan"] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
        assert_eq!(body["error"]["fields"][0]["message"], "Wajib diisi.");
        // English on request.
        let r = c
            .patch(&url)
            .header("accept-language", "en-GB,en;q=0.9")
            .json(&json!({"name": ""}))
            .send()
            .await
            .unwrap();
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"]["fields"][0]["message"], "Required.");
        assert_eq!(body["error"]["message"], "Some fields are invalid.");

        // Malformed JSON, unknown fields and a wrong content type are 400s in the same shape.
        for req in [
            c.patch(&url)
                .header("content-type", "application/json")
                .body("{not json"),
            c.patch(&url).json(&json!({"nama": "typo"})),
            c.patch(&url)
                .header("content-type", "text/plain")
                .body("{}"),
        ] {
            let r = req.send().await.unwrap();
            assert!(
                r.status() == 400 || r.status() == 415 || r.status() == 422,
                "{}",
                r.status()
            );
            let body: Value = r.json().await.unwrap();
            assert!(body["error"]["code"].is_string(), "{body}");
        }
        // Unknown ids and unparsable ids are 404s.
        for path in [
            "/api/v1/centres/999999",
            "/api/v1/centres/abc",
            "/api/v1/nothing",
        ] {
            let r = c.get(app.url(path)).send().await.unwrap();
            assert_eq!(r.status(), 404, "{path}");
            let body: Value = r.json().await.unwrap();
            assert_eq!(body["error"]["code"], "not_found");
        }
        // Nothing was saved by any of this.
        let (name,): (String,) =
            t.db.fetch_one(Sql::new("SELECT name FROM orgs WHERE id = $1").arg(id))
                .await
                .unwrap();
        assert_eq!(name, "BLK Komunitas PP Salafiyah Darul Bayan");
    });
}

mod versions_prevent_lost_updates {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let app = support::spawn(&t.db).await;
        let c = support::api_client(&app, "pengelola").await;
        let id = org_id(&t.db, DARUL_BAYAN).await;
        let url = app.url(&format!("/api/v1/centres/{id}"));
        let current: Value = c.get(&url).send().await.unwrap().json().await.unwrap();
        let v = current["version"].as_i64().unwrap();
        let r = c
            .patch(&url)
            .json(&json!({"street": "Jl. Raya Panimbang", "version": v}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let r = c
            .patch(&url)
            .json(&json!({"street": "Jl. Lain", "version": v}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 409);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"]["code"], "conflict");
        let now: Value = c.get(&url).send().await.unwrap().json().await.unwrap();
        assert_eq!(now["street"], "Jl. Raya Panimbang");
        assert_eq!(now["version"], json!(v + 1));
    });
}

mod sessions_end_on_the_server {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let app = support::spawn(&t.db).await;
        let c = support::client();
        // Same answer for an unknown account and a wrong password.
        let unknown = c
            .post(app.url("/api/v1/session"))
            .json(&json!({"email": "siapa@contoh.id", "password": "x"}))
            .send()
            .await
            .unwrap();
        let wrong = c
            .post(app.url("/api/v1/session"))
            .json(&json!({"email": support::demo_email("mitra"), "password": "x"}))
            .send()
            .await
            .unwrap();
        assert_eq!(unknown.status(), 401);
        assert_eq!(wrong.status(), 401);
        assert_eq!(unknown.text().await.unwrap(), wrong.text().await.unwrap());

        let r = c
            .post(app.url("/api/v1/session"))
            .json(
                &json!({"email": support::demo_email("mitra"), "password": support::DEMO_PASSWORD}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let cookie = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|v| v.starts_with("simandiri_session="))
            .expect("session cookie");
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Lax"), "{cookie}");
        let me: Value = r.json().await.unwrap();
        assert_eq!(me["user"]["role"], "mitra");
        let session_value = cookie.split(';').next().unwrap().to_owned();

        assert_eq!(
            c.delete(app.url("/api/v1/session"))
                .send()
                .await
                .unwrap()
                .status(),
            204
        );
        // The old cookie, replayed by another client, no longer signs anyone in.
        let other = support::client();
        let r = other
            .get(app.url("/api/v1/session"))
            .header("cookie", session_value)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
        let (n,): (i64,) =
            t.db.fetch_one(Sql::new(
                "SELECT COUNT(*) FROM sessions WHERE user_id IS NOT NULL",
            ))
            .await
            .unwrap();
        assert_eq!(n, 0, "the session row is gone");

        // Repeated failures are throttled with 429 and Retry-After.
        let mut last = StatusCode::OK;
        for _ in 0..6 {
            let r = c
                .post(app.url("/api/v1/session"))
                .json(&json!({"email": support::demo_email("forum"), "password": "salah"}))
                .send()
                .await
                .unwrap();
            last = r.status();
            if last == 429 {
                assert!(r.headers().contains_key("retry-after"));
                break;
            }
        }
        assert_eq!(last, 429);
    });
}

mod reference_endpoints {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let app = support::spawn(&t.db).await;
        let c = support::client();
        let get = |path: &str| {
            let req = c.get(app.url(path));
            async move {
                let r = req.send().await.unwrap();
                (r.status(), r.json::<Value>().await.unwrap_or(Value::Null))
            }
        };
        let (s, v) = get("/api/v1/areas/villages?q=Desa%20Mekar%20Jaya&regency=36.01").await;
        assert_eq!(s, 200);
        assert!(
            v.as_array()
                .unwrap()
                .iter()
                .any(|x| x["code"] == "36.01.06.2002" && x["district_name"] == "Panimbang"),
            "{v}"
        );
        let (s, v) = get("/api/v1/areas/villages?q=ab").await;
        assert_eq!(s, 422, "national search needs 3 letters");
        assert_eq!(v["error"]["fields"][0]["field"], "q");
        let (s, _) = get("/api/v1/areas/villages?q=mekar&regency=36").await;
        assert_eq!(s, 422, "a province is not a regency");
        let (s, v) = get("/api/v1/areas/provinces").await;
        assert_eq!(s, 200);
        assert_eq!(v.as_array().unwrap().len(), 38);
        let (_, v) = get("/api/v1/areas/36.01/children").await;
        assert!(
            v.as_array()
                .unwrap()
                .iter()
                .any(|a| a["name"] == "Panimbang")
        );
        let (_, v) = get("/api/v1/kejuruan").await;
        assert!(v.as_array().unwrap().len() >= 15);
        let (s, v) = get("/api/v1/centres?province=73&page=1").await;
        assert_eq!(s, 200);
        assert!(v["total"].as_i64().unwrap() >= 3);
        assert!(
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|i| i["province_code"] == "73")
        );
        let (s, _) = get("/api/v1/centres?page=-1").await;
        assert_eq!(s, 400);

        let (s, doc) = get("/api/openapi.json").await;
        assert_eq!(s, 200);
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        for path in [
            "/api/v1/session",
            "/api/v1/centres",
            "/api/v1/centres/{id}",
            "/api/v1/areas/villages",
            "/api/v1/orgs",
        ] {
            assert!(doc["paths"][path].is_object(), "{path} documented");
        }
        assert!(doc["paths"]["/api/v1/centres/{id}"]["patch"].is_object());

        let r = c.get(app.url("/healthz")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let metrics = c
            .get(app.url("/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(metrics.contains("http_requests_total"), "{metrics}");
        assert!(
            metrics.contains("route=\"/api/v1/centres\""),
            "metrics are labelled by route pattern"
        );
    });
}
