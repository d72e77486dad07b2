//! Accounts managed in the app: invitations by e-mail (through a real SMTP conversation),
//! one-time links, deactivation, forgotten and changed passwords, who manages whom, and the
//! outbox when no SMTP server is configured.

use serde_json::json;
use simandiri::features::accounts::service::{self, MAX_RESETS_PER_ACCOUNT, NewAccount};
use simandiri::kernel::access::Role;
use simandiri::kernel::db::Sql;

use crate::mailbox::{link, token};
use crate::support::{Client, Content, DEMO_PASSWORD, TestApp, demo_email};

const NEW_PASSWORD: &str = "kuda laut berenang jauh";

/// How many sessions the account with this e-mail has on the server.
async fn sessions_of(t: &TestApp, email: &str) -> i64 {
    let (n,): (i64,) = t
        .db()
        .fetch_one(
            Sql::new(
                "SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id \
                 WHERE u.email = $1",
            )
            .arg(email),
        )
        .await
        .unwrap();
    n
}

mod an_invitation_becomes_an_account {
    use super::*;
    crate::on_both!(Content::Demo, |t, mail| {
        let admin = t.api_as("admin").await;
        let serang = t.org_id("BBPVP Serang").await;
        let (status, body) = admin
            .json(
                "POST",
                "/api/v1/users",
                json!({"email": "Rina.Pembina@Contoh.id", "name": "Rina Marlina",
                    "role": "pembina", "org_id": serang}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["status"], "diundang");
        assert_eq!(body["email"], "rina.pembina@contoh.id");
        assert_eq!(body["org_name"], "BBPVP Serang");
        let id = body["id"].as_i64().unwrap();

        // The same address again is a field error, and nothing more is sent.
        let (status, again) = admin
            .json(
                "POST",
                "/api/v1/users",
                json!({"email": "rina.pembina@contoh.id", "name": "Rina",
                    "role": "pembina", "org_id": serang}),
            )
            .await;
        assert_eq!(status, 422, "{again}");
        assert_eq!(again["error"]["fields"][0]["field"], "email");

        let m = mail.next_to("rina.pembina@contoh.id", 0).await;
        assert_eq!(m.subject, "Undangan ke Simandiri");
        assert!(m.text.contains("Rina Marlina"), "{}", m.text);
        assert!(m.text.contains("72 jam"), "{}", m.text);
        let url = link(&m, "http://simandiri.test/invitation?token=");
        let tok = token(&url);
        // Stored hashed: the token itself is nowhere in the database.
        let (stored,): (i64,) = t
            .db()
            .fetch_one(
                Sql::new("SELECT COUNT(*) FROM account_tokens WHERE token_hash = $1").arg(&tok),
            )
            .await
            .unwrap();
        assert_eq!(stored, 0);
        // Sent: the one-time link is no longer kept in the queue.
        let (bodies,): (i64,) = t
            .db()
            .fetch_one(Sql::new(
                "SELECT COUNT(*) FROM mail_jobs WHERE body LIKE '%invitation?token=%' \
                 AND sent_at IS NOT NULL",
            ))
            .await
            .unwrap();
        assert_eq!(bodies, 0);

        // The page behind the link asks for a password for that address.
        let visitor = t.anonymous().await;
        let page = visitor.get(&format!("/invitation?token={tok}")).await;
        assert_eq!(page.status, 200, "{}", page.text);
        assert!(page.text.contains("rina.pembina@contoh.id"));
        assert_eq!(page.header("cache-control"), "no-store");

        // A weak password is refused beside the field; the link still works.
        let weak = visitor
            .form(
                "/invitation",
                &[("token", &tok), ("password", "password123")],
            )
            .await;
        assert_eq!(weak.status, 422);
        assert!(weak.text.contains("terlalu umum"), "{}", weak.text);

        // A good one signs the new user in, at their home.
        let ok = visitor
            .form(
                "/invitation",
                &[("token", &tok), ("password", NEW_PASSWORD)],
            )
            .await;
        assert_eq!(ok.status, 303, "{}", ok.text);
        assert_eq!(ok.header("location"), "/?done=welcome");
        let (status, me) = visitor.get_json("/api/v1/session").await;
        assert_eq!(status, 200);
        assert_eq!(me["user"]["email"], "rina.pembina@contoh.id");

        // The link works once.
        let twice = t
            .anonymous()
            .await
            .form(
                "/invitation",
                &[("token", &tok), ("password", NEW_PASSWORD)],
            )
            .await;
        assert_eq!(twice.status, 410);
        assert!(twice.text.contains("sudah dipakai"), "{}", twice.text);
        let (status, body) = Client::new(&t.base)
            .json(
                "POST",
                "/api/v1/invitations/accept",
                json!({"token": tok, "password": NEW_PASSWORD}),
            )
            .await;
        assert_eq!(status, 422);
        assert_eq!(body["error"]["fields"][0]["code"], "token_used");

        // The account is active now, and the trail says who invited whom.
        let (_, shown) = admin.get_json(&format!("/api/v1/users/{id}")).await;
        assert_eq!(shown["status"], "aktif");
        let actions: Vec<(String,)> = t
            .db()
            .fetch_all(
                Sql::new(
                    "SELECT action FROM audit_log WHERE entity = 'user' AND entity_id = $1 \
                     ORDER BY id",
                )
                .arg(id),
            )
            .await
            .unwrap();
        let actions: Vec<&str> = actions.iter().map(|(a,)| a.as_str()).collect();
        assert_eq!(actions, ["invite", "accept_invitation"]);
    });
}

mod expired_and_unknown_links_are_refused {
    use super::*;
    crate::on_both!(Content::Demo, |t, mail| {
        let admin = t.api_as("admin").await;
        let mes = t.org_id(simandiri::seed::demo::MES).await;
        let (status, body) = admin
            .json(
                "POST",
                "/api/v1/users",
                json!({"email": "lama@contoh.id", "name": "Lama", "role": "mitra", "org_id": mes}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        let tok = token(&link(
            &mail.next_to("lama@contoh.id", 0).await,
            "http://simandiri.test/invitation",
        ));
        t.db()
            .execute(Sql::new(
                "UPDATE account_tokens SET expires_at = created_at WHERE used_at IS NULL",
            ))
            .await
            .unwrap();
        let c = Client::new(&t.base);
        let (status, body) = c
            .json(
                "POST",
                "/api/v1/invitations/accept",
                json!({"token": tok, "password": NEW_PASSWORD}),
            )
            .await;
        assert_eq!(status, 422);
        assert_eq!(body["error"]["fields"][0]["code"], "token_expired");
        let (status, body) = c
            .json(
                "POST",
                "/api/v1/invitations/accept",
                json!({"token": "0".repeat(64), "password": NEW_PASSWORD}),
            )
            .await;
        assert_eq!(status, 422);
        assert_eq!(body["error"]["fields"][0]["code"], "token_invalid");
        let page = t.anonymous().await.get("/invitation?token=nonsense").await;
        assert_eq!(page.status, 410);
        assert!(page.text.contains("tidak berlaku"), "{}", page.text);

        // A new invitation replaces the old link.
        let (_, list) = admin.get_json("/api/v1/users?q=lama").await;
        let id = list["items"][0]["id"].as_i64().unwrap();
        let (status, _) = admin
            .change(
                "POST",
                &format!("/api/v1/users/{id}/invitation"),
                &format!("/api/v1/users/{id}"),
                json!({}),
            )
            .await;
        assert_eq!(status, 202);
        let fresh = token(&link(
            &mail.next_to("lama@contoh.id", 1).await,
            "http://simandiri.test/invitation",
        ));
        assert_ne!(fresh, tok);
        let (status, _) = c
            .json(
                "POST",
                "/api/v1/invitations/accept",
                json!({"token": fresh, "password": NEW_PASSWORD}),
            )
            .await;
        assert_eq!(status, 204);
        // Active accounts get no invitations.
        let (status, body) = admin
            .change(
                "POST",
                &format!("/api/v1/users/{id}/invitation"),
                &format!("/api/v1/users/{id}"),
                json!({}),
            )
            .await;
        assert_eq!(status, 422, "{body}");
    });
}

mod deactivation_ends_sessions_at_once {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let email = demo_email("mitra");
        let browser = t.as_role("mitra").await;
        let api = t.api_as("mitra").await;
        assert_eq!(browser.get("/me").await.status, 200);
        assert_eq!(sessions_of(&t, &email).await, 2);

        let admin = t.api_as("admin").await;
        let (_, list) = admin
            .get_json(&format!("/api/v1/users?q={}", "mitra@demo"))
            .await;
        assert_eq!(list["total"], 1, "{list}");
        let id = list["items"][0]["id"].as_i64().unwrap();
        let (status, body) = admin
            .patch(&format!("/api/v1/users/{id}"), json!({"active": false}))
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "nonaktif");
        assert_eq!(sessions_of(&t, &email).await, 0);

        // The old cookies open nothing; signing in again fails.
        let r = browser.get("/me").await;
        assert_eq!(r.status, 303);
        assert!(r.header("location").starts_with("/login"));
        assert_eq!(api.get_json("/api/v1/session").await.0, 401);
        let (status, _) = Client::new(&t.base)
            .json(
                "POST",
                "/api/v1/session",
                json!({"email": email, "password": DEMO_PASSWORD}),
            )
            .await;
        assert_eq!(status, 401);

        // Admins cannot lock themselves out.
        let (_, me) = admin.get_json("/api/v1/session").await;
        let admin_id = me["user"]["id"].as_i64().unwrap();
        let (status, body) = admin
            .patch(
                &format!("/api/v1/users/{admin_id}"),
                json!({"active": false}),
            )
            .await;
        assert_eq!(status, 422);
        assert_eq!(body["error"]["fields"][0]["code"], "not_self");

        // Reactivated, the account signs in again.
        let (status, _) = admin
            .patch(&format!("/api/v1/users/{id}"), json!({"active": true}))
            .await;
        assert_eq!(status, 200);
        t.api_as("mitra").await;
    });
}

