//! No write overwrites silently: every update of an existing record names the version it was
//! based on (in its body, or as `If-Match` with the `ETag` its read returned). The API
//! document is the list: each PATCH, PUT and POST in it is either a creation (or has another
//! precondition, named below) or refuses a missing version with 428, which this test sends
//! to every one of them. A new route must be put in one list or the other.

use serde_json::{Value, json};
use simandiri::kernel::db::Sql;
use simandiri::seed::demo::{DARUL_BAYAN, MES};

use crate::support::{Batch, first_kejuruan, id_of, woman};
use crate::support::{Client, Content, TestApp, demo_email};

/// Writes that need no version, and why.
const EXEMPT: &[(&str, &str, &str)] = &[
    ("post", "/api/v1/session", "signing in"),
    ("post", "/api/v1/password-reset", "asks for a one-time link"),
    ("post", "/api/v1/password-reset/confirm", "a one-time token"),
    ("post", "/api/v1/invitations/accept", "a one-time token"),
    ("put", "/api/v1/me/password", "the current password"),
    ("post", "/api/v1/centres", "creates"),
    ("post", "/api/v1/orgs", "creates"),
    ("post", "/api/v1/users", "creates"),
    (
        "post",
        "/api/v1/imports/centres",
        "creates or updates by a file's rows, each read first",
    ),
    ("post", "/api/v1/trainings", "creates"),
    ("post", "/api/v1/trainings/{id}/enrolments", "creates"),
    (
        "post",
        "/api/v1/enrolments/{id}/outcomes",
        "adds to a history",
    ),
    (
        "post",
        "/api/v1/enrolments/{id}/link",
        "creates a one-time code",
    ),
    (
        "post",
        "/api/v1/enrolments/{id}/link/confirm",
        "the one-time code",
    ),
    (
        "post",
        "/api/v1/me/links/{centre_id}",
        "the person's consent to a waiting request",
    ),
    (
        "post",
        "/api/v1/public/trainings/{id}/applications",
        "creates",
    ),
    ("post", "/api/v1/report-types", "creates"),
    ("post", "/api/v1/reports", "opens a period's report once"),
    (
        "post",
        "/api/v1/{kind}/{id}/comments",
        "adds to a conversation",
    ),
    ("post", "/api/v1/partnerships", "creates"),
    ("post", "/api/v1/aid-programs", "creates"),
    (
        "post",
        "/api/v1/aid-programs/{id}/allocations",
        "creates, once per BLKK",
    ),
    ("post", "/api/v1/visits", "creates"),
    ("post", "/api/v1/visits/{id}/findings", "creates"),
    (
        "post",
        "/api/v1/{kind}/{id}/attachments",
        "adds a file to a record",
    ),
];

/// One versioned write: who may make it, on which record, with which otherwise valid body,
/// and where the record is read (its `ETag`), if it has a read of its own.
struct Versioned {
    method: &'static str,
    path: &'static str,
    role: &'static str,
    id: Option<i64>,
    body: Value,
    read: Option<&'static str>,
}

async fn one(t: &TestApp, sql: &str, arg: i64) -> i64 {
    let (id,): (i64,) = t
        .db()
        .fetch_one(Sql::new(sql).arg(arg))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e:?}"));
    id
}

fn fill(path: &str, id: Option<i64>) -> String {
    match id {
        Some(id) => path.replace("{id}", &id.to_string()),
        None => path.to_owned(),
    }
}

/// A waiting application to Darul Bayan, made for the test.
async fn application(t: &TestApp) -> i64 {
    let c = t.api_as("pengelola").await;
    let k = first_kejuruan(&c).await;
    let open = Batch::of(&k, "Uji Versi").days(30, 50).id(&c).await;
    let (s, a) = t
        .anonymous()
        .await
        .json(
            "POST",
            &format!("/api/v1/public/trainings/{open}/applications"),
            json!({"nik": woman(9401), "name": "Pelamar Versi", "consent": true}),
        )
        .await;
    assert_eq!(s, 201, "{a}");
    let (id,): (i64,) = t
        .db()
        .fetch_one(
            Sql::new("SELECT id FROM applications WHERE code = $1")
                .arg(a["code"].as_str().unwrap_or_default()),
        )
        .await
        .expect("the application");
    id
}

