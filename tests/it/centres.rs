//! BLKK: the directory, profiles, creating and changing them through the service, the API
//! and the forms, with their history, versions and national figures.

use reqwest::StatusCode;
use serde_json::{Value, json};
use simandiri::features::centres::model::{CentreInput, DirectoryFilter, NAME_STOPWORDS};
use simandiri::features::centres::{service, store};
use simandiri::kernel::access::{Actor, CentreFacts, Scope};
use simandiri::kernel::db::{Db, Sql};
use simandiri::kernel::error::AppError;
use simandiri::kernel::validate::{Num, Patch};

use crate::support::{Client, Content};

const DARUL_BAYAN: &str = "BLK Komunitas PP Salafiyah Darul Bayan";

async fn admin(db: &Db) -> Actor {
    simandiri::features::accounts::store::by_email(db, "admin@demo.simandiri.test")
        .await
        .unwrap()
        .expect("demo admin")
        .actor()
}

fn set(s: &str) -> Patch<String> {
    Patch::Set(s.into())
}

fn num(s: &str) -> Patch<Num> {
    Patch::Set(Num(s.into()))
}

/// The name, version and number of history entries of a BLKK, as stored.
async fn stored(db: &Db, id: i64) -> (String, i64, i64) {
    db.fetch_one(
        Sql::new(
            "SELECT o.name, o.version, (SELECT COUNT(*) FROM audit_log a \
             WHERE a.entity = 'centre' AND a.entity_id = o.id) FROM orgs o WHERE o.id = $1",
        )
        .arg(id),
    )
    .await
    .unwrap()
}

/// The national figures must equal a fresh count of the records.
async fn assert_counters_match(db: &Db) {
    let totals = service::totals(db).await.unwrap();
    let (n, aktif, provinces, regencies): (i64, i64, i64, i64) = db
        .fetch_one(Sql::new(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'aktif' THEN 1 ELSE 0 END), 0), \
             COUNT(DISTINCT province_code), COUNT(DISTINCT regency_code) FROM centres",
        ))
        .await
        .unwrap();
    assert_eq!(
        (
            totals.centres,
            totals.aktif,
            totals.provinces,
            totals.regencies
        ),
        (n, aktif, provinces, regencies)
    );
    // Every term's kept match count is its fresh count (terms no name has any more at 0).
    let (off,): (i64,) = db
        .fetch_one(Sql::new(
            "SELECT COUNT(*) FROM (SELECT term, COUNT(*) AS n FROM centre_terms GROUP BY term) f \
             LEFT JOIN centre_term_counts k ON k.term = f.term \
             WHERE k.n IS NULL OR k.n <> f.n",
        ))
        .await
        .unwrap();
    let (stray,): (i64,) = db
        .fetch_one(Sql::new(
            "SELECT COUNT(*) FROM centre_term_counts k WHERE k.n <> 0 AND NOT EXISTS \
             (SELECT 1 FROM centre_terms t WHERE t.term = k.term)",
        ))
        .await
        .unwrap();
    assert_eq!((off, stray), (0, 0), "term counts match the term index");
}

mod lifecycle_with_audit_versions_and_counters {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let db = t.db();
        let admin = admin(db).await;
        assert_counters_match(db).await;
        let serang = t.org_id("BBPVP Serang").await;
        let input = CentreInput {
            name: set("BLK Komunitas PP Uji Coba"),
            reg_no: set("BLKK-2021-3601-77777"),
            host_name: set("Pondok Pesantren Uji Coba"),
            host_type: set("pesantren"),
            village_code: set("36.01.06.2002"),
            aid_year: num("2021"),
            kejuruan: Patch::Set(vec!["tik".into(), "las".into()]),
            status: set("aktif"),
            contact_phone: set("0812 3456 7890"),
            pembina_id: num(&serang.to_string()),
            ..Default::default()
        };
        let created = service::create(db, &admin, &input).await.unwrap();
        let id = created.id;
        let v = service::view(db, Some(&admin), id).await.unwrap();
        assert_eq!(
            v.record, created,
            "the record returned is the record stored"
        );
        assert_eq!(v.record.place.regency_name, "Kabupaten Pandeglang");
        assert_eq!(v.record.profile.kejuruan, vec!["las", "tik"]);
        assert_eq!(v.record.contact_phone, "+6281234567890");
        assert_eq!(v.record.pembina.as_ref().map(|p| p.id), Some(serang));
        assert_counters_match(db).await;

