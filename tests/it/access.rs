//! Every role, on pages and on the API: records outside its scope are refused (403), never
//! shown; records inside are served; nothing changes on a refusal.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use simandiri::storage::{Db, Sql};

use crate::support::{self, Content, Kind, TestApp, org_id};

/// Out of every demo user's scope but the admin's: supervised by BLK Makassar, in Pinrang.
const OUTSIDE: &str = "BLK-K PP Ittihadiyah Tanre Assona";
const DARUL_BAYAN: &str = "BLK Komunitas PP Salafiyah Darul Bayan";

/// A member of FK-BLKK Kabupaten Tangerang (so in the forum's, the Disnaker's and
/// BBPVP Serang's scope).
async fn tangerang_member(db: &Db) -> i64 {
    let (id,): (i64,) = db
        .fetch_one(Sql::new(
            "SELECT m.centre_id FROM forum_members m JOIN orgs f ON f.id = m.forum_id \
             WHERE f.name = 'FK-BLKK Kabupaten Tangerang' ORDER BY m.centre_id LIMIT 1",
        ))
        .await
        .expect("a forum member");
    id
}

async fn snapshot(db: &Db, id: i64) -> (String, i64, String) {
    db.fetch_one(
        Sql::new(
            "SELECT c.head_name, o.version, c.contact_phone FROM centres c \
             JOIN orgs o ON o.id = c.org_id WHERE c.org_id = $1",
        )
        .arg(id),
    )
    .await
    .expect("centre")
}

async fn get(c: &Client, app: &TestApp, path: &str) -> (StatusCode, String) {
    let r = c.get(app.url(path)).send().await.expect("request");
    let status = r.status();
    (status, r.text().await.expect("body"))
}

