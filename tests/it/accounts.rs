//! Accounts: signing in and out (throttled without locking the owner out, with bounded
//! password hashing), sessions in the database, creating accounts.

use reqwest::StatusCode;
use serde_json::json;
use simandiri::features::accounts::model::User;
use simandiri::features::accounts::service::{
    self, MAX_ATTEMPTS_PER_ACCOUNT, MAX_ATTEMPTS_PER_CLIENT, MAX_ATTEMPTS_PER_KNOWN_CLIENT,
    NewAccount, SignInFrom,
};
use simandiri::kernel::access::{Role, Scope};
use simandiri::kernel::db::Sql;
use simandiri::kernel::error::AppError;

use crate::support::{Client, Content, DEMO_PASSWORD, TestApp, demo_email};

mod sessions_end_on_the_server {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = Client::new(&t.base);
        // Same answer for an unknown account and a wrong password.
        let unknown = c
            .json(
                "POST",
                "/api/v1/session",
                json!({"email": "siapa@contoh.id", "password": "x"}),
            )
            .await;
        let wrong = c
            .json(
                "POST",
                "/api/v1/session",
                json!({"email": demo_email("mitra"), "password": "x"}),
            )
            .await;
        assert_eq!(unknown.0, 401);
        assert_eq!(unknown, wrong);

        let r = c
            .http
            .post(c.url("/api/v1/session"))
            .json(&json!({"email": demo_email("mitra"), "password": DEMO_PASSWORD}))
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
        assert_eq!(
            r.headers()["cache-control"],
            "no-store",
            "personal answers are not cached"
        );
        let me: serde_json::Value = r.json().await.unwrap();
        assert_eq!(me["user"]["role"], "mitra");
        let session_value = cookie.split(';').next().unwrap().to_owned();

        let (s, _) = c
            .json("DELETE", "/api/v1/session", serde_json::Value::Null)
            .await;
        assert_eq!(s, 204);
        // The old cookie, replayed by another client, no longer signs anyone in.
        let other = Client::new(&t.base);
        let r = other
            .http
            .get(other.url("/api/v1/session"))
            .header("cookie", session_value)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
        let (n,): (i64,) = t
            .db()
            .fetch_one(Sql::new(
                "SELECT COUNT(*) FROM sessions WHERE user_id IS NOT NULL",
            ))
            .await
            .unwrap();
        assert_eq!(n, 0, "the session row is gone");

        // Repeated failures (to an account never signed in to) are throttled with 429 and
        // Retry-After.
        for i in 0..=MAX_ATTEMPTS_PER_ACCOUNT {
            let r = c
                .http
                .post(c.url("/api/v1/session"))
                .json(&json!({"email": demo_email("forum"), "password": "salah"}))
                .send()
                .await
                .unwrap();
            if i < MAX_ATTEMPTS_PER_ACCOUNT {
                assert_eq!(r.status(), 401, "attempt {i}");
            } else {
                assert_eq!(r.status(), 429, "attempt {i}");
                assert_eq!(r.headers()["retry-after"], "900");
            }
        }
    });
}

mod sign_in_throttles_and_answers_alike {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let db = t.db();
        let nowhere = SignInFrom::default();
        let (ok, device) =
            service::sign_in(db, "PENGELOLA@demo.simandiri.test", DEMO_PASSWORD, &nowhere)
                .await
                .unwrap();
        assert_eq!(ok.role, Role::Pengelola);
        assert_eq!(device.len(), 64, "a device token to keep");
        let unknown =
            service::sign_in(db, "nobody@demo.simandiri.test", DEMO_PASSWORD, &nowhere).await;
        let wrong =
            service::sign_in(db, "forum@demo.simandiri.test", "wrong password", &nowhere).await;
        assert!(matches!(unknown, Err(AppError::BadCredentials)));
        assert!(matches!(wrong, Err(AppError::BadCredentials)));
        for _ in 1..MAX_ATTEMPTS_PER_ACCOUNT {
            let r =
                service::sign_in(db, "forum@demo.simandiri.test", "wrong password", &nowhere).await;
            assert!(matches!(r, Err(AppError::BadCredentials)), "{r:?}");
        }
        // Now even the right password is refused for a while, from devices and addresses the
        // account never signed in from.
        let r = service::sign_in(db, "forum@demo.simandiri.test", DEMO_PASSWORD, &nowhere).await;
        assert!(matches!(r, Err(AppError::TooManyAttempts)), "{r:?}");
        // Other accounts are unaffected, and successes are not held against anyone.
        for _ in 0..MAX_ATTEMPTS_PER_ACCOUNT + 2 {
            service::sign_in(db, "pembina@demo.simandiri.test", DEMO_PASSWORD, &nowhere)
                .await
                .unwrap();
        }
    });
}