async fn versioned(t: &TestApp) -> Vec<Versioned> {
    let darul = t.org_id(DARUL_BAYAN).await;
    let mes = t.org_id(MES).await;
    let serang = t.org_id("BBPVP Serang").await;
    let (month,): (String,) = t
        .db()
        .fetch_one(
            Sql::new("SELECT month FROM income_months WHERE centre_id = $1 ORDER BY month LIMIT 1")
                .arg(darul),
        )
        .await
        .expect("a recorded month of Darul Bayan's income");
    let (mitra,): (i64,) = t
        .db()
        .fetch_one(Sql::new("SELECT id FROM users WHERE email = $1").arg(demo_email("mitra")))
        .await
        .unwrap();
    let report = one(
        t,
        "SELECT id FROM reports WHERE centre_id = $1 ORDER BY id LIMIT 1",
        darul,
    )
    .await;
    let v = |method, path, role, id, body, read| Versioned {
        method,
        path,
        role,
        id,
        body,
        read,
    };
    let empty = || json!({});
    vec![
        v(
            "patch",
            "/api/v1/actions/{id}",
            "admin",
            Some(
                one(
                    t,
                    "SELECT id FROM visit_actions WHERE centre_id = $1 ORDER BY id",
                    darul,
                )
                .await,
            ),
            empty(),
            Some("/api/v1/actions/{id}"),
        ),
        v(
            "patch",
            "/api/v1/centres/{id}",
            "admin",
            Some(darul),
            empty(),
            Some("/api/v1/centres/{id}"),
        ),
        v(
            "patch",
            "/api/v1/orgs/{id}",
            "admin",
            Some(serang),
            empty(),
            Some("/api/v1/orgs/{id}"),
        ),
        v(
            "patch",
            "/api/v1/partnerships/{id}",
            "pengelola",
            Some(
                one(
                    t,
                    "SELECT id FROM partnerships WHERE holder_id = $1 ORDER BY id",
                    darul,
                )
                .await,
            ),
            empty(),
            Some("/api/v1/partnerships/{id}"),
        ),
        v(
            "post",
            "/api/v1/partnerships/{id}/confirm",
            "mitra",
            Some(
                one(
                    t,
                    "SELECT id FROM partnerships WHERE partner_id = $1 ORDER BY id",
                    mes,
                )
                .await,
            ),
            empty(),
            Some("/api/v1/partnerships/{id}"),
        ),
        v(
            "patch",
            "/api/v1/trainings/{id}",
            "admin",
            Some(
                one(
                    t,
                    "SELECT id FROM trainings WHERE centre_id = $1 ORDER BY id",
                    darul,
                )
                .await,
            ),
            empty(),
            Some("/api/v1/trainings/{id}"),
        ),
        v(
            "put",
            "/api/v1/enrolments/{id}/result",
            "admin",
            Some(
                one(
                    t,
                    "SELECT id FROM enrolments WHERE centre_id = $1 ORDER BY id",
                    darul,
                )
                .await,
            ),
            json!({"result": "kompeten"}),
            Some("/api/v1/enrolments/{id}"),
        ),
        v(
            "post",
            "/api/v1/applications/{id}/decision",
            "pengelola",
            Some(application(t).await),
            json!({"accept": true}),
            None,
        ),
        v(
            "patch",
            "/api/v1/users/{id}",
            "admin",
            Some(mitra),
            empty(),
            Some("/api/v1/users/{id}"),
        ),
        v(
            "post",
            "/api/v1/users/{id}/invitation",
            "admin",
            Some(mitra),
            empty(),
            Some("/api/v1/users/{id}"),
        ),
        v(
            "patch",
            "/api/v1/visits/{id}",
            "pembina",
            Some(
                one(
                    t,
                    "SELECT id FROM visits WHERE centre_id = $1 ORDER BY id",
                    darul,
                )
                .await,
            ),
            empty(),
            Some("/api/v1/visits/{id}"),
        ),
        v(
            "put",
            "/api/v1/income",
            "pengelola",
            None,
            json!({"month": month, "amounts": {"penjualan": 1000}}),
            None,
        ),
        v(
            "put",
            "/api/v1/me/notification-preferences",
            "pengelola",
            None,
            json!({"preferences": {}}),
            Some("/api/v1/me/notification-preferences"),
        ),
        v(
            "put",
            "/api/v1/me/data",
            "peserta",
            None,
            json!({"name": "Nama Benar"}),
            Some("/api/v1/me/data"),
        ),
        v(
            "put",
            "/api/v1/reports/{id}",
            "pengelola",
            Some(report),
            empty(),
            Some("/api/v1/reports/{id}"),
        ),
        v(
            "post",
            "/api/v1/reports/{id}/submit",
            "pengelola",
            Some(report),
            empty(),
            Some("/api/v1/reports/{id}"),
        ),
        v(
            "post",
            "/api/v1/reports/{id}/verify",
            "pembina",
            Some(report),
            empty(),
            Some("/api/v1/reports/{id}"),
        ),
        v(
            "post",
            "/api/v1/reports/{id}/return",
            "pembina",
            Some(report),
            json!({"comment": "Lengkapi data"}),
            Some("/api/v1/reports/{id}"),
        ),
        v(
            "post",
            "/api/v1/reports/{id}/reopen",
            "pembina",
            Some(report),
            json!({"comment": "Salah angka"}),
            Some("/api/v1/reports/{id}"),
        ),
        v(
            "put",
            "/api/v1/tracer-schedule",
            "admin",
            None,
            json!({"months": [1, 6]}),
            Some("/api/v1/tracer-schedule"),
        ),
    ]
}