async fn api(
    c: &Client,
    app: &TestApp,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = c.request(method.parse().expect("method"), app.url(path));
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.expect("request");
    let status = r.status();
    let text = r.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn post_form(c: &Client, app: &TestApp, path: &str, fields: &[(&str, &str)]) -> StatusCode {
    let token = support::csrf_token(app, c).await;
    let mut all = vec![("_csrf", token.as_str())];
    all.extend_from_slice(fields);
    c.post(app.url(path))
        .form(&all)
        .send()
        .await
        .expect("post")
        .status()
}

/// What every non-admin role must be refused for a BLKK outside its scope.
async fn refused_outside_scope(role: &str, kind: Kind) {
    let Some(t) = support::database(kind, Content::Demo).await else {
        return;
    };
    let app = support::spawn(&t.db).await;
    let c = support::page_client(&app, role).await;
    let x = org_id(&t.db, OUTSIDE).await;
    let before = snapshot(&t.db, x).await;

    // The public profile is readable, without contacts, edit or history links.
    let (status, html) = get(&c, &app, &format!("/centres/{x}")).await;
    assert_eq!(status, 200);
    assert!(
        !html.contains(&format!("/centres/{x}/edit")),
        "{role}: no edit link"
    );
    assert!(
        !html.contains(&format!("/centres/{x}/history")),
        "{role}: no history link"
    );
    assert!(
        html.contains("Kontak BLKK hanya terlihat"),
        "{role}: contacts withheld"
    );

    for path in [
        format!("/centres/{x}/edit"),
        format!("/centres/{x}/history"),
        "/centres/new".into(),
        "/orgs".into(),
        "/orgs/new".into(),
    ] {
        let (status, html) = get(&c, &app, &path).await;
        assert_eq!(status, 403, "{role} GET {path}");
        assert!(
            html.contains("Akses ditolak"),
            "{role} GET {path}: friendly page"
        );
        if path.starts_with(&format!("/centres/{x}")) {
            assert!(!html.contains(OUTSIDE), "{role} GET {path}: no record data");
        }
    }
    let status = post_form(
        &c,
        &app,
        &format!("/centres/{x}/edit"),
        &[("name", "Diubah"), ("head_name", "Penyusup")],
    )
    .await;
    assert_eq!(status, 403, "{role} POST edit");

    let (status, body) = api(&c, &app, "GET", &format!("/api/v1/centres/{x}"), None).await;
    assert_eq!(status, 200);
    assert!(
        body.get("contact").is_none(),
        "{role}: API hides contacts: {body}"
    );
    assert_eq!(body["name"], OUTSIDE);
    for (method, path, payload) in [
        (
            "PATCH",
            format!("/api/v1/centres/{x}"),
            Some(json!({"head_name": "Penyusup"})),
        ),
        ("GET", format!("/api/v1/centres/{x}/history"), None),
        ("GET", "/api/v1/orgs".into(), None),
        (
            "POST",
            "/api/v1/centres".into(),
            Some(json!({"name": "Baru"})),
        ),
        (
            "POST",
            "/api/v1/orgs".into(),
            Some(json!({"kind": "mitra", "subtype": "umkm", "name": "Baru"})),
        ),
    ] {
        let (status, body) = api(&c, &app, method, &path, payload).await;
        assert_eq!(status, 403, "{role} {method} {path}: {body}");
        assert_eq!(body["error"]["code"], "forbidden", "{role} {method} {path}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    // Another organisation's record.
    let makassar = org_id(&t.db, "BLK Makassar").await;
    assert_eq!(
        get(&c, &app, &format!("/orgs/{makassar}")).await.0,
        403,
        "{role} org page"
    );
    assert_eq!(
        api(&c, &app, "GET", &format!("/api/v1/orgs/{makassar}"), None)
            .await
            .0,
        403
    );
    assert_eq!(
        api(
            &c,
            &app,
            "GET",
            &format!("/api/v1/orgs/{makassar}/history"),
            None
        )
        .await
        .0,
        403
    );

    assert_eq!(snapshot(&t.db, x).await, before, "{role}: nothing changed");

    // "Mine" lists exactly the scope.
    let me = simandiri::storage::users::by_email(&t.db, &support::demo_email(role))
        .await
        .expect("user")
        .expect("demo user");
    let scope = simandiri::app::centres::scope_ids(&t.db, &me.actor())
        .await
        .expect("scope");
    let (status, body) = api(&c, &app, "GET", "/api/v1/centres?mine=1", None).await;
    assert_eq!(status, 200);
    assert_eq!(body["total"], json!(scope.len()), "{role}: mine = scope");
    assert!(!scope.contains(&x));
}

macro_rules! outside_scope {
    ($($role:ident),*) => {$(
        mod $role {
            #[tokio::test]
            async fn sqlite() {
                super::refused_outside_scope(stringify!($role), crate::support::Kind::Sqlite).await;
            }
            #[tokio::test]
            async fn postgres() {
                super::refused_outside_scope(stringify!($role), crate::support::Kind::Postgres).await;
            }
        }
    )*};
}

mod refused_outside_scope {
    use super::refused_outside_scope;
    outside_scope!(pembina, disnaker, forum, pengelola, mitra);
}

/// Inside their scope, supervisors, labour offices and forums see contacts and history but
/// cannot edit; the manager edits its own BLKK but not the ministry's fields.
mod served_inside_scope {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let app = support::spawn(&t.db).await;
        let darul = org_id(&t.db, DARUL_BAYAN).await;
        let member = tangerang_member(&t.db).await;
        for (role, id) in [
            ("pembina", darul),
            ("pembina", member),
            ("disnaker", member),
            ("forum", member),
        ] {
            let c = support::api_client(&app, role).await;
            let (status, body) = api(&c, &app, "GET", &format!("/api/v1/centres/{id}"), None).await;
            assert_eq!(status, 200);
            assert!(body["contact"].is_object(), "{role} sees contacts of {id}");
            assert_eq!(
                api(
                    &c,
                    &app,
                    "GET",
                    &format!("/api/v1/centres/{id}/history"),
                    None
                )
                .await
                .0,
                200,
                "{role}"
            );
            assert_eq!(
                get(&c, &app, &format!("/centres/{id}/history")).await.0,
                200,
                "{role}"
            );
            let (status, body) = api(
                &c,
                &app,
                "PATCH",
                &format!("/api/v1/centres/{id}"),
                Some(json!({"head_name": "X"})),
            )
            .await;
            assert_eq!(status, 403, "{role} may not edit: {body}");
            assert_eq!(
                get(&c, &app, &format!("/centres/{id}/edit")).await.0,
                403,
                "{role}"
            );
        }

        let c = support::api_client(&app, "pengelola").await;
        assert_eq!(
            get(&c, &app, &format!("/centres/{darul}/edit")).await.0,
            200
        );
        let (status, body) = api(
            &c,
            &app,
            "PATCH",
            &format!("/api/v1/centres/{darul}"),
            Some(json!({"head_name": "KH Imam Tantowi", "contact_phone": "0812-1111-2222"})),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["head_name"], "KH Imam Tantowi");
        assert_eq!(body["contact"]["phone"], "+6281211112222");
        let (status, body) = api(
            &c,
            &app,
            "PATCH",
            &format!("/api/v1/centres/{darul}"),
            Some(json!({"reg_no": "BLKK-LAIN"})),
        )
        .await;
        assert_eq!(status, 422);
        assert_eq!(body["error"]["fields"][0]["field"], "reg_no");
        assert_eq!(body["error"]["fields"][0]["code"], "admin_only");
        let (status, _) = api(
            &c,
            &app,
            "PATCH",
            &format!("/api/v1/centres/{darul}"),
            Some(json!({"pembina_id": null})),
        )
        .await;
        assert_eq!(status, 403, "assignment is for admins");
        assert_eq!(
            api(
                &c,
                &app,
                "PATCH",
                &format!("/api/v1/centres/{member}"),
                Some(json!({"head_name": "X"}))
            )
            .await
            .0,
            403
        );

        // Organisation pages: their own, not others.
        let c = support::page_client(&app, "forum").await;
        let forum = org_id(&t.db, "FK-BLKK Kabupaten Tangerang").await;
        let (status, html) = get(&c, &app, &format!("/orgs/{forum}")).await;
        assert_eq!(status, 200);
        assert!(html.contains("FK-BLKK Kabupaten Tangerang"));
        assert_eq!(
            get(&c, &app, &format!("/orgs/{forum}/history")).await.0,
            200
        );
        assert_eq!(
            get(&c, &app, &format!("/orgs/{forum}/edit")).await.0,
            403,
            "only admins edit organisations"
        );
    });
}

/// The admin reaches everything, including assignment to pembina and forums.
mod admin_reaches_everything {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let app = support::spawn(&t.db).await;
        let c = support::api_client(&app, "admin").await;
        let x = org_id(&t.db, OUTSIDE).await;
        let serang = org_id(&t.db, "BBPVP Serang").await;
        let forum = org_id(&t.db, "FK-BLKK Kabupaten Tangerang").await;
        for path in [
            format!("/centres/{x}/edit"),
            format!("/centres/{x}/history"),
            "/centres/new".into(),
            "/orgs".into(),
            format!("/orgs/{serang}"),
            "/orgs/new".into(),
        ] {
            assert_eq!(get(&c, &app, &path).await.0, 200, "admin GET {path}");
        }
        let (status, body) = api(
            &c,
            &app,
            "PATCH",
            &format!("/api/v1/centres/{x}"),
            Some(json!({"pembina_id": serang, "forum_ids": [forum]})),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["pembina"]["id"], json!(serang));
        assert_eq!(body["forums"][0]["id"], json!(forum));
        let (_, history) = api(
            &c,
            &app,
            "GET",
            &format!("/api/v1/centres/{x}/history"),
            None,
        )
        .await;
        let changes = &history[0]["changes"];
        assert!(
            changes
                .as_array()
                .expect("changes")
                .iter()
                .any(|ch| ch["field"] == "pembina_id"),
            "{history}"
        );
        // The change moved the BLKK into BBPVP Serang's and the forum's scope.
        let p = support::api_client(&app, "pembina").await;
        let (_, body) = api(&p, &app, "GET", &format!("/api/v1/centres/{x}"), None).await;
        assert!(body["contact"].is_object());
        let (status, _) = api(
            &c,
            &app,
            "PATCH",
            &format!("/api/v1/centres/{x}"),
            Some(json!({"pembina_id": forum})),
        )
        .await;
        assert_eq!(status, 422, "a forum is not an UPTP");
    });
}

