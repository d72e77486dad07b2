//! Storage and use cases on both backends.

use simandiri::app::centres::{self, Assignment};
use simandiri::app::{self, AppError};
use simandiri::domain::access::{Actor, CentreFacts, Scope};
use simandiri::domain::role::Role;
use simandiri::storage::areas::{self, VillageQuery};
use simandiri::storage::centres::{DirectoryFilter, directory};
use simandiri::storage::{Db, Sql};

use crate::support::{Content, Kind};

async fn admin(db: &Db) -> Actor {
    simandiri::storage::users::by_email(db, "admin@demo.simandiri.test")
        .await
        .unwrap()
        .expect("demo admin")
        .actor()
}

mod reference_areas {
    use super::*;
    crate::on_both!(Content::Reference, |t| {
        let counts: Vec<(i64, i64)> =
            t.db.fetch_all(Sql::new(
                "SELECT level, COUNT(*) FROM areas GROUP BY level ORDER BY level",
            ))
            .await
            .unwrap();
        assert_eq!(counts, vec![(1, 38), (2, 514), (3, 7285), (4, 83762)]);
        let p = areas::path(&t.db, "36.01.06.2002").await.unwrap().unwrap();
        assert_eq!(p.village_name, "Mekarjaya");
        assert_eq!(p.district_name, "Panimbang");
        assert_eq!(p.regency_name, "Kabupaten Pandeglang");
        assert_eq!(p.province_name, "Banten");
    });
}

mod village_lookup_tolerates_spellings {
    use super::*;
    crate::on_both!(Content::Reference, |t| {
        for q in [
            "Desa Mekar Jaya",
            "mekarjaya",
            "MEKAR-JAYA",
            " mekar  jaya ",
        ] {
            let found = areas::find_villages(
                &t.db,
                &VillageQuery {
                    q: q.into(),
                    regency: Some("36.01".into()),
                    district: None,
                    limit: 20,
                },
            )
            .await
            .unwrap();
            assert!(
                found.iter().any(|v| v.code == "36.01.06.2002"),
                "{q:?} finds Mekarjaya in Panimbang: {found:?}"
            );
            assert!(
                found.iter().all(|v| v.code.starts_with("36.01.")),
                "stays in the regency"
            );
        }
        // Exact matches come first; a district narrows the search.
        let found = areas::find_villages(
            &t.db,
            &VillageQuery {
                q: "mekarjaya".into(),
                regency: None,
                district: Some("36.01.06".into()),
                limit: 5,
            },
        )
        .await
        .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].district_name, "Panimbang");
    });
}

mod centre_lifecycle_with_audit_and_versions {
    use super::*;
    use simandiri::domain::centre::CentreInput;
    crate::on_both!(Content::Demo, |t| {
        let db = &t.db;
        let admin = admin(db).await;
        let input = CentreInput {
            name: "BLK Komunitas PP Uji Coba".into(),
            reg_no: "BLKK-2021-3601-77777".into(),
            host_name: "Pondok Pesantren Uji Coba".into(),
            host_type: "pesantren".into(),
            village_code: "36.01.06.2002".into(),
            aid_year: "2021".into(),
            kejuruan: vec!["tik".into(), "las".into()],
            status: "aktif".into(),
            contact_phone: "0812 3456 7890".into(),
            ..Default::default()
        };
        let serang = simandiri::storage::orgs::find_by_name(
            &mut db.begin().await.unwrap(),
            simandiri::domain::org::OrgKind::Uptp,
            "BBPVP Serang",
        )
        .await
        .unwrap()
        .unwrap();
        let id = centres::create(
            db,
            &admin,
            &input,
            &Assignment {
                pembina_id: Some(serang),
                forum_ids: vec![],
            },
        )
        .await
        .unwrap();
        let v = centres::view(db, Some(&admin), id).await.unwrap();
        assert_eq!(v.record.row.regency_name, "Kabupaten Pandeglang");
        assert_eq!(v.record.kejuruan, vec!["las", "tik"]);
        assert_eq!(v.record.row.contact_phone, "+6281234567890");
        assert_eq!(v.record.row.pembina_id, Some(serang));
        let version = v.record.row.version;

        // Same registration number again: a field error, nothing written.
        let dup = centres::create(db, &admin, &input, &Assignment::default()).await;
        match dup {
            Err(AppError::Invalid(e)) => assert_eq!(e.get("reg_no"), Some("duplicate")),
            other => panic!("expected a duplicate error, got {other:?}"),
        }

        // An edit from the version read succeeds; a second edit from the same (now stale)
        // version is refused and changes nothing.
        let mut edit = v.record.fields().to_input();
        edit.head_name = "Kyai Uji".into();
        edit.kejuruan = vec!["menjahit".into()];
        centres::update(db, &admin, id, &edit, None, Some(version))
            .await
            .unwrap();
        let mut stale = edit.clone();
        stale.head_name = "Orang Lain".into();
        let r = centres::update(db, &admin, id, &stale, None, Some(version)).await;
        assert!(matches!(r, Err(AppError::Stale)), "{r:?}");
        let after = centres::view(db, Some(&admin), id).await.unwrap();
        assert_eq!(after.record.row.head_name, "Kyai Uji");
        assert_eq!(after.record.kejuruan, vec!["menjahit"]);
        assert_eq!(after.record.row.version, version + 1);

        // Unknown village and kejuruan are field errors.
        let mut bad = edit.clone();
        bad.village_code = "36.01.06.9999".into();
        bad.kejuruan = vec!["sulap".into()];
        match centres::update(db, &admin, id, &bad, None, None).await {
            Err(AppError::Invalid(e)) => {
                assert_eq!(e.get("village_code"), Some("unknown_area"));
                assert_eq!(e.get("kejuruan"), Some("invalid_choice"));
            }
            other => panic!("expected field errors, got {other:?}"),
        }

        // The history shows who changed what, newest first, with old and new values.
        let (_, history) = centres::history(db, &admin, id).await.unwrap();
        assert_eq!(history.len(), 2);
        assert_eq!(history[0].action, "update");
        assert_eq!(history[0].actor_role.as_deref(), Some("admin"));
        let head = history[0]
            .changes
            .iter()
            .find(|c| c.field == "head_name")
            .unwrap();
        assert_eq!(head.old, serde_json::json!(""));
        assert_eq!(head.new, serde_json::json!("Kyai Uji"));
        assert!(
            history[0].changes.iter().all(|c| c.field != "name"),
            "unchanged fields are not listed"
        );
        assert_eq!(history[1].action, "create");
    });
}