mod every_update_names_its_version {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let anonymous = t.anonymous().await;
        let (s, doc) = anonymous.get_json("/api/openapi.json").await;
        assert_eq!(s, 200);
        let table = versioned(&t).await;

        // Every write in the document is in exactly one list.
        let mut writes = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in ["put", "patch", "post"] {
                if item.get(method).is_some() {
                    writes.push((method.to_owned(), path.clone()));
                }
            }
        }
        for (method, path) in &writes {
            let exempt = EXEMPT.iter().any(|(m, p, _)| m == method && p == path);
            let listed = table.iter().any(|w| w.method == method && w.path == path);
            assert!(
                exempt != listed,
                "{} {path}: list it as versioned (it must refuse a missing version with 428) \
                 or as exempt, with its reason",
                method.to_uppercase()
            );
        }
        for (m, p, why) in EXEMPT {
            assert!(
                writes.iter().any(|(wm, wp)| wm == m && wp == p),
                "exempt {m} {p} ({why}) is not in the document"
            );
        }

        let mut clients: Vec<(&str, Client)> = Vec::new();
        for w in &table {
            // The document says so: 428, and `If-Match`.
            let op = &doc["paths"][w.path][w.method];
            assert!(
                op["responses"].get("428").is_some(),
                "{} {}",
                w.method,
                w.path
            );
            let if_match = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|p| p["name"] == "If-Match" && p["in"] == "header");
            assert!(if_match, "{} {} takes If-Match", w.method, w.path);

            if !clients.iter().any(|(r, _)| *r == w.role) {
                clients.push((w.role, t.api_as(w.role).await));
            }
            let c = &clients.iter().find(|(r, _)| *r == w.role).unwrap().1;
            let path = fill(w.path, w.id);
            // Without a version: 428, and nothing changed.
            let (s, body) = c
                .json(&w.method.to_uppercase(), &path, w.body.clone())
                .await;
            assert_eq!(s, 428, "{} {path}: {body}", w.method);
            assert_eq!(body["error"]["code"], "version_required", "{body}");
            // Its read returns the version as an ETag, and with it the change is no longer
            // refused for want of one.
            if let Some(read) = w.read {
                let read = fill(read, w.id);
                let r = c.get(&read).await;
                assert_eq!(r.status, 200, "{read}: {}", r.text);
                let etag = r.header("etag").to_owned();
                assert!(
                    etag.starts_with('"') && etag.len() > 2,
                    "{read}: ETag {etag:?}"
                );
                let (s, body) = c
                    .change(&w.method.to_uppercase(), &path, &read, w.body.clone())
                    .await;
                assert_ne!(s, 428, "{} {path} with If-Match: {body}", w.method);
            }
        }

        // A stale version: 409 with the record as it is now.
        let admin = t.api_as("admin").await;
        let darul = t.org_id(DARUL_BAYAN).await;
        let path = format!("/api/v1/centres/{darul}");
        let (_, now) = admin.get_json(&path).await;
        let version = now["version"].as_i64().unwrap();
        let (s, body) = admin
            .json(
                "PATCH",
                &path,
                json!({"head_name": "Lama", "version": version - 1}),
            )
            .await;
        assert_eq!(s, 409, "{body}");
        assert_eq!(body["error"]["code"], "conflict");
        assert_eq!(body["error"]["current"]["version"], version);
        assert_eq!(body["error"]["current"]["id"], darul);
        // Both, disagreeing: they cannot both be current, so the change is stale.
        let r = admin
            .http
            .patch(admin.url(&path))
            .header("if-match", format!("\"{version}\""))
            .json(&json!({"head_name": "Lain", "version": version + 5}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 409);
        // An empty If-Match says nothing: without a version, 428.
        let r = admin
            .http
            .patch(admin.url(&path))
            .header("if-match", "")
            .json(&json!({"head_name": "Lain"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 428);
    });
}

