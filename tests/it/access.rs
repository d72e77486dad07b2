//! Every role, on pages and on the API: records outside its scope are refused (403), never
//! shown; records inside are served; nothing changes on a refusal.

use serde_json::{Value, json};
use simandiri::kernel::db::{Db, Sql};

use crate::scope::all_facts;
use crate::support::{self, Content, Kind, TestApp};

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

/// Every BLKK's scope facts, read straight from the tables.
/// What every non-admin role must be refused for a BLKK outside its scope.
async fn refused_outside_scope(role: &str, kind: Kind) {
    let Some(t) = TestApp::demo(kind).await else {
        return;
    };
    let c = t.as_role(role).await;
    let x = t.org_id(OUTSIDE).await;
    let before = snapshot(t.db(), x).await;

    // The public profile is readable, without contacts, edit or history links.
    let r = c.get(&format!("/centres/{x}")).await;
    let (status, html) = (r.status, r.text);
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
        let r = c.get(&path).await;
        let (status, html) = (r.status, r.text);
        assert_eq!(status, 403, "{role} GET {path}");
        assert!(
            html.contains("Akses ditolak"),
            "{role} GET {path}: friendly page"
        );
        if path.starts_with(&format!("/centres/{x}")) {
            assert!(!html.contains(OUTSIDE), "{role} GET {path}: no record data");
        }
    }
    let status = c
        .form(
            &format!("/centres/{x}/edit"),
            &[("name", "Diubah"), ("head_name", "Penyusup")],
        )
        .await
        .status;
    assert_eq!(status, 403, "{role} POST edit");

    let (status, body) = c.get_json(&format!("/api/v1/centres/{x}")).await;
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
            json!({"head_name": "Penyusup"}),
        ),
        ("GET", format!("/api/v1/centres/{x}/history"), Value::Null),
        ("GET", "/api/v1/orgs".into(), Value::Null),
        ("POST", "/api/v1/centres".into(), json!({"name": "Baru"})),
        (
            "POST",
            "/api/v1/orgs".into(),
            json!({"kind": "mitra", "subtype": "umkm", "name": "Baru"}),
        ),
    ] {
        let (status, body) = c.json(method, &path, payload).await;
        assert_eq!(status, 403, "{role} {method} {path}: {body}");
        assert_eq!(body["error"]["code"], "forbidden", "{role} {method} {path}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    // Another organisation's record.
    let makassar = t.org_id("BLK Makassar").await;
    assert_eq!(
        c.get(&format!("/orgs/{makassar}")).await.status,
        403,
        "{role} org page"
    );
    assert_eq!(c.get_json(&format!("/api/v1/orgs/{makassar}")).await.0, 403);
    assert_eq!(
        c.get_json(&format!("/api/v1/orgs/{makassar}/history"))
            .await
            .0,
        403
    );

    assert_eq!(snapshot(t.db(), x).await, before, "{role}: nothing changed");

    // "Mine" lists exactly what the pure scope rule admits.
    let me = simandiri::features::accounts::store::by_email(t.db(), &support::demo_email(role))
        .await
        .expect("user")
        .expect("demo user");
    let scope = me.actor().centre_scope();
    let expected: Vec<i64> = all_facts(t.db())
        .await
        .into_iter()
        .filter(|f| scope.covers(f))
        .map(|f| f.id)
        .collect();
    let (status, body) = c.get_json("/api/v1/centres?mine=1&page=1").await;
    assert_eq!(status, 200);
    assert_eq!(body["total"], json!(expected.len()), "{role}: mine = scope");
    let listed: Vec<i64> = body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_i64().expect("id"))
        .collect();
    assert!(
        listed.iter().all(|id| expected.contains(id)),
        "{role}: {listed:?}"
    );
    assert!(!expected.contains(&x));
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
        let darul = t.org_id(DARUL_BAYAN).await;
        let member = tangerang_member(t.db()).await;
        for (role, id) in [
            ("pembina", darul),
            ("pembina", member),
            ("disnaker", member),
            ("forum", member),
        ] {
            let c = t.as_role(role).await;
            let (status, body) = c.get_json(&format!("/api/v1/centres/{id}")).await;
            assert_eq!(status, 200);
            assert!(body["contact"].is_object(), "{role} sees contacts of {id}");
            let (status, _) = c.get_json(&format!("/api/v1/centres/{id}/history")).await;
            assert_eq!(status, 200, "{role}");
            assert_eq!(
                c.get(&format!("/centres/{id}/history")).await.status,
                200,
                "{role}"
            );
            let (status, body) = c
                .patch(&format!("/api/v1/centres/{id}"), json!({"head_name": "X"}))
                .await;
            assert_eq!(status, 403, "{role} may not edit: {body}");
            assert_eq!(
                c.get(&format!("/centres/{id}/edit")).await.status,
                403,
                "{role}"
            );
        }

        let c = t.as_role("pengelola").await;
        assert_eq!(c.get(&format!("/centres/{darul}/edit")).await.status, 200);
        let path = format!("/api/v1/centres/{darul}");
        let (status, body) = c
            .patch(
                &path,
                json!({"head_name": "KH Imam Tantowi", "contact_phone": "0812-1111-2222"}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["head_name"], "KH Imam Tantowi");
        assert_eq!(body["contact"]["phone"], "+6281211112222");
        let (status, body) = c.patch(&path, json!({"reg_no": "BLKK-LAIN"})).await;
        assert_eq!(status, 422);
        assert_eq!(body["error"]["fields"][0]["field"], "reg_no");
        assert_eq!(body["error"]["fields"][0]["code"], "admin_only");
        let (status, _) = c.patch(&path, json!({"pembina_id": null})).await;
        assert_eq!(status, 403, "assignment is for admins");
        let (status, _) = c
            .patch(
                &format!("/api/v1/centres/{member}"),
                json!({"head_name": "X"}),
            )
            .await;
        assert_eq!(status, 403);

        // Organisation pages: their own, not others.
        let c = t.as_role("forum").await;
        let forum = t.org_id("FK-BLKK Kabupaten Tangerang").await;
        let r = c.get(&format!("/orgs/{forum}")).await;
        assert_eq!(r.status, 200);
        assert!(r.text.contains("FK-BLKK Kabupaten Tangerang"));
        assert_eq!(c.get(&format!("/orgs/{forum}/history")).await.status, 200);
        assert_eq!(
            c.get(&format!("/orgs/{forum}/edit")).await.status,
            403,
            "only admins edit organisations"
        );
    });
}