        // Same registration number again: a field error, nothing written.
        match service::create(db, &admin, &input).await {
            Err(AppError::Invalid(e)) => assert_eq!(e.get("reg_no"), Some("duplicate")),
            other => panic!("expected a duplicate error, got {other:?}"),
        }

        // An edit from the version read succeeds; a second one from the same (now stale)
        // version is refused and changes nothing.
        let edit = CentreInput {
            head_name: set("Kyai Uji"),
            kejuruan: Patch::Set(vec!["menjahit".into()]),
            status: set("tidak_aktif"),
            version: Some(v.record.version),
            ..Default::default()
        };
        let after = service::update(db, &admin, id, &edit).await.unwrap();
        assert_eq!(after.version, v.record.version + 1);
        let stale = CentreInput {
            head_name: set("Orang Lain"),
            version: Some(v.record.version),
            ..Default::default()
        };
        let r = service::update(db, &admin, id, &stale).await;
        assert!(matches!(r, Err(AppError::Stale)), "{r:?}");
        let now = service::view(db, Some(&admin), id).await.unwrap().record;
        assert_eq!(
            now, after,
            "the record returned by the change is the record stored"
        );
        assert_eq!(now.profile.head_name, "Kyai Uji");
        assert_eq!(now.profile.kejuruan, vec!["menjahit"]);
        assert_counters_match(db).await;

        // Moving it to a province with no BLKK yet, and back, moves it in the figures too.
        let (empty,): (String,) = db
            .fetch_one(Sql::new(
                "SELECT code FROM areas WHERE level = 4 AND province_code NOT IN \
                 (SELECT province_code FROM centres) ORDER BY code LIMIT 1",
            ))
            .await
            .unwrap_or_else(|_| ("73.13.10.1003".into(),));
        let before = service::totals(db).await.unwrap();
        for village in [empty.as_str(), "36.01.06.2002"] {
            let version = service::view(db, Some(&admin), id)
                .await
                .unwrap()
                .record
                .version;
            let moved = CentreInput {
                village_code: set(village),
                version: Some(version),
                ..Default::default()
            };
            service::update(db, &admin, id, &moved).await.unwrap();
            assert_counters_match(db).await;
        }
        assert_eq!(service::totals(db).await.unwrap(), before);

        // Unknown village and kejuruan are field errors.
        let bad = CentreInput {
            village_code: set("36.01.06.9999"),
            kejuruan: Patch::Set(vec!["sulap".into()]),
            version: Some(
                service::view(db, Some(&admin), id)
                    .await
                    .unwrap()
                    .record
                    .version,
            ),
            ..Default::default()
        };
        match service::update(db, &admin, id, &bad).await {
            Err(AppError::Invalid(e)) => {
                assert_eq!(e.get("village_code"), Some("unknown_area"));
                assert_eq!(e.get("kejuruan"), Some("invalid_choice"));
            }
            other => panic!("expected field errors, got {other:?}"),
        }

        // The history shows who changed what, newest first, with old and new values.
        let (_, history, labels) = service::history(db, &admin, id, "id").await.unwrap();
        let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["update", "update", "update", "create"]);
        assert_eq!(history[2].actor_role.as_deref(), Some("admin"));
        let head = history[2]
            .changes
            .iter()
            .find(|c| c.field == "head_name")
            .unwrap();
        assert_eq!(head.old, json!(""));
        assert_eq!(head.new, json!("Kyai Uji"));
        assert!(
            history[2].changes.iter().all(|c| c.field != "name"),
            "unchanged fields are not listed"
        );
        let pembina = history[3]
            .changes
            .iter()
            .find(|c| c.field == "pembina_id")
            .unwrap();
        assert_eq!(labels.get("pembina_id", &pembina.new), Some("BBPVP Serang"));
        // Renamed: found by its new words, and a one-word search counts its matches from
        // the kept count.
        let version = service::view(db, Some(&admin), id)
            .await
            .unwrap()
            .record
            .version;
        let renamed = CentreInput {
            name: set("BLK Komunitas PP Darul Uji Coba"),
            version: Some(version),
            ..Default::default()
        };
        service::update(db, &admin, id, &renamed).await.unwrap();
        assert_counters_match(db).await;
        let (darul,): (i64,) = db
            .fetch_one(Sql::new(
                "SELECT COUNT(*) FROM centres c JOIN orgs o ON o.id = c.org_id \
                 WHERE (' ' || LOWER(o.name)) LIKE '% darul%'",
            ))
            .await
            .unwrap();
        let filter = simandiri::features::centres::model::DirectoryFilter {
            q: "darul".into(),
            ..Default::default()
        };
        let found = service::directory(db, None, &filter, false, 2)
            .await
            .unwrap();
        assert!(darul > 1, "the demo has several Darul names");
        assert_eq!(found.total, darul);
    });
}

