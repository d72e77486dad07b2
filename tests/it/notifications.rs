//! Notifications: every event someone must act on tells them, in the app and by e-mail, in
//! the event's transaction, linking to where the work is done; kinds are data; each user
//! chooses per kind (app only, e-mail at once, daily digest), and the digest goes once a day
//! with what came since the last one; notifications stored before are keyed by their record.

use serde_json::{Value, json};
use simandiri::features::notifications::service::{Kind, digest};
use simandiri::kernel::access::Role;
use simandiri::kernel::db::{Db, Sql};
use simandiri::kernel::time::today;
use simandiri::seed::demo::{DARUL_BAYAN, MES};
use time::Duration;

use crate::support::{Batch, first_kejuruan, woman};
use crate::support::{Client, Content, Kind as Backend, TestApp, demo_email};
use crate::support::{assert_refused, get_ok, int};

const PREFS: &str = "/api/v1/me/notification-preferences";

/// The caller's notifications of `kind`, newest first.
async fn of_kind(c: &Client, kind: &str) -> Vec<Value> {
    let list = get_ok(c, "/api/v1/notifications").await;
    list["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{list}"))
        .iter()
        .filter(|n| n["kind"] == kind)
        .cloned()
        .collect()
}

/// The only notification of `kind` the caller has.
async fn only(c: &Client, kind: &str) -> Value {
    let found = of_kind(c, kind).await;
    assert_eq!(found.len(), 1, "one {kind}: {found:?}");
    found[0].clone()
}

/// Queued messages to `to` whose subject holds `needle`: `(subject, body)`, oldest first.
async fn mails(db: &Db, to: &str, needle: &str) -> Vec<(String, String)> {
    db.fetch_all(
        Sql::new(
            "SELECT subject, body FROM mail_jobs WHERE to_addr = $1 AND subject LIKE $2 \
             ORDER BY id",
        )
        .arg(to)
        .arg(format!("%{needle}%")),
    )
    .await
    .unwrap()
}

/// A batch of Darul Bayan open to the public; its id.
async fn open_batch(c: &Client, title: &str) -> i64 {
    let k = first_kejuruan(c).await;
    Batch::of(&k, title).days(30, 50).id(c).await
}

/// A public application to `training`; its id.
async fn apply(t: &TestApp, training: i64, nik: &str, name: &str) -> i64 {
    let (s, a) = t
        .anonymous()
        .await
        .json(
            "POST",
            &format!("/api/v1/public/trainings/{training}/applications"),
            json!({"nik": nik, "name": name, "consent": true}),
        )
        .await;
    assert_eq!(s, 201, "{a}");
    // The applicant gets a reference code; the application's id is the BLKK's to see.
    let (id,): (i64,) = t
        .db()
        .fetch_one(
            simandiri::kernel::db::Sql::new("SELECT id FROM applications WHERE code = $1")
                .arg(a["code"].as_str().unwrap_or_default()),
        )
        .await
        .unwrap();
    id
}

async fn user_id(db: &Db, email: &str) -> i64 {
    let (id,): (i64,) = db
        .fetch_one(Sql::new("SELECT id FROM users WHERE email = $1").arg(email))
        .await
        .unwrap();
    id
}

mod every_kind_is_data {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let kinds: Vec<(String, String, String, String)> = t
            .db()
            .fetch_all(Sql::new(
                "SELECT code, label_id, label_en, roles FROM notification_kinds ORDER BY code",
            ))
            .await
            .unwrap();
        for k in Kind::ALL {
            let row = kinds.iter().find(|(c, ..)| c == k.as_str());
            let (_, id, en, roles) = row.unwrap_or_else(|| panic!("{k} is not a stored kind"));
            assert!(!id.is_empty() && !en.is_empty(), "{k} has both labels");
            for r in roles.split(',') {
                assert!(Role::parse(r).is_some(), "{k}: unknown role {r}");
            }
        }
        assert_eq!(
            kinds.len(),
            Kind::ALL.len(),
            "every stored kind is sent by some event"
        );
        // A kind is a reference, not free text.
        let refused = t
            .db()
            .execute(Sql::new(
                "INSERT INTO notifications (user_id, entity, entity_id, kind, link, text, \
                 delivery, created_at) SELECT id, 'report', 1, 'tidak_ada', '/', 'x', 'app', \
                 created_at FROM users LIMIT 1",
            ))
            .await
            .is_err();
        assert!(refused, "an unknown kind is refused");
    });
}