mod directory_filters_match_the_records {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let db = &t.db;
        let all: Vec<(i64, String, String, String, String, String)> = db
            .fetch_all(Sql::new(
                "SELECT o.id, o.name, c.province_code, c.regency_code, c.host_type, c.status \
                 FROM centres c JOIN orgs o ON o.id = c.org_id",
            ))
            .await
            .unwrap();
        assert!(all.len() > 400);
        let count =
            |f: DirectoryFilter| async move { directory(db, &f, None, 10_000, 0).await.unwrap() };
        let (rows, total) = count(DirectoryFilter {
            province: "36".into(),
            ..Default::default()
        })
        .await;
        assert_eq!(total as usize, all.iter().filter(|r| r.2 == "36").count());
        assert_eq!(rows.len() as i64, total);
        let (_, total) = count(DirectoryFilter {
            regency: "36.03".into(),
            ..Default::default()
        })
        .await;
        assert_eq!(
            total as usize,
            all.iter().filter(|r| r.3 == "36.03").count()
        );
        assert!(total >= 33, "the 33 BLKK of FK-BLKK Kabupaten Tangerang");
        let (_, total) = count(DirectoryFilter {
            status: "tidak_aktif".into(),
            host_type: "pesantren".into(),
            ..Default::default()
        })
        .await;
        assert_eq!(
            total as usize,
            all.iter()
                .filter(|r| r.5 == "tidak_aktif" && r.4 == "pesantren")
                .count()
        );
        // Name search ignores case and spaces.
        let (rows, _) = count(DirectoryFilter {
            q: "darul  BAYAN".into(),
            ..Default::default()
        })
        .await;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].name, "BLK Komunitas PP Salafiyah Darul Bayan");
        assert_eq!(rows[0].village_name, "Mekarjaya");
        // Kejuruan filter: every row teaches it.
        let (rows, total) = count(DirectoryFilter {
            kejuruan: "las".into(),
            ..Default::default()
        })
        .await;
        assert!(total > 0);
        assert!(rows.iter().all(|r| r.kejuruan.iter().any(|k| k == "las")));
        // Pages partition the result.
        let (p1, t1) = directory(db, &DirectoryFilter::default(), None, 20, 0)
            .await
            .unwrap();
        let (p2, _) = directory(db, &DirectoryFilter::default(), None, 20, 20)
            .await
            .unwrap();
        assert_eq!(t1 as usize, all.len());
        assert!(p1.iter().all(|a| p2.iter().all(|b| a.id != b.id)));
    });
}