/// Two creates with the same registration number at once: one is saved, the others are
/// told the number is taken (never a server error), on both databases.
mod racing_duplicates_are_field_errors {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = t.api_as("admin").await;
        let body = json!({
            "name": "BLK Komunitas Kembar", "reg_no": "BLKK-2024-3601-55555",
            "host_name": "Yayasan Kembar", "host_type": "komunitas", "status": "persiapan",
            "village_code": "36.01.06.2002", "aid_year": 2024, "kejuruan": ["las"]
        });
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let c = c.clone();
                let body = body.clone();
                tokio::spawn(async move { c.json("POST", "/api/v1/centres", body).await })
            })
            .collect();
        let mut created = 0;
        for task in tasks {
            let (status, body) = task.await.unwrap();
            match status.as_u16() {
                201 => created += 1,
                422 => {
                    assert_eq!(body["error"]["fields"][0]["field"], "reg_no", "{body}");
                    assert_eq!(body["error"]["fields"][0]["code"], "duplicate", "{body}");
                }
                other => panic!("unexpected {other}: {body}"),
            }
        }
        assert_eq!(created, 1);
        let (n,): (i64,) = t
            .db()
            .fetch_one(Sql::new(
                "SELECT COUNT(*) FROM centres WHERE reg_no = 'BLKK-2024-3601-55555'",
            ))
            .await
            .unwrap();
        assert_eq!(n, 1);
    });
}

mod api_errors_are_structured_and_change_nothing {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = t.api_as("pengelola").await;
        let id = t.org_id(DARUL_BAYAN).await;
        let path = format!("/api/v1/centres/{id}");
        let before = stored(t.db(), id).await;