mod each_event_tells_who_must_act {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let db = t.db();
        let darul = t.org_id(DARUL_BAYAN).await;
        let admin = t.api_as("admin").await;
        let c = t.api_as("pengelola").await;
        let pembina = t.api_as("pembina").await;
        let mitra = t.api_as("mitra").await;
        let pengelola = demo_email("pengelola");

        // A public application: the BLKK's managers, in the app and by e-mail; what the
        // applicant typed stays on the batch's page.
        let training = open_batch(&c, "Barista Pemula").await;
        let application = apply(&t, training, &woman(9501), "Pelamar Rahasia").await;
        let n = only(&c, "application_received").await;
        assert_eq!(n["entity"], "application");
        assert_eq!(int(&n["entity_id"]), application);
        assert_eq!(n["link"], format!("/trainings/{training}#pendaftar"));
        assert_eq!(n["delivery"], "email");
        let text = n["text"].as_str().unwrap();
        assert!(text.contains("Barista Pemula"), "{text}");
        assert!(!text.contains("Pelamar Rahasia"), "{text}");
        let sent = mails(db, &pengelola, "Barista Pemula").await;
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert!(sent[0].0.contains("Pendaftar baru"), "{sent:?}");
        assert!(
            sent[0]
                .1
                .contains(&format!("/trainings/{training}#pendaftar")),
            "{sent:?}"
        );
        // Its link is the page where it is decided.
        let page = t.as_role("pengelola").await;
        let shown = page.get(&format!("/trainings/{training}")).await;
        assert!(shown.text.contains("id=\"pendaftar\""), "{}", shown.text);

        // An agreement to confirm: the partner's users; confirmed: its holder.
        let mes = t.org_id(MES).await;
        let start = (today() - Duration::days(10)).to_string();
        let end = (today() + Duration::days(300)).to_string();
        let (s, p) = c
            .json(
                "POST",
                "/api/v1/partnerships",
                json!({"partner_id": mes, "title": "Magang barista", "document": "pks",
                    "doc_no": "PKS/09/2026", "coverage": ["magang"], "start_date": start,
                    "end_date": end, "value_rupiah": 5000000, "status": "aktif"}),
            )
            .await;
        assert_eq!(s, 201, "{p}");
        let pid = int(&p["id"]);
        let link = format!("/partnerships/{pid}");
        // (The demo's own agreement waits for MES too.)
        let about = |n: &Value| n["entity"] == "partnership" && int(&n["entity_id"]) == pid;
        let asked: Vec<Value> = of_kind(&mitra, "partnership_to_confirm")
            .await
            .into_iter()
            .filter(about)
            .collect();
        assert_eq!(asked.len(), 1, "{asked:?}");
        assert_eq!(asked[0]["link"], link.as_str());
        assert_eq!(
            mails(db, &demo_email("mitra"), "Magang barista")
                .await
                .len(),
            1
        );
        let (s, body) = mitra
            .change(
                "POST",
                &format!("{}/confirm", api(&link)),
                &api(&link),
                json!({}),
            )
            .await;
        assert_eq!(s, 200, "{body}");
        let n = only(&c, "partnership_confirmed").await;
        assert_eq!(n["link"], link.as_str());
        assert!(n["text"].as_str().unwrap().contains(MES), "{n}");
        // A change of its value asks the partner again.
        let (s, body) = c.patch(&api(&link), json!({"value_rupiah": 6000000})).await;
        assert_eq!(s, 200, "{body}");
        let asked = of_kind(&mitra, "partnership_to_confirm").await;
        assert_eq!(asked.iter().filter(|n| about(n)).count(), 2, "{asked:?}");