/// The SQL form of a scope must select exactly the BLKK the pure rule admits.
mod scope_sql_agrees_with_the_rule {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let db = &t.db;
        let facts_rows: Vec<(i64, Option<i64>, String, String)> = db
            .fetch_all(Sql::new(
                "SELECT org_id, pembina_id, province_code, regency_code FROM centres",
            ))
            .await
            .unwrap();
        let members: Vec<(i64, i64)> = db
            .fetch_all(Sql::new("SELECT forum_id, centre_id FROM forum_members"))
            .await
            .unwrap();
        let facts: Vec<CentreFacts> = facts_rows
            .into_iter()
            .map(
                |(id, pembina_id, province_code, regency_code)| CentreFacts {
                    id,
                    pembina_id,
                    province_code,
                    regency_code,
                    forum_ids: members
                        .iter()
                        .filter(|(_, c)| *c == id)
                        .map(|(f, _)| *f)
                        .collect(),
                },
            )
            .collect();
        let orgs: Vec<(i64, String, Option<String>)> = db
            .fetch_all(Sql::new("SELECT id, kind, area_code FROM orgs"))
            .await
            .unwrap();
        let mut scopes = vec![Scope::All, Scope::Nothing];
        for (id, kind, area) in &orgs {
            match kind.as_str() {
                "uptp" => scopes.push(Scope::Pembina(*id)),
                "forum" => scopes.push(Scope::Forum(*id)),
                "disnaker" => scopes.push(Scope::Region(area.clone().unwrap())),
                "blkk" if id % 17 == 0 => scopes.push(Scope::Centre(*id)),
                _ => {}
            }
        }
        assert!(scopes.len() > 100);
        for scope in scopes {
            let sql = simandiri::storage::centres::ids_in_scope(db, &scope)
                .await
                .unwrap();
            let mut rule: Vec<i64> = facts
                .iter()
                .filter(|f| scope.covers(f))
                .map(|f| f.id)
                .collect();
            rule.sort_unstable();
            assert_eq!(sql, rule, "{scope:?}");
        }
    });
}

mod sign_in_throttles_and_answers_alike {
    use super::*;
    use simandiri::app::auth::{MAX_FAILURES_PER_ACCOUNT, sign_in};
    crate::on_both!(Content::Demo, |t| {
        let db = &t.db;
        let ok = sign_in(db, "PENGELOLA@demo.simandiri.test", "demo-simandiri", None)
            .await
            .unwrap();
        assert_eq!(ok.role, "pengelola");
        let unknown = sign_in(db, "nobody@demo.simandiri.test", "demo-simandiri", None).await;
        let wrong = sign_in(db, "forum@demo.simandiri.test", "wrong password", None).await;
        assert!(matches!(unknown, Err(AppError::BadCredentials)));
        assert!(matches!(wrong, Err(AppError::BadCredentials)));
        for _ in 1..MAX_FAILURES_PER_ACCOUNT {
            let _ = sign_in(db, "forum@demo.simandiri.test", "wrong password", None).await;
        }
        // Now even the right password is refused for a while.
        let r = sign_in(db, "forum@demo.simandiri.test", "demo-simandiri", None).await;
        assert!(matches!(r, Err(AppError::TooManyAttempts)), "{r:?}");
        // Other accounts are unaffected.
        sign_in(db, "pembina@demo.simandiri.test", "demo-simandiri", None)
            .await
            .unwrap();
    });
}

mod accounts_are_validated {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let db = &t.db;
        let serang = crate::support::org_id(db, "BLK Komunitas PP Salafiyah Darul Bayan").await;
        // A pengelola must belong to a BLKK; a pembina to an UPTP.
        let r = app::users::create(
            db,
            None,
            "x@contoh.id",
            "X",
            Role::Pembina,
            Some(serang),
            "long enough pw",
        )
        .await;
        match r {
            Err(AppError::Invalid(e)) => assert_eq!(e.get("org_id"), Some("wrong_org_kind")),
            other => panic!("{other:?}"),
        }
        let r = app::users::create(
            db,
            None,
            "admin@demo.simandiri.test",
            "X",
            Role::Admin,
            None,
            "long enough pw",
        )
        .await;
        match r {
            Err(AppError::Invalid(e)) => assert_eq!(e.get("email"), Some("duplicate")),
            other => panic!("{other:?}"),
        }
        let r = app::users::create(
            db,
            None,
            "new@contoh.id",
            "X",
            Role::Pengelola,
            Some(serang),
            "short",
        )
        .await;
        match r {
            Err(AppError::Invalid(e)) => assert_eq!(e.get("password"), Some("password_too_short")),
            other => panic!("{other:?}"),
        }
        let id = app::users::create(
            db,
            None,
            "New@Contoh.id",
            "Baru",
            Role::Pengelola,
            Some(serang),
            "long enough pw",
        )
        .await
        .unwrap();
        let u = simandiri::storage::users::by_email(db, "new@contoh.id")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(u.id, id);
        assert!(u.password_hash.starts_with("$argon2id$"));
        assert_eq!(u.actor().centre_scope(), Scope::Centre(serang));
    });
}