        // Several bad fields at once: 422 with every field listed, in Indonesian by default.
        let (s, body) = c
            .patch(&path,
                json!({"name": "", "contact_email": "bukan-email", "latitude": 50.0, "kejuruan": []}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["error"]["code"], "validation_failed");
        let fields: Vec<&str> = body["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["name", "latitude", "kejuruan", "contact_email"]);
        assert_eq!(body["error"]["fields"][0]["message"], "Wajib diisi.");
        assert_eq!(
            body["error"]["fields"][1]["message"],
            "Nilai di luar rentang yang diizinkan (-11.5–6.5)."
        );
        // English on request.
        let r = c
            .http
            .patch(c.url(&path))
            .header("accept-language", "en-GB,en;q=0.9")
            .json(&json!({"name": "", "version": 1}))
            .send()
            .await
            .unwrap();
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"]["fields"][0]["message"], "Required.");
        assert_eq!(body["error"]["message"], "Some fields are invalid.");

        // A required field set to null, or to invisible characters, is refused.
        for name in [json!(null), json!("\u{200B}"), json!(" \u{FEFF} ")] {
            let (s, body) = c.patch(&path, json!({ "name": name })).await;
            assert_eq!(s, 422, "{name}: {body}");
            assert_eq!(body["error"]["fields"][0]["field"], "name");
            assert_eq!(body["error"]["fields"][0]["code"], "required");
        }
        // Each malformed request gets its one right answer, in the same shape.
        let raw = |content_type: &'static str, body: &'static str| {
            c.http
                .patch(c.url(&path))
                .header("content-type", content_type)
                .body(body)
                .send()
        };
        for (req, expected) in [
            (raw("application/json", "{not json"), 400),
            (raw("application/json", r#"{"nama": "typo"}"#), 400),
            (raw("application/json", r#"["Nama Baru", "X"]"#), 400),
            (raw("application/json", r#"{"latitude": "-6.5"}"#), 400),
            (raw("application/json", r#"{"name": "a\u0000b"}"#), 400),
            (raw("text/plain", "{}"), 415),
        ] {
            let r = req.await.unwrap();
            assert_eq!(r.status(), expected);
            let body: Value = r.json().await.unwrap();
            assert!(body["error"]["code"].is_string(), "{body}");
        }
        let big = format!(r#"{{"street": "{}"}}"#, "x".repeat(3 * 1024 * 1024));
        let r = c
            .http
            .patch(c.url(&path))
            .header("content-type", "application/json")
            .body(big)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 413);
        // Unknown ids and unparsable ids are 404s.
        for p in [
            "/api/v1/centres/999999",
            "/api/v1/centres/abc",
            "/api/v1/nothing",
        ] {
            let (s, body) = c.get_json(p).await;
            assert_eq!(s, 404, "{p}");
            assert_eq!(body["error"]["code"], "not_found");
        }
        assert_eq!(stored(t.db(), id).await, before, "nothing was saved");

        // A change that changes nothing writes nothing: same version, no history entry.
        let (s, body) = c
            .json(
                "PATCH",
                &path,
                json!({"name": DARUL_BAYAN, "version": before.1}),
            )
            .await;
        assert_eq!(s, 200, "{body}");
        assert_eq!(body["version"], json!(before.1));
        assert_eq!(stored(t.db(), id).await, before);
    });
}

mod versions_prevent_lost_updates {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = t.api_as("pengelola").await;
        let id = t.org_id(DARUL_BAYAN).await;
        let path = format!("/api/v1/centres/{id}");
        let (_, current) = c.get_json(&path).await;
        let v = current["version"].as_i64().unwrap();
        let (s, body) = c
            .json(
                "PATCH",
                &path,
                json!({"street": "Jl. Raya Panimbang", "version": v}),
            )
            .await;
        assert_eq!(s, 200);
        assert_eq!(body["street"], "Jl. Raya Panimbang");
        assert_eq!(body["version"], json!(v + 1));
        let (s, body) = c
            .json("PATCH", &path, json!({"street": "Jl. Lain", "version": v}))
            .await;
        assert_eq!(s, 409);
        assert_eq!(body["error"]["code"], "conflict");
        let (_, now) = c.get_json(&path).await;
        assert_eq!(now["street"], "Jl. Raya Panimbang");
        assert_eq!(now["version"], json!(v + 1));
    });
}

/// `(id, name_key, province, regency, host_type, status, reg_no, name)`.
type DirectoryRow = (i64, String, String, String, String, String, String, String);

mod directory_filters_match_the_records {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let db = t.db();
        let all: Vec<DirectoryRow> = db
            .fetch_all(Sql::new(
                "SELECT o.id, o.name_key, c.province_code, c.regency_code, c.host_type, c.status, \
                 c.reg_no, o.name FROM centres c JOIN orgs o ON o.id = c.org_id",
            ))
            .await
            .unwrap();
        assert!(all.len() > 400);
        let find = |f: DirectoryFilter| async move {
            store::directory(db, &f, None, 10_000, 0).await.unwrap()
        };
        let (rows, total) = find(DirectoryFilter {
            province: "36".into(),
            ..Default::default()
        })
        .await;
        assert_eq!(total as usize, all.iter().filter(|r| r.2 == "36").count());
        assert_eq!(rows.len() as i64, total);
        let (_, total) = find(DirectoryFilter {
            regency: "36.03".into(),
            ..Default::default()
        })
        .await;
        assert_eq!(
            total as usize,
            all.iter().filter(|r| r.3 == "36.03").count()
        );
        assert!(total >= 33, "the 33 BLKK of FK-BLKK Kabupaten Tangerang");
        let q: simandiri::features::centres::model::DirectoryQuery =
            serde_json::from_value(json!({"status": "tidak_aktif", "host_type": "pesantren"}))
                .unwrap();
        let (_, total) = find(q.filter().unwrap()).await;
        assert_eq!(
            total as usize,
            all.iter()
                .filter(|r| r.5 == "tidak_aktif" && r.4 == "pesantren")
                .count()
        );
        // Name search (an index look-up) finds exactly the names with words starting with
        // every word searched for, ignoring case and punctuation; one letter too; in name
        // order, as the directory.
        for q in [
            "darul  BAYAN",
            "Al-Hikmah",
            "al hikmah",
            "AL",
            "x",
            "nurul h",
            "huda nurul",
            "darul ulum",
            "darulbayan",
            "tidak ada",
            "BLK Komunitas",
        ] {
            let (rows, total) = find(DirectoryFilter {
                q: q.into(),
                ..Default::default()
            })
            .await;
            // Several words: first as a phrase (next to each other, in that order); when
            // no name has it, every word anywhere.
            let has = |r: &DirectoryRow, wanted: &[String]| {
                let terms = simandiri::kernel::text::name_terms(&r.7, &NAME_STOPWORDS);
                wanted.iter().all(|w| terms.contains(w))
            };
            let wanted = match simandiri::kernel::text::query_phrase(q, &NAME_STOPWORDS) {
                Some(p) if all.iter().any(|r| has(r, std::slice::from_ref(&p))) => vec![p],
                _ => simandiri::kernel::text::query_terms(q, &NAME_STOPWORDS),
            };
            let mut expected: Vec<(&String, i64)> = all
                .iter()
                .filter(|r| has(r, &wanted))
                .map(|r| (&r.1, r.0))
                .collect();
            expected.sort();
            let expected: Vec<i64> = expected.into_iter().map(|(_, id)| id).collect();
            let got: Vec<i64> = rows.iter().map(|r| r.id).collect();
            assert_eq!(got, expected, "{q:?}");
            assert_eq!(total as usize, expected.len());
        }
        let (rows, _) = find(DirectoryFilter {
            q: "darul  BAYAN".into(),
            ..Default::default()
        })
        .await;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].name, DARUL_BAYAN);
        // A search narrowed by area.
        let (rows, total) = find(DirectoryFilter {
            q: "blk".into(),
            province: "73".into(),
            ..Default::default()
        })
        .await;
        assert_eq!(total as usize, all.iter().filter(|r| r.2 == "73").count());
        assert!(rows.iter().all(|r| r.province_code == "73"));
        // The registration number, exactly.
        let (rows, _) = find(DirectoryFilter {
            q: all[7].6.to_lowercase(),
            ..Default::default()
        })
        .await;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].id, all[7].0);
        // Kejuruan filter: every row teaches it.
        let (rows, total) = find(DirectoryFilter {
            kejuruan: "las".into(),
            ..Default::default()
        })
        .await;
        assert!(total > 0);
        assert!(rows.iter().all(|r| r.kejuruan.iter().any(|k| k == "las")));
        // Pages partition the whole directory, in name order, counted from the figures.
        let (p1, t1) = store::directory(db, &DirectoryFilter::default(), None, 20, 0)
            .await
            .unwrap();
        let (p2, _) = store::directory(db, &DirectoryFilter::default(), None, 20, 20)
            .await
            .unwrap();
        assert_eq!(t1 as usize, all.len());
        assert!(p1.iter().all(|a| p2.iter().all(|b| a.id != b.id)));
        let mut keys: Vec<&String> = all.iter().map(|r| &r.1).collect();
        keys.sort();
        assert_eq!(
            &p1[0]
                .name
                .to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>(),
            keys[0]
        );
    });
}