/// The number of sign-in warnings queued for `email`.
async fn warnings(t: &TestApp, email: &str) -> i64 {
    let (n,): (i64,) = t
        .db()
        .fetch_one(
            Sql::new("SELECT COUNT(*) FROM mail_jobs WHERE to_addr = $1 AND subject = $2")
                .arg(email)
                .arg("Percobaan masuk yang gagal ke akun Simandiri Anda"),
        )
        .await
        .unwrap();
    n
}

/// Failures from devices and addresses an account never signed in from cannot keep its
/// owner out: a device or address that signed in before is checked against its own counter
/// only. Unknown ones stay limited to a few guesses per account and window, and the owner is
/// told once.
mod failures_elsewhere_do_not_lock_the_owner_out {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let db = t.db();
        let email = demo_email("forum");
        let ip = |s: &str| SignInFrom::address(s.parse().unwrap());
        let home = ip("198.51.100.7");
        // The owner signs in from home once: the address is known, and so is the device.
        let (_, device) = service::sign_in(db, &email, DEMO_PASSWORD, &home)
            .await
            .unwrap();
        let on_device = |at: &str| SignInFrom {
            device: Some(device.clone()),
            ..ip(at)
        };

        // Guesses from everywhere else: a few are checked, then every other device and
        // address is refused, even with the right password.
        for i in 0..3 * MAX_ATTEMPTS_PER_ACCOUNT {
            let r = service::sign_in(db, &email, "tebakan", &ip(&format!("203.0.113.{i}"))).await;
            if i < MAX_ATTEMPTS_PER_ACCOUNT {
                assert!(matches!(r, Err(AppError::BadCredentials)), "{i}: {r:?}");
            } else {
                assert!(matches!(r, Err(AppError::TooManyAttempts)), "{i}: {r:?}");
            }
        }
        for from in [ip("203.0.113.200"), SignInFrom::default()] {
            let r = service::sign_in(db, &email, DEMO_PASSWORD, &from).await;
            assert!(
                matches!(r, Err(AppError::TooManyAttempts)),
                "{from:?}: {r:?}"
            );
        }
        // A made-up device token is no known device.
        let forged = SignInFrom {
            device: Some("ab".repeat(32)),
            ..ip("203.0.113.201")
        };
        let r = service::sign_in(db, &email, DEMO_PASSWORD, &forged).await;
        assert!(matches!(r, Err(AppError::TooManyAttempts)), "{r:?}");
        // The owner gets in from home, and with their device from anywhere.
        service::sign_in(db, &email, DEMO_PASSWORD, &home)
            .await
            .unwrap();
        let (_, kept) = service::sign_in(db, &email, DEMO_PASSWORD, &on_device("192.0.2.1"))
            .await
            .unwrap();
        assert_eq!(kept, device, "the device keeps its token");
        // The owner was told, once; nobody is told about an address without an account.
        assert_eq!(warnings(&t, &email).await, 1);
        for _ in 0..=MAX_ATTEMPTS_PER_ACCOUNT {
            let _ = service::sign_in(db, "nobody@contoh.id", "x", &ip("203.0.113.9")).await;
        }
        assert_eq!(warnings(&t, "nobody@contoh.id").await, 0);

        // Each known address has its own limit: failures there hold back that address only.
        for i in 0..=MAX_ATTEMPTS_PER_KNOWN_CLIENT {
            let r = service::sign_in(db, &email, "tebakan", &home).await;
            if i < MAX_ATTEMPTS_PER_KNOWN_CLIENT {
                assert!(matches!(r, Err(AppError::BadCredentials)), "{i}: {r:?}");
            } else {
                assert!(matches!(r, Err(AppError::TooManyAttempts)), "{i}: {r:?}");
            }
        }
        let r = service::sign_in(db, &email, DEMO_PASSWORD, &home).await;
        assert!(matches!(r, Err(AppError::TooManyAttempts)), "{r:?}");
        service::sign_in(db, &email, DEMO_PASSWORD, &on_device("198.51.100.7"))
            .await
            .unwrap();
        assert_eq!(warnings(&t, &email).await, 1, "still told once");
    });
}