        // An action answered: its pembina.
        let (aid,): (i64,) = db
            .fetch_one(
                Sql::new(
                    "SELECT id FROM visit_actions WHERE centre_id = $1 AND status = 'terbuka' \
                     ORDER BY id LIMIT 1",
                )
                .arg(darul),
            )
            .await
            .unwrap();
        let apath = format!("/api/v1/actions/{aid}");
        let (s, body) = c
            .patch(
                &apath,
                json!({"response": "Sudah diperbaiki, foto terlampir."}),
            )
            .await;
        assert_eq!(s, 200, "{body}");
        let n = only(&pembina, "action_answered").await;
        assert_eq!(
            (n["entity"].as_str(), int(&n["entity_id"])),
            (Some("visit_action"), aid)
        );
        let visit = int(&body["visit_id"]);
        assert_eq!(n["link"], format!("/visits/{visit}#a{aid}"));
        assert_eq!(
            mails(db, &demo_email("pembina"), "Tindak lanjut")
                .await
                .len(),
            1
        );

        // An action falling due: its BLKK, by the daily job, once per action and due date.
        let day = today().to_string();
        let (s, v) = pembina
            .json(
                "POST",
                "/api/v1/visits",
                json!({"centre_id": darul, "planned_date": day, "purpose": "Monev bulanan"}),
            )
            .await;
        assert_eq!(s, 201, "{v}");
        let due = (today() + Duration::days(2)).to_string();
        let (s, f) = pembina
            .json(
                "POST",
                &format!("/api/v1/visits/{}/findings", int(&v["id"])),
                json!({"text": "Atap bengkel bocor", "severity": "tinggi",
                    "actions": [{"text": "Perbaiki atap bengkel", "owner": "Kepala BLKK",
                        "due_date": due}]}),
            )
            .await;
        assert_eq!(s, 201, "{f}");
        let due_action = int(&f["actions"][0]["id"]);
        assert!(of_kind(&c, "action_due").await.is_empty());
        let remind = || simandiri::features::visits::service::remind(db);
        assert!(remind().await.unwrap() >= 1);
        assert_eq!(remind().await.unwrap(), 0, "once per action and due date");
        let n = only(&c, "action_due").await;
        assert_eq!(int(&n["entity_id"]), due_action);
        assert_eq!(
            n["link"],
            format!("/visits/{}#a{due_action}", int(&v["id"]))
        );
        assert!(n["text"].as_str().unwrap().contains(&due), "{n}");
        assert_eq!(
            mails(db, &pengelola, "Perbaiki atap bengkel").await.len(),
            1
        );

        // An invitation accepted: whoever invited (the trail knows).
        let serang = t.org_id("BBPVP Serang").await;
        let (s, invited) = admin
            .json(
                "POST",
                "/api/v1/users",
                json!({"email": "dewi.pembina@contoh.id", "name": "Dewi Lestari",
                    "role": "pembina", "org_id": serang}),
            )
            .await;
        assert_eq!(s, 201, "{invited}");
        let (body,): (String,) = db
            .fetch_one(
                Sql::new("SELECT body FROM mail_jobs WHERE to_addr = $1")
                    .arg("dewi.pembina@contoh.id"),
            )
            .await
            .unwrap();
        let at = body.find("token=").expect("a link") + "token=".len();
        let token: String = body[at..]
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        assert!(of_kind(&admin, "invitation_accepted").await.is_empty());
        let (s, body) = t
            .anonymous()
            .await
            .json(
                "POST",
                "/api/v1/invitations/accept",
                json!({"token": token, "password": "kopi-tubruk-panjang-7"}),
            )
            .await;
        assert_eq!(s, 204, "{body}");
        let n = only(&admin, "invitation_accepted").await;
        assert_eq!(n["entity"], "user");
        assert_eq!(n["link"], format!("/users/{}", int(&invited["id"])));
        assert!(n["text"].as_str().unwrap().contains("Dewi Lestari"), "{n}");
        assert_eq!(
            mails(db, &demo_email("admin"), "Dewi Lestari").await.len(),
            1
        );