/// The SQL form of every scope selects exactly the BLKK the pure rule admits.
mod scope_sql_agrees_with_the_rule {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let db = t.db();
        let rows: Vec<(i64, Option<i64>, String, String)> = db
            .fetch_all(Sql::new(
                "SELECT org_id, pembina_id, province_code, regency_code FROM centres",
            ))
            .await
            .unwrap();
        let members: Vec<(i64, i64)> = db
            .fetch_all(Sql::new("SELECT forum_id, centre_id FROM forum_members"))
            .await
            .unwrap();
        let facts: Vec<CentreFacts> = rows
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
            let (page, total) =
                store::directory(db, &DirectoryFilter::default(), Some(&scope), 100_000, 0)
                    .await
                    .unwrap();
            let mut sql: Vec<i64> = page.iter().map(|e| e.id).collect();
            sql.sort_unstable();
            let mut rule: Vec<i64> = facts
                .iter()
                .filter(|f| scope.covers(f))
                .map(|f| f.id)
                .collect();
            rule.sort_unstable();
            assert_eq!(sql, rule, "{scope:?}");
            assert_eq!(total as usize, rule.len(), "{scope:?}");
        }
    });
}

/// Many edits at once through SQLite's single writer: none fails with "database is locked".
mod concurrent_writes_do_not_fail {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let db = t.db().clone();
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
                let version = service::view(&db, Some(&admin), id).await?.record.version;
                let input = CentreInput {
                    head_name: Patch::Set(format!("Kepala {i}")),
                    version: Some(version),
                    ..Default::default()
                };
                service::update(&db, &admin, id, &input).await?;
                // Sign-in attempts are writes too, outside any other transaction.
                let _ = simandiri::features::accounts::service::sign_in(
                    &db,
                    &format!("nobody{i}@x.id"),
                    "x",
                    &Default::default(),
                )
                .await;
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

/// The edit form: errors beside the fields (and listed at the top), the user's typing kept,
/// English when chosen, a confirmation once saved.
mod forms_validate_beside_fields {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = t.as_role("pengelola").await;
        let id = t.org_id(DARUL_BAYAN).await;
        let edit = format!("/centres/{id}/edit");
        let form = |phone: &'static str, lat: &'static str| {
            vec![
                ("name", DARUL_BAYAN),
                ("reg_no", "BLKK-2019-3601-00001"),
                ("host_name", "Pondok Pesantren Salafiyah Darul Bayan"),
                ("host_type", "pesantren"),
                ("status", "aktif"),
                ("village_code", "36.01.06.2002"),
                ("aid_year", "2019"),
                ("kejuruan", ""),
                ("kejuruan", "menjahit"),
                ("kejuruan", "tik"),
                ("head_name", "Imam Tantowi"),
                ("contact_phone", phone),
                ("latitude", lat),
                ("longitude", "105.7"),
            ]
        };
        let r = c.form_on(&edit, &form("12345", "-6,5")).await;
        assert_eq!(r.status, 422);
        assert!(
            r.text.contains("id=\"contact_phone-error\""),
            "error beside the field"
        );
        assert!(r.text.contains("Nomor telepon tidak valid"));
        assert!(
            r.text.contains("href=\"#contact_phone\""),
            "listed at the top"
        );
        assert!(
            r.text.contains("value=\"12345\""),
            "the user's input is kept"
        );
        // In English when chosen.
        let lang = c
            .form("/lang", &[("lang", "en"), ("back", "/centres")])
            .await;
        assert_eq!(lang.status, 303);
        let r = c.form_on(&edit, &form("12345", "-6,5")).await;
        assert!(
            r.text.contains("Not a valid phone number"),
            "English messages"
        );
        assert!(r.text.contains("<html lang=\"en\">"));
        // Unticking every kejuruan is a choice too, refused with its message.
        let mut none = form("0812 1111 2222", "-6,5");
        none.retain(|(k, v)| *k != "kejuruan" || v.is_empty());
        let r = c.form_on(&edit, &none).await;
        assert_eq!(r.status, 422);
        assert!(r.text.contains("id=\"kejuruan-error\""));
        // A valid submission saves, redirects to the profile, and says so.
        let r = c.form_on(&edit, &form("0812 1111 2222", "-6,5")).await;
        assert_eq!(r.status, 303);
        let location = r.header("location").to_owned();
        assert_eq!(location, format!("/centres/{id}?saved=1"));
        assert!(c.get(&location).await.text.contains("Changes saved."));
        let (phone, lat): (String, Option<f64>) = t
            .db()
            .fetch_one(
                Sql::new("SELECT contact_phone, latitude FROM centres WHERE org_id = $1").arg(id),
            )
            .await
            .unwrap();
        assert_eq!(phone, "+6281211112222");
        assert_eq!(lat, Some(-6.5));
    });
}