/// Visitors who are not signed in are sent to sign in (pages) or get 401 (API).
mod anonymous_visitors {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let app = support::spawn(&t.db).await;
        let c = support::client();
        let x = org_id(&t.db, OUTSIDE).await;
        for path in [
            format!("/centres/{x}/edit"),
            format!("/centres/{x}/history"),
            "/me".into(),
            "/orgs".into(),
        ] {
            let r = c.get(app.url(&path)).send().await.expect("request");
            assert_eq!(r.status(), 303, "{path}");
            let location = r.headers()["location"].to_str().expect("location");
            assert!(
                location.starts_with("/login?next=%2F"),
                "{path} -> {location}"
            );
        }
        for (method, path) in [
            ("PATCH", format!("/api/v1/centres/{x}")),
            ("GET", format!("/api/v1/centres/{x}/history")),
            ("GET", "/api/v1/orgs".into()),
            ("GET", "/api/v1/session".into()),
            ("GET", "/api/v1/centres?mine=1".into()),
        ] {
            let (status, body) = api(&c, &app, method, &path, Some(json!({}))).await;
            assert_eq!(status, 401, "{method} {path}");
            assert_eq!(body["error"]["code"], "unauthenticated");
        }
        // The public directory and profiles need no account, and carry no contacts.
        let (status, html) = get(&c, &app, &format!("/centres/{x}")).await;
        assert_eq!(status, 200);
        assert!(html.contains(OUTSIDE));
        let (_, body) = api(&c, &app, "GET", "/api/v1/centres?q=tanre", None).await;
        assert_eq!(body["total"], 1);
        assert!(body.to_string().find("contact").is_none());
    });
}