/// The admin reaches everything, including assignment to pembina and forums.
mod admin_reaches_everything {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = t.as_role("admin").await;
        let x = t.org_id(OUTSIDE).await;
        let serang = t.org_id("BBPVP Serang").await;
        let forum = t.org_id("FK-BLKK Kabupaten Tangerang").await;
        for path in [
            format!("/centres/{x}/edit"),
            format!("/centres/{x}/history"),
            "/centres/new".into(),
            "/orgs".into(),
            format!("/orgs/{serang}"),
            "/orgs/new".into(),
        ] {
            assert_eq!(c.get(&path).await.status, 200, "admin GET {path}");
        }
        let path = format!("/api/v1/centres/{x}");
        let (status, body) = c
            .patch(&path, json!({"pembina_id": serang, "forum_ids": [forum]}))
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["pembina"]["id"], json!(serang));
        assert_eq!(body["forums"][0]["id"], json!(forum));
        let (_, history) = c.get_json(&format!("{path}/history")).await;
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
        let p = t.as_role("pembina").await;
        let (_, body) = p.get_json(&path).await;
        assert!(body["contact"].is_object());
        let (status, body) = c.patch(&path, json!({"pembina_id": forum})).await;
        assert_eq!(status, 422, "a forum is not an UPTP: {body}");
        assert_eq!(body["error"]["fields"][0]["field"], "pembina_id");
    });
}

/// Visitors who are not signed in are sent to sign in (pages) or get 401 (API).
mod anonymous_visitors {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = t.anonymous().await;
        let x = t.org_id(OUTSIDE).await;
        for path in [
            format!("/centres/{x}/edit"),
            format!("/centres/{x}/history"),
            "/me".into(),
            "/orgs".into(),
        ] {
            let r = c.get(&path).await;
            assert_eq!(r.status, 303, "{path}");
            let location = r.header("location");
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
            let body = if method == "GET" {
                Value::Null
            } else {
                json!({})
            };
            let (status, body) = c.json(method, &path, body).await;
            assert_eq!(status, 401, "{method} {path}");
            assert_eq!(body["error"]["code"], "unauthenticated");
        }
        // The public directory and profiles need no account, and carry no contacts.
        let r = c.get(&format!("/centres/{x}")).await;
        assert_eq!(r.status, 200);
        assert!(r.text.contains(OUTSIDE));
        assert!(
            r.header("cache-control").is_empty(),
            "public pages may be cached"
        );
        let (_, body) = c.get_json("/api/v1/centres?q=tanre").await;
        assert_eq!(body["total"], 1);
        assert!(!body.to_string().contains("contact"));
        let (_, body) = c.get_json(&format!("/api/v1/centres/{x}")).await;
        assert!(!body.to_string().contains("contact"), "{body}");
    });
}