/// A map link pasted into the form fills the coordinates; a link without any is refused
/// beside its field, with everything typed kept and nothing saved.
mod map_links_fill_coordinates {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = t.as_role("pengelola").await;
        let id = t.org_id(DARUL_BAYAN).await;
        let edit = format!("/centres/{id}/edit");
        let form = |link: &'static str| {
            vec![
                ("name", DARUL_BAYAN),
                ("reg_no", "BLKK-2019-3601-00001"),
                ("host_name", "Pondok Pesantren Salafiyah Darul Bayan"),
                ("host_type", "pesantren"),
                ("status", "aktif"),
                ("village_code", "36.01.06.2002"),
                ("aid_year", "2019"),
                ("kejuruan", ""),
                ("kejuruan", "menjahit"),
                ("head_name", "Kepala Baru Dari Peta"),
                ("latitude", ""),
                ("longitude", ""),
                ("map_link", link),
            ]
        };
        let coords = |t: &crate::support::TestApp| {
            let db = t.db().clone();
            async move {
                let row: (Option<f64>, Option<f64>, String) = db
                    .fetch_one(
                        Sql::new(
                            "SELECT latitude, longitude, head_name FROM centres WHERE org_id = $1",
                        )
                        .arg(id),
                    )
                    .await
                    .unwrap();
                row
            }
        };
        let before = coords(&t).await;
        let r = c
            .form_on(&edit, &form("https://maps.app.goo.gl/AbCdEf"))
            .await;
        assert_eq!(r.status, 422);
        assert!(
            r.text.contains("id=\"map_link-error\""),
            "error beside the field"
        );
        assert!(r.text.contains("Tautan ini tidak memuat koordinat"));
        assert!(
            r.text.contains("value=\"https://maps.app.goo.gl/AbCdEf\""),
            "link kept"
        );
        assert!(
            r.text.contains("value=\"Kepala Baru Dari Peta\""),
            "typing kept"
        );
        assert_eq!(coords(&t).await, before, "nothing saved");

        let r = c
            .form_on(
                &edit,
                &form("https://www.google.com/maps/@-6.30281,105.82415,17z"),
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.text);
        let (lat, lon, head) = coords(&t).await;
        assert_eq!((lat, lon), (Some(-6.30281), Some(105.82415)));
        assert_eq!(head, "Kepala Baru Dari Peta");
    });
}