        // The list page shows each with its kind and link.
        let list = page.get("/notifications").await;
        assert!(
            list.text.contains("Pendaftar baru pelatihan"),
            "{}",
            list.text
        );
        assert!(
            list.text
                .contains(&format!("href=\"/trainings/{training}#pendaftar\"")),
            "{}",
            list.text
        );
    });
}

/// `/api/v1/partnerships/5` for `/partnerships/5`.
fn api(link: &str) -> String {
    format!("/api/v1{link}")
}

mod preferences_choose_how_each_kind_arrives {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let db = t.db();
        let c = t.api_as("pengelola").await;
        let pengelola = demo_email("pengelola");

        // Every kind that concerns the role, with its default; none of another role's.
        let r = c.get(PREFS).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.header("etag"), "\"1\"");
        let prefs = r.json();
        assert_eq!(prefs["version"], 1);
        assert_eq!(prefs["preferences"]["application_received"], "email");
        assert_eq!(prefs["preferences"]["report_returned"], "email");
        assert!(
            prefs["preferences"].get("report_submitted").is_none(),
            "{prefs}"
        );
        let kinds = prefs["kinds"].as_array().unwrap();
        let k = kinds
            .iter()
            .find(|k| k["code"] == "application_received")
            .unwrap();
        assert_eq!(k["label_id"], "Pendaftar baru pelatihan");
        assert_eq!(k["default"], "email");

        // A kind that does not exist, or is another role's, or a delivery that is none: 422
        // naming the field, and nothing changes.
        let put = |body: Value| c.change("PUT", PREFS, PREFS, body);
        let (s, body) = put(json!({"preferences": {"tidak_ada": "app"}})).await;
        assert_refused(s, &body, "preferences.tidak_ada", "unknown_kind");
        let (s, body) = put(json!({"preferences": {"report_submitted": "app"}})).await;
        assert_refused(s, &body, "preferences.report_submitted", "unknown_kind");
        let (s, body) = put(json!({"preferences": {"application_received": "fax"}})).await;
        assert_refused(
            s,
            &body,
            "preferences.application_received",
            "invalid_choice",
        );
        assert_eq!(get_ok(&c, PREFS).await["version"], 1);

        // In the app only: told, no e-mail.
        let (s, saved) = put(json!({"preferences": {"application_received": "app"}})).await;
        assert_eq!(s, 200, "{saved}");
        assert_eq!(saved["version"], 2);
        assert_eq!(saved["preferences"]["application_received"], "app");
        assert_eq!(saved["preferences"]["report_returned"], "email");
        let quiet = open_batch(&c, "Kelas Sunyi").await;
        apply(&t, quiet, &woman(9511), "Pelamar Satu").await;
        let n = only(&c, "application_received").await;
        assert_eq!(n["delivery"], "app");
        assert!(mails(db, &pengelola, "Kelas Sunyi").await.is_empty());

        // A daily digest: no e-mail at once, then one listing what came.
        let (s, saved) = put(json!({"preferences": {"application_received": "digest"}})).await;
        assert_eq!(s, 200, "{saved}");
        let first = open_batch(&c, "Barista Pagi").await;
        apply(&t, first, &woman(9512), "Pelamar Dua").await;
        assert!(mails(db, &pengelola, "Barista Pagi").await.is_empty());
        digest(db).await.unwrap();
        let digests = mails(db, &pengelola, "ringkasan harian").await;
        assert_eq!(digests.len(), 1, "{digests:?}");
        assert!(digests[0].1.contains("Barista Pagi"), "{digests:?}");
        assert!(
            digests[0]
                .1
                .contains(&format!("/trainings/{first}#pendaftar"))
        );
        assert!(
            !digests[0].1.contains("Kelas Sunyi"),
            "app-only kinds are not in it"
        );
        // Once a day, however often the job runs: what comes later waits for tomorrow.
        let later = open_batch(&c, "Kopi Sangrai").await;
        apply(&t, later, &woman(9513), "Pelamar Tiga").await;
        assert_eq!(digest(db).await.unwrap(), 0);
        assert_eq!(mails(db, &pengelola, "ringkasan harian").await.len(), 1);
        // The next day: only what came since the last digest.
        let me = user_id(db, &pengelola).await;
        db.execute(
            Sql::new("UPDATE notification_settings SET digest_on = $1 WHERE user_id = $2")
                .arg(today() - Duration::days(1))
                .arg(me),
        )
        .await
        .unwrap();
        assert_eq!(digest(db).await.unwrap(), 1);
        let digests = mails(db, &pengelola, "ringkasan harian").await;
        assert_eq!(digests.len(), 2, "{digests:?}");
        assert!(digests[1].1.contains("Kopi Sangrai"), "{digests:?}");
        assert!(!digests[1].1.contains("Barista Pagi"), "{digests:?}");
        assert!(mails(db, &pengelola, "Kopi Sangrai").await.is_empty());

        // A stale version: 409 with the preferences as they are.
        let (s, body) = c
            .json(
                "PUT",
                PREFS,
                json!({"version": 1, "preferences": {"application_received": "email"}}),
            )
            .await;
        assert_eq!(s, 409, "{body}");
        assert_eq!(body["error"]["current"]["version"], 3);
        assert_eq!(
            body["error"]["current"]["preferences"]["application_received"],
            "digest"
        );
        // The change is in the account's history.
        let (n,): (i64,) = db
            .fetch_one(
                Sql::new(
                    "SELECT COUNT(*) FROM audit_log WHERE entity = 'user' AND entity_id = $1 \
                     AND action = 'notification_preferences'",
                )
                .arg(me),
            )
            .await
            .unwrap();
        assert_eq!(n, 2);

        // Each user reads and sets only their own.
        let pembina = t.api_as("pembina").await;
        let theirs = get_ok(&pembina, PREFS).await;
        assert_eq!(theirs["version"], 1, "{theirs}");
        assert_eq!(theirs["preferences"]["report_submitted"], "email");
        assert!(theirs["preferences"].get("application_received").is_none());
        let (s, _) = t.anonymous().await.get_json(PREFS).await;
        assert_eq!(s, 401);
    });
}