/// Over HTTP (where every client is 127.0.0.1): the browser that signed in before keeps a
/// device cookie and gets in, while failures without it are throttled.
mod the_device_cookie_keeps_the_owner_in {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let email = demo_email("disnaker");
        let sign_in = |c: &Client, password: &str| {
            c.http
                .post(c.url("/api/v1/session"))
                .json(&json!({"email": email, "password": password}))
                .send()
        };
        // The owner's browser signs in (with the form) and out: it keeps the device cookie.
        let owner = t.anonymous().await;
        let r = owner
            .form("/login", &[("email", &email), ("password", DEMO_PASSWORD)])
            .await;
        assert_eq!(r.status, 303, "{}", r.text);
        let cookie = r
            .headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap())
            .find(|v| v.starts_with("simandiri_device="))
            .expect("device cookie");
        assert!(
            cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Strict")
                && cookie.contains("Max-Age=7776000"),
            "{cookie}"
        );
        assert_eq!(owner.form("/logout", &[]).await.status, 303);

        // Someone else, from the same address but without the cookie: a few guesses, then
        // 429 with Retry-After.
        let other = Client::new(&t.base);
        for i in 0..=MAX_ATTEMPTS_PER_KNOWN_CLIENT + 3 {
            let r = sign_in(&other, "tebakan").await.unwrap();
            if i < MAX_ATTEMPTS_PER_KNOWN_CLIENT {
                assert_eq!(r.status(), 401, "attempt {i}");
            } else {
                assert_eq!(r.status(), 429, "attempt {i}");
                assert_eq!(r.headers()["retry-after"], "900");
            }
        }
        // The owner's browser gets in, through the API too.
        let r = sign_in(&owner, DEMO_PASSWORD).await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(
            r.headers()
                .get_all("set-cookie")
                .iter()
                .any(|v| v.to_str().unwrap().starts_with("simandiri_device=")),
            "renewed"
        );
        // Its own failures count on its own counter.
        for i in 0..=MAX_ATTEMPTS_PER_KNOWN_CLIENT {
            let r = sign_in(&owner, "salah ketik").await.unwrap();
            let expected = if i < MAX_ATTEMPTS_PER_KNOWN_CLIENT {
                401
            } else {
                429
            };
            assert_eq!(r.status(), expected, "attempt {i}");
        }
    });
}

/// Parallel attempts cannot race past the limits: each is counted, atomically, before its
/// password is checked.
mod parallel_sign_ins_cannot_race_the_throttle {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let attempts = |email: String, password: &'static str, n: usize, ip: Option<&str>| {
            let db = t.db().clone();
            let ip: Option<std::net::IpAddr> = ip.map(|ip| ip.parse().unwrap());
            (0..n)
                .map(|_| {
                    let db = db.clone();
                    let email = email.clone();
                    let from = SignInFrom {
                        address: ip,
                        device: None,
                    };
                    tokio::spawn(async move {
                        service::sign_in(&db, &email, password, &from)
                            .await
                            .map(|(u, _)| u)
                    })
                })
                .collect::<Vec<_>>()
        };
        // How many attempts got past the throttle (to the password check, or to a full
        // hashing queue), and how many were refused by it.
        async fn outcome(
            tasks: Vec<tokio::task::JoinHandle<Result<User, AppError>>>,
        ) -> (i64, i64) {
            let (mut passed, mut throttled) = (0, 0);
            for task in tasks {
                match task.await.unwrap() {
                    Ok(_) | Err(AppError::BadCredentials | AppError::Busy) => passed += 1,
                    Err(AppError::TooManyAttempts) => throttled += 1,
                    Err(other) => panic!("{other:?}"),
                }
            }
            (passed, throttled)
        }
        // 24 wrong passwords at once on one account: exactly 5 get past the throttle.
        let tasks = attempts(demo_email("mitra"), "salah sekali", 24, None);
        assert_eq!(
            outcome(tasks).await,
            (MAX_ATTEMPTS_PER_ACCOUNT, 24 - MAX_ATTEMPTS_PER_ACCOUNT)
        );
        // 39 wrong and the right one at once, on a fresh account: still exactly 5, whichever
        // they are.
        let mut tasks = attempts(demo_email("disnaker"), "salah sekali", 39, None);
        tasks.extend(attempts(demo_email("disnaker"), DEMO_PASSWORD, 1, None));
        assert_eq!(
            outcome(tasks).await,
            (MAX_ATTEMPTS_PER_ACCOUNT, 40 - MAX_ATTEMPTS_PER_ACCOUNT)
        );
        // 60 at once from one address, each on another account: exactly the address's 30.
        let mut tasks = Vec::new();
        for i in 0..60 {
            tasks.extend(attempts(
                format!("orang{i}@contoh.id"),
                "salah sekali",
                1,
                Some("203.0.113.9"),
            ));
        }
        assert_eq!(
            outcome(tasks).await,
            (MAX_ATTEMPTS_PER_CLIENT, 60 - MAX_ATTEMPTS_PER_CLIENT)
        );
        // 24 wrong at once from an address the account signed in from: exactly its own 5.
        let home = "198.51.100.7";
        let signed_in = attempts(demo_email("pembina"), DEMO_PASSWORD, 1, Some(home));
        assert_eq!(outcome(signed_in).await, (1, 0));
        let tasks = attempts(demo_email("pembina"), "salah sekali", 24, Some(home));
        assert_eq!(
            outcome(tasks).await,
            (
                MAX_ATTEMPTS_PER_KNOWN_CLIENT,
                24 - MAX_ATTEMPTS_PER_KNOWN_CLIENT
            )
        );
    });
}