/// Without JavaScript the area lists do not follow a changed province: "refresh lists"
/// shows the form again with the new lists and saves nothing, and a village left outside the
/// newly chosen area is refused beside the village field.
mod area_lists_without_javascript {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = t.as_role("pengelola").await;
        let id = t.org_id(DARUL_BAYAN).await;
        let edit = format!("/centres/{id}/edit");
        let before = stored(t.db(), id).await;
        let form = |extra: &[(&'static str, &'static str)]| {
            let mut f = vec![
                ("name", DARUL_BAYAN),
                ("reg_no", "BLKK-2019-3601-00001"),
                ("host_name", "Pondok Pesantren Salafiyah Darul Bayan"),
                ("host_type", "pesantren"),
                ("status", "aktif"),
                ("levels", "4"),
                ("province", "73"),
                ("regency", "36.01"),
                ("district", "36.01.06"),
                ("village_code", "36.01.06.2002"),
                ("aid_year", "2019"),
                ("kejuruan", ""),
                ("kejuruan", "menjahit"),
                ("head_name", "Kepala Tanpa Skrip"),
            ];
            f.extend_from_slice(extra);
            f
        };
        let r = c.form_on(&edit, &form(&[("refresh_areas", "1")])).await;
        assert_eq!(r.status, 200);
        assert!(
            r.text.contains("<option value=\"73.13\">"),
            "the regencies of Sulawesi Selatan are offered"
        );
        assert!(
            !r.text.contains("<option value=\"36.01\""),
            "Banten's are gone"
        );
        assert!(
            r.text.contains("value=\"Kepala Tanpa Skrip\""),
            "typing kept"
        );
        assert!(!r.text.contains("-error\""), "no problems shown");
        assert_eq!(stored(t.db(), id).await, before, "nothing saved");

        let r = c.form_on(&edit, &form(&[])).await;
        assert_eq!(r.status, 422);
        assert!(r.text.contains("id=\"village_code-error\""));
        assert!(r.text.contains("tidak berada di wilayah yang dipilih"));
        assert_eq!(stored(t.db(), id).await, before, "nothing saved");
    });
}