mod preferences_on_the_account_page {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let page = t.as_role("pengelola").await;
        let me = page.get("/me").await;
        assert_eq!(me.status, 200);
        assert!(me.text.contains("id=\"pemberitahuan\""), "{}", me.text);
        assert!(
            me.text
                .contains("name=\"preferences.application_received\" value=\"email\" checked"),
            "{}",
            me.text
        );
        // Works without JavaScript: a plain form post, back to the account page.
        let saved = page
            .form_on(
                "/me/notification-preferences",
                &[("preferences.application_received", "digest")],
            )
            .await;
        assert_eq!(saved.status, 303, "{}", saved.text);
        assert_eq!(
            saved.header("location"),
            "/me?done=preferences_saved#pemberitahuan"
        );
        let me = page.get("/me?done=preferences_saved").await;
        assert!(
            me.text.contains("Pengaturan pemberitahuan tersimpan"),
            "{}",
            me.text
        );
        assert!(
            me.text
                .contains("name=\"preferences.application_received\" value=\"digest\" checked"),
            "{}",
            me.text
        );
        // A kind that does not exist: said on the page, nothing saved.
        let refused = page
            .form_on(
                "/me/notification-preferences",
                &[("preferences.tidak_ada", "app")],
            )
            .await;
        assert_eq!(refused.status, 422, "{}", refused.text);
        assert!(
            refused.text.contains("Jenis pemberitahuan ini tidak ada"),
            "{}",
            refused.text
        );
        let c = t.api_as("pengelola").await;
        let prefs = get_ok(&c, PREFS).await;
        assert_eq!(prefs["version"], 2);
        assert_eq!(prefs["preferences"]["application_received"], "digest");
    });
}