/// 32 parallel results on one trainee, each over the version read at the start: exactly
/// one is acknowledged, the others refused as stale; the certificate number is the
/// winner's.
mod parallel_updates_from_one_version_save_once {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = t.api_as("pengelola").await;
        let k = first_kejuruan(&c).await;
        let training = Batch::of(&k, "Serentak").days(-40, -10).id(&c).await;
        let e = crate::support::enrol(
            &c,
            training,
            crate::support::person(&woman(9402), "Rina Serentak"),
        )
        .await;
        let id = id_of(&e);
        let version = e["version"].as_i64().unwrap();
        let tasks: Vec<_> = (0..32)
            .map(|i| {
                let c = c.clone();
                tokio::spawn(async move {
                    c.json(
                        "PUT",
                        &format!("/api/v1/enrolments/{id}/result"),
                        json!({"result": "kompeten", "certificate_no": format!("SERENTAK-{i}"),
                            "version": version}),
                    )
                    .await
                })
            })
            .collect();
        let mut saved = Vec::new();
        for task in tasks {
            let (s, body) = task.await.unwrap();
            match s.as_u16() {
                200 => saved.push(body["certificate_no"].as_str().unwrap().to_owned()),
                409 => assert_eq!(body["error"]["current"]["id"], id, "{body}"),
                other => panic!("{other}: {body}"),
            }
        }
        assert_eq!(saved.len(), 1, "{saved:?}");
        let (stored,): (Option<String>,) = t
            .db()
            .fetch_one(Sql::new("SELECT certificate_no FROM enrolments WHERE id = $1").arg(id))
            .await
            .unwrap();
        assert_eq!(stored.as_deref(), Some(saved[0].as_str()));
    });
}