mod forgotten_passwords_are_reset_by_mail {
    use super::*;
    crate::on_both!(Content::Demo, |t, mail| {
        let email = demo_email("forum");
        let old = t.as_role("forum").await;
        let visitor = t.anonymous().await;
        let known = visitor.form("/password/forgot", &[("email", &email)]).await;
        let unknown = visitor
            .form("/password/forgot", &[("email", "tidak.ada@contoh.id")])
            .await;
        assert_eq!(known.status, 200);
        assert_eq!(unknown.status, 200);
        let said = |r: &crate::support::Res| {
            let start = r.text.find("<main").unwrap();
            r.text[start..].to_owned()
        };
        assert_eq!(said(&known), said(&unknown), "the same answer either way");

        let m = mail.next_to(&email, 0).await;
        let url = link(&m, "http://simandiri.test/password/reset?token=");
        let tok = token(&url);
        let r = visitor
            .form(
                "/password/reset",
                &[("token", &tok), ("password", NEW_PASSWORD)],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.text);
        assert_eq!(r.header("location"), "/login?done=password_reset");
        let login = visitor.get("/login?done=password_reset").await;
        assert!(login.text.contains("Silakan masuk dengan kata sandi baru"));
        // Every session of the account ended; the new password works, the old does not.
        assert_eq!(old.get("/me").await.status, 303);
        let c = Client::new(&t.base);
        let (status, _) = c
            .json(
                "POST",
                "/api/v1/session",
                json!({"email": email, "password": DEMO_PASSWORD}),
            )
            .await;
        assert_eq!(status, 401);
        let (status, _) = c
            .json(
                "POST",
                "/api/v1/session",
                json!({"email": email, "password": NEW_PASSWORD}),
            )
            .await;
        assert_eq!(status, 200);
        // Nothing was sent for the unknown address.
        assert!(
            mail.all()
                .iter()
                .all(|m| !m.to.contains(&"tidak.ada@contoh.id".to_owned()))
        );
    });
}