/// Notifications stored before kinds were data are keyed by the record they were about:
/// a report's step by the report, a report reminder by its type (the period and BLKK its
/// reference), an agreement's end by the agreement.
mod stored_notifications_are_keyed_by_their_record {
    use super::*;

    async fn run(kind: Backend) {
        let Some((_guard, url)) = crate::support::empty_database(kind).await else {
            return;
        };
        let dir = match kind {
            Backend::Sqlite => "migrations/sqlite",
            Backend::Postgres => "migrations/postgres",
        };
        let all = sqlx::migrate::Migrator::new(std::path::Path::new(dir))
            .await
            .unwrap();
        let mut before = sqlx::migrate::Migrator::new(std::path::Path::new(dir))
            .await
            .unwrap();
        before.migrations = before
            .migrations
            .iter()
            .filter(|m| m.version < 19)
            .cloned()
            .collect::<Vec<_>>()
            .into();
        // Rows as the old code wrote them, about records this test does not create (the
        // references are not checked while they are written).
        let rows = "INSERT INTO notifications (id, user_id, kind, report_id, ref, text, \
            created_at, link) VALUES \
            (1, 1, 'returned', 7, '', 'Laporan A', '2026-01-05T00:00:00Z', ''), \
            (2, 1, 'due_soon', 9, '3:2026-04:12', 'Laporan B', '2026-05-01T00:00:00Z', '/reports/9'), \
            (3, 1, 'overdue', NULL, '3:2026-03:12', 'Laporan C', '2026-05-01T00:00:00Z', '/reports'), \
            (4, 1, 'ending', NULL, 'partnership:5:30:2026-06-30', 'Kerja sama', \
             '2026-05-31T00:00:00Z', '/partnerships/5')";
        let read = "SELECT entity, entity_id, kind, ref, link, delivery FROM notifications \
            ORDER BY id";
        let got: Vec<(String, i64, String, String, String, String)> = match kind {
            Backend::Sqlite => {
                use sqlx::ConnectOptions;
                use std::str::FromStr;
                let mut conn = sqlx::sqlite::SqliteConnectOptions::from_str(&url)
                    .unwrap()
                    .foreign_keys(false)
                    .connect()
                    .await
                    .unwrap();
                before.run(&mut conn).await.unwrap();
                sqlx::query(rows).execute(&mut conn).await.unwrap();
                all.run(&mut conn).await.unwrap();
                sqlx::query_as(read).fetch_all(&mut conn).await.unwrap()
            }
            Backend::Postgres => {
                use sqlx::Connection;
                let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
                before.run(&mut conn).await.unwrap();
                sqlx::query("SET session_replication_role = replica")
                    .execute(&mut conn)
                    .await
                    .unwrap();
                sqlx::query(rows).execute(&mut conn).await.unwrap();
                sqlx::query("SET session_replication_role = DEFAULT")
                    .execute(&mut conn)
                    .await
                    .unwrap();
                all.run(&mut conn).await.unwrap();
                sqlx::query_as(read).fetch_all(&mut conn).await.unwrap()
            }
        };
        let row = |e: &str, id: i64, k: &str, r: &str, l: &str| {
            (
                e.to_owned(),
                id,
                k.to_owned(),
                r.to_owned(),
                l.to_owned(),
                "email".to_owned(),
            )
        };
        assert_eq!(
            got,
            vec![
                row("report", 7, "report_returned", "", "/reports/7"),
                row(
                    "report_type",
                    3,
                    "report_due_soon",
                    "2026-04:12",
                    "/reports/9"
                ),
                row("report_type", 3, "report_overdue", "2026-03:12", "/reports"),
                row(
                    "partnership",
                    5,
                    "partnership_ending",
                    "30:2026-06-30",
                    "/partnerships/5"
                ),
            ]
        );
    }

    #[tokio::test]
    async fn sqlite() {
        run(Backend::Sqlite).await;
    }

    #[tokio::test]
    async fn postgres() {
        run(Backend::Postgres).await;
    }
}