mod accounts_are_validated {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let db = t.db();
        let darul = t.org_id("BLK Komunitas PP Salafiyah Darul Bayan").await;
        let account = |email, role, org_id, password| NewAccount {
            email,
            name: "X",
            role,
            org_id,
            org_admin: false,
            password,
        };
        // A pengelola must belong to a BLKK; a pembina to an UPTP.
        let r = service::create(
            db,
            None,
            &account("x@contoh.id", Role::Pembina, Some(darul), "long enough pw"),
        )
        .await;
        match r {
            Err(AppError::Invalid(e)) => assert_eq!(e.get("org_id"), Some("wrong_org_kind")),
            other => panic!("{other:?}"),
        }
        let r = service::create(
            db,
            None,
            &account(
                "admin@demo.simandiri.test",
                Role::Admin,
                None,
                "long enough pw",
            ),
        )
        .await;
        match r {
            Err(AppError::Invalid(e)) => assert_eq!(e.get("email"), Some("duplicate")),
            other => panic!("{other:?}"),
        }
        let r = service::create(
            db,
            None,
            &account("new@contoh.id", Role::Pengelola, Some(darul), "short"),
        )
        .await;
        match r {
            Err(AppError::Invalid(e)) => assert_eq!(e.get("password"), Some("password_too_short")),
            other => panic!("{other:?}"),
        }
        let id = service::create(
            db,
            None,
            &account(
                "New@Contoh.id",
                Role::Pengelola,
                Some(darul),
                "long enough pw",
            ),
        )
        .await
        .unwrap();
        let u = simandiri::features::accounts::store::by_email(db, "new@contoh.id")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(u.id, id);
        assert!(u.password_hash.starts_with("$argon2id$"));
        assert_eq!(u.actor().centre_scope(), Scope::Centre(darul));
    });
}

mod sessions_live_in_the_database {
    use super::*;
    use simandiri::kernel::web::session::DbSessionStore;
    use time::{Duration, OffsetDateTime};
    use tower_sessions::session::{Id, Record};
    use tower_sessions::session_store::{ExpiredDeletion, SessionStore};
    crate::on_both!(Content::Reference, |t| {
        let store = DbSessionStore::new(t.db().clone());
        let mut record = Record {
            id: Id::default(),
            data: [("user_id".to_owned(), serde_json::json!(7))]
                .into_iter()
                .collect(),
            // PostgreSQL keeps microseconds.
            expiry_date: (OffsetDateTime::now_utc() + Duration::hours(1))
                .replace_microsecond(0)
                .unwrap(),
        };
        store.create(&mut record).await.unwrap();
        assert_eq!(store.load(&record.id).await.unwrap(), Some(record.clone()));
        record.data.insert("x".into(), serde_json::json!("y"));
        store.save(&record).await.unwrap();
        assert_eq!(
            store.load(&record.id).await.unwrap().unwrap().data["x"],
            "y"
        );
        store.delete(&record.id).await.unwrap();
        assert_eq!(store.load(&record.id).await.unwrap(), None);
        // Expired sessions do not load and are purged.
        let mut old = Record {
            id: Id::default(),
            data: Default::default(),
            expiry_date: OffsetDateTime::now_utc() - Duration::minutes(1),
        };
        store.create(&mut old).await.unwrap();
        assert_eq!(store.load(&old.id).await.unwrap(), None);
        store.delete_expired().await.unwrap();
        let (n,): (i64,) = t
            .db()
            .fetch_one(Sql::new("SELECT COUNT(*) FROM sessions"))
            .await
            .unwrap();
        assert_eq!(n, 0);
    });
}

mod the_account_page_shows_the_scope {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = t.as_role("pengelola").await;
        let r = c.get("/me").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.text.contains("BLK Komunitas PP Salafiyah Darul Bayan"));
        assert!(
            r.text.contains(">BLKK saya</a>"),
            "a manager has one BLKK: theirs"
        );
        let p = t.as_role("pembina").await.get("/me").await;
        assert!(p.text.contains("BLKK dalam cakupan saya ("), "{}", p.text);
        assert_eq!(r.header("cache-control"), "no-store");
    });
}