mod reset_requests_are_limited {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = Client::new(&t.base);
        for _ in 0..MAX_RESETS_PER_ACCOUNT {
            let (status, body) = c
                .json(
                    "POST",
                    "/api/v1/password-reset",
                    json!({"email": demo_email("pengelola")}),
                )
                .await;
            assert_eq!(status, 202, "{body}");
            assert!(body["message"].as_str().unwrap().contains("Jika alamat"));
        }
        let (status, body) = c
            .json(
                "POST",
                "/api/v1/password-reset",
                json!({"email": demo_email("pengelola")}),
            )
            .await;
        assert_eq!(status, 429, "{body}");
        // Unknown addresses are limited the same way (the limit says nothing of existence).
        for _ in 0..MAX_RESETS_PER_ACCOUNT {
            c.json(
                "POST",
                "/api/v1/password-reset",
                json!({"email": "x@contoh.id"}),
            )
            .await;
        }
        let (status, _) = c
            .json(
                "POST",
                "/api/v1/password-reset",
                json!({"email": "x@contoh.id"}),
            )
            .await;
        assert_eq!(status, 429);
        let (status, body) = c
            .json(
                "POST",
                "/api/v1/password-reset",
                json!({"email": "bukan email"}),
            )
            .await;
        assert_eq!(status, 422, "{body}");
        // Only the allowed requests were queued (no SMTP here: they wait in the outbox);
        // reset links are the mail holding a secret.
        let (queued,): (i64,) = t
            .db()
            .fetch_one(
                Sql::new("SELECT COUNT(*) FROM mail_jobs WHERE to_addr = $1 AND secret = $2")
                    .arg(demo_email("pengelola"))
                    .arg(true),
            )
            .await
            .unwrap();
        assert_eq!(queued, MAX_RESETS_PER_ACCOUNT);
    });
}