/// Many edits at once through SQLite's single writer: none fails with "database is locked".
mod concurrent_writes_do_not_fail {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let db = t.db.clone();
        let admin = admin(&db).await;
        let ids: Vec<(i64,)> = db
            .fetch_all(Sql::new(
                "SELECT org_id FROM centres ORDER BY org_id LIMIT 40",
            ))
            .await
            .unwrap();
        let mut tasks = Vec::new();
        for (i, (id,)) in ids.into_iter().enumerate() {
            let db = db.clone();
            let admin = admin.clone();
            tasks.push(tokio::spawn(async move {
                let v = centres::view(&db, Some(&admin), id).await?;
                let mut input = v.record.fields().to_input();
                input.head_name = format!("Kepala {i}");
                centres::update(&db, &admin, id, &input, None, None).await?;
                // Sign-in failures are writes too, outside any transaction.
                let _ = app::auth::sign_in(&db, &format!("nobody{i}@x.id"), "x", None).await;
                Ok::<_, AppError>(())
            }));
        }
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        let (n,): (i64,) = db
            .fetch_one(Sql::new(
                "SELECT COUNT(*) FROM centres WHERE head_name LIKE 'Kepala %'",
            ))
            .await
            .unwrap();
        assert_eq!(n, 40);
    });
}

mod sessions_live_in_the_database {
    use super::*;
    use simandiri::storage::sessions::DbSessionStore;
    use time::{Duration, OffsetDateTime};
    use tower_sessions::session::{Id, Record};
    use tower_sessions::session_store::{ExpiredDeletion, SessionStore};
    crate::on_both!(Content::Reference, |t| {
        let store = DbSessionStore::new(t.db.clone());
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
        let (n,): (i64,) =
            t.db.fetch_one(Sql::new("SELECT COUNT(*) FROM sessions"))
                .await
                .unwrap();
        assert_eq!(n, 0);
    });
}

mod generation_is_deterministic {
    use super::*;
    use simandiri::seed::generate::generate;
    crate::on_both!(Content::Reference, |t| {
        let s = generate(&t.db, 120, 5).await.unwrap();
        assert_eq!(s.centres, 120);
        let snapshot = |db: Db| async move {
            let rows: Vec<(String, String, String, String, i64)> = db
                .fetch_all(Sql::new(
                    "SELECT o.name, c.reg_no, c.village_code, c.status, c.aid_year FROM centres c \
                     JOIN orgs o ON o.id = c.org_id ORDER BY c.reg_no",
                ))
                .await
                .unwrap();
            rows
        };
        let first = snapshot(t.db.clone()).await;
        let provinces: std::collections::BTreeSet<&str> = first.iter().map(|r| &r.2[..2]).collect();
        assert_eq!(provinces.len(), 38, "every province has BLKK");
        let other = crate::support::database(t.kind, Content::Reference)
            .await
            .unwrap();
        generate(&other.db, 120, 5).await.unwrap();
        assert_eq!(
            snapshot(other.db.clone()).await,
            first,
            "same seed, same data"
        );
        let third = crate::support::database(t.kind, Content::Reference)
            .await
            .unwrap();
        generate(&third.db, 120, 6).await.unwrap();
        assert_ne!(
            snapshot(third.db.clone()).await,
            first,
            "another seed, other data"
        );
        // Every generated BLKK has a pembina, and accounts exist for the organisations.
        let (orphans,): (i64,) =
            t.db.fetch_one(Sql::new(
                "SELECT COUNT(*) FROM centres WHERE pembina_id IS NULL",
            ))
            .await
            .unwrap();
        assert_eq!(orphans, 0);
        assert!(s.users > 120);
    });
}

/// Both migrations create the same tables and columns.
#[tokio::test]
async fn sqlite_and_postgres_schemas_match() {
    let sqlite = crate::support::database(Kind::Sqlite, Content::Reference)
        .await
        .unwrap();
    let Some(pg) = crate::support::database(Kind::Postgres, Content::Reference).await else {
        return;
    };
    let lite: Vec<(String, String)> = sqlite
        .db
        .fetch_all(Sql::new(
            "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%' \
             ORDER BY 1, 2",
        ))
        .await
        .unwrap();
    let postgres: Vec<(String, String)> = pg
        .db
        .fetch_all(Sql::new(
            "SELECT table_name::text, column_name::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%' ORDER BY 1, 2",
        ))
        .await
        .unwrap();
    let sorted = |mut v: Vec<(String, String)>| {
        v.sort();
        v
    };
    assert!(lite.len() > 50);
    assert_eq!(sorted(lite), sorted(postgres));
}