/// A BLKK may show its phone (with a WhatsApp link) on its public profile; otherwise, and
/// the e-mail always, stays with authorised users. The choice is in the history.
mod public_phone_is_a_choice {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = t.as_role("pengelola").await;
        let id = t.org_id(DARUL_BAYAN).await;
        let edit = format!("/centres/{id}/edit");
        let profile = format!("/centres/{id}");
        let form = |public: &'static str| {
            vec![
                ("name", DARUL_BAYAN),
                ("reg_no", "BLKK-2019-3601-00001"),
                ("host_name", "Pondok Pesantren Salafiyah Darul Bayan"),
                ("host_type", "pesantren"),
                ("status", "aktif"),
                ("village_code", "36.01.06.2002"),
                ("aid_year", "2019"),
                ("kejuruan", ""),
                ("kejuruan", "menjahit"),
                ("contact_phone", "0812 3456 7890"),
                ("contact_email", "darulbayan@contoh.id"),
                ("phone_public", public),
            ]
        };
        let public = t.anonymous().await;
        assert_eq!(c.form_on(&edit, &form("false")).await.status, 303);
        let page = public.get(&profile).await.text;
        assert!(!page.contains("+6281234567890"), "private by default");
        assert!(!page.contains("wa.me"));
        let (_, body) = public.get_json(&format!("/api/v1/centres/{id}")).await;
        assert!(body.get("contact").is_none(), "{body}");

        assert_eq!(c.form_on(&edit, &form("true")).await.status, 303);
        let page = public.get(&profile).await.text;
        assert!(page.contains("href=\"tel:+6281234567890\""), "phone shown");
        assert!(
            page.contains("href=\"https://wa.me/6281234567890\""),
            "WhatsApp link"
        );
        assert!(
            !page.contains("darulbayan@contoh.id"),
            "the e-mail stays private"
        );
        let (_, body) = public.get_json(&format!("/api/v1/centres/{id}")).await;
        assert_eq!(
            body["contact"],
            serde_json::json!({"phone": "+6281234567890"})
        );
        assert_eq!(body["phone_public"], serde_json::json!(true));

        let history = c.get(&format!("{profile}/history")).await.text;
        assert!(
            history.contains("Nomor telepon di profil publik"),
            "the choice is recorded"
        );

        // Publishing needs a phone to publish.
        let mut no_phone = form("true");
        no_phone.retain(|(k, _)| *k != "contact_phone");
        no_phone.push(("contact_phone", ""));
        let r = c.form_on(&edit, &no_phone).await;
        assert_eq!(r.status, 422);
        assert!(
            r.text.contains("id=\"phone_public-error\""),
            "beside the choice"
        );
        assert!(r.text.contains("Isi nomor telepon kontak dahulu"));

        // A value that is neither answer (only a tampered form sends one) is refused.
        let r = c.form_on(&edit, &form("mungkin")).await;
        assert_eq!(r.status, 400, "{}", r.text);
    });
}

mod admin_creates_centres {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = t.as_role("admin").await;
        let makassar = t.org_id("BLK Makassar").await.to_string();
        let r = c
            .form(
                "/centres",
                &[
                    ("name", "BLK Komunitas PP Baru Wajo"),
                    ("reg_no", "BLKK-2024-7313-00099"),
                    ("host_name", "Pondok Pesantren Baru"),
                    ("host_type", "pesantren"),
                    ("status", "persiapan"),
                    ("village_code", "73.13.10.1003"),
                    ("aid_year", "2024"),
                    ("kejuruan", ""),
                    ("kejuruan", "las"),
                    ("pembina_id", &makassar),
                    ("forum_ids", ""),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.text);
        let html = c.get(r.header("location")).await.text;
        assert!(
            html.contains("BLK Komunitas PP Baru Wajo")
                && html.contains("Tobarakka")
                && html.contains("BLK Makassar")
        );
    });
}

mod htmx_gets_the_results_alone {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c: Client = t.anonymous().await;
        let r = c.htmx("/centres?q=darul+bayan").await;
        assert!(!r.text.contains("<html"), "only the results block");
        assert!(r.text.contains(DARUL_BAYAN));
        assert!(r.text.contains("1 BLKK ditemukan"));
        // A form's empty fields lead to the list's short address; the whole page there.
        let r = c.get("/centres?q=&province=36&regency=&page=").await;
        assert_eq!(r.status, 303);
        assert_eq!(r.header("location"), "/centres?province=36");
        let r = c.get("/centres?province=36").await;
        assert_eq!(r.status, 200);
        assert!(r.text.contains("<html"));
        // htmx is told the short address to show.
        let r = c.htmx("/centres?q=darul+bayan&status=").await;
        assert_eq!(r.header("hx-push-url"), "/centres?q=darul+bayan");
        // Unknown codes and malformed ids are bad requests, not empty lists.
        assert_eq!(c.get("/centres?status=mandiri").await.status, 400);
        assert_eq!(c.get("/centres?pembina=abc").await.status, 400);
    });
}