mod changing_a_password_ends_the_other_sessions {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let email = demo_email("disnaker");
        let here = t.as_role("disnaker").await;
        let elsewhere = t.api_as("disnaker").await;
        let wrong = here
            .form(
                "/me/password",
                &[("current", "bukan sandinya"), ("new", NEW_PASSWORD)],
            )
            .await;
        assert_eq!(wrong.status, 422);
        assert!(
            wrong.text.contains("Kata sandi saat ini salah"),
            "{}",
            wrong.text
        );
        let with_email = here
            .form(
                "/me/password",
                &[
                    ("current", DEMO_PASSWORD),
                    ("new", "x disnaker@demo.simandiri.test"),
                ],
            )
            .await;
        assert_eq!(with_email.status, 422);
        assert!(with_email.text.contains("tidak boleh memuat alamat email"));
        let ok = here
            .form(
                "/me/password",
                &[("current", DEMO_PASSWORD), ("new", NEW_PASSWORD)],
            )
            .await;
        assert_eq!(ok.status, 303, "{}", ok.text);
        assert_eq!(ok.header("location"), "/me?done=password_changed");
        let me = here.get("/me?done=password_changed").await;
        assert_eq!(me.status, 200, "this session stays signed in");
        assert!(me.text.contains("Kata sandi diganti"));
        assert_eq!(elsewhere.get_json("/api/v1/session").await.0, 401);
        assert_eq!(sessions_of(&t, &email).await, 1);
        // Through the API too.
        let (status, _) = here
            .json(
                "PUT",
                "/api/v1/me/password",
                json!({"current": NEW_PASSWORD, "new": "tiga ekor kucing oren"}),
            )
            .await;
        assert_eq!(status, 204);
    });
}

mod organisations_manage_their_own_accounts {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let serang = t.org_id("BBPVP Serang").await;
        let darul_bayan = t.org_id(simandiri::seed::demo::DARUL_BAYAN).await;
        // An officer of the same UPTP without the flag manages nothing.
        service::create(
            t.db(),
            None,
            &NewAccount {
                email: "petugas@bbpvp-serang.test",
                name: "Petugas Biasa",
                role: Role::Pembina,
                org_id: Some(serang),
                org_admin: false,
                password: NEW_PASSWORD,
            },
        )
        .await
        .unwrap();
        let officer = Client::new(&t.base);
        let (status, _) = officer
            .json(
                "POST",
                "/api/v1/session",
                json!({"email": "petugas@bbpvp-serang.test", "password": NEW_PASSWORD}),
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(officer.get_json("/api/v1/users").await.0, 403);

        // The flagged officer (the demo's) sees and invites within their UPTP only.
        let uptp_admin = t.api_as("pembina").await;
        let (status, list) = uptp_admin.get_json("/api/v1/users").await;
        assert_eq!(status, 200, "{list}");
        let items = list["items"].as_array().unwrap();
        assert!(items.iter().all(|u| u["org_id"] == serang), "{list}");
        assert!(
            items
                .iter()
                .any(|u| u["email"] == "petugas@bbpvp-serang.test")
        );
        let (_, all) = t.api_as("admin").await.get_json("/api/v1/users").await;
        assert!(all["total"].as_i64().unwrap() > list["total"].as_i64().unwrap());
        let (status, body) = uptp_admin
            .json(
                "POST",
                "/api/v1/users",
                json!({"email": "orang@contoh.id", "name": "Orang", "role": "pengelola",
                    "org_id": darul_bayan}),
            )
            .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["error"]["fields"][0]["code"], "not_yours");
        let (status, body) = uptp_admin
            .json(
                "POST",
                "/api/v1/users",
                json!({"email": "rekan@contoh.id", "name": "Rekan", "role": "pembina",
                    "org_id": serang}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        // Someone outside their organisation is not even found.
        let (_, admins) = t
            .api_as("admin")
            .await
            .get_json("/api/v1/users?role=admin")
            .await;
        let admin_id = admins["items"][0]["id"].as_i64().unwrap();
        assert_eq!(
            uptp_admin
                .get_json(&format!("/api/v1/users/{admin_id}"))
                .await
                .0,
            404
        );

        // A BLKK manager invites colleagues to their own BLKK.
        let manager = t.as_role("pengelola").await;
        let page = manager.get("/users/new").await;
        assert_eq!(page.status, 200);
        assert!(page.text.contains(simandiri::seed::demo::DARUL_BAYAN));
        let r = manager
            .form(
                "/users",
                &[
                    ("name", "Ustadz Hamid"),
                    ("email", "hamid@contoh.id"),
                    ("role", "pengelola"),
                    ("org_id", &darul_bayan.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.text);
        assert!(r.header("location").ends_with("?done=invited"));
        let shown = manager.get(r.header("location")).await;
        assert!(shown.text.contains("Undangan terkirim"), "{}", shown.text);
        // A bad form keeps what was typed and says what is wrong beside the field.
        let bad = manager
            .form(
                "/users",
                &[
                    ("name", "Ustadzah Siti"),
                    ("email", "siti@"),
                    ("role", "pengelola"),
                ],
            )
            .await;
        assert_eq!(bad.status, 422);
        assert!(bad.text.contains("value=\"Ustadzah Siti\""));
        assert!(bad.text.contains("Alamat email tidak valid"));
        // Partners manage no accounts.
        assert_eq!(t.as_role("mitra").await.get("/users").await.status, 403);
    });
}

mod without_smtp_mail_waits_in_the_outbox {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let admin = t.as_role("admin").await;
        let mes = t.org_id(simandiri::seed::demo::MES).await;
        let r = admin
            .form(
                "/users",
                &[
                    ("name", "Budi Mitra"),
                    ("email", "budi@mitra.test"),
                    ("role", "mitra"),
                    ("org_id", &mes.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.text);
        let outbox = admin.get("/outbox").await;
        assert_eq!(outbox.status, 200);
        assert!(outbox.text.contains("budi@mitra.test"));
        assert!(
            outbox.text.contains("/invitation?token="),
            "readable without SMTP"
        );
        assert!(outbox.text.contains("belum diatur"));
        assert_eq!(t.as_role("pembina").await.get("/outbox").await.status, 403);
    });
}

/// A message that cannot be delivered is retried later, with the error kept.
#[tokio::test]
async fn undeliverable_mail_is_retried_with_backoff() {
    use simandiri::features::mail::model::Mail;
    use simandiri::features::mail::service as mail;
    use simandiri::features::mail::smtp::Smtp;
    let t = crate::support::database(crate::support::Kind::Sqlite, Content::Reference)
        .await
        .unwrap();
    let mut tx = t.db.begin().await.unwrap();
    mail::queue(
        &mut tx,
        &Mail {
            to: "a@contoh.id".into(),
            subject: "Uji".into(),
            body: "Isi".into(),
            secret: false,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    // Nothing listens on this port.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let smtp = Smtp::new(&format!("smtp://127.0.0.1:{port}"), "x@simandiri.test").unwrap();
    assert_eq!(mail::deliver_due(&t.db, &smtp).await.unwrap(), 0);
    let (attempts, error, waits): (i64, Option<String>, bool) =
        t.db.fetch_one(Sql::new(
            "SELECT attempts, last_error, run_at > created_at FROM mail_jobs",
        ))
        .await
        .unwrap();
    assert_eq!(attempts, 1);
    assert!(error.is_some_and(|e| !e.is_empty()));
    assert!(waits, "tried again later, not at once");
    // Not due yet: a second round does not try it.
    mail::deliver_due(&t.db, &smtp).await.unwrap();
    let (attempts,): (i64,) =
        t.db.fetch_one(Sql::new("SELECT attempts FROM mail_jobs"))
            .await
            .unwrap();
    assert_eq!(attempts, 1);
}
