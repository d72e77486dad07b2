//! Every scoped table, for every scope an organisation can have: the SQL that limits a list
//! ([`Sql::scoped`]) selects exactly the BLKK the pure rule ([`Scope::covers`]) admits.

use std::collections::BTreeSet;

use simandiri::kernel::access::{CentreFacts, Scope};
use simandiri::kernel::db::{Db, Sql};
use simandiri::kernel::scope;

use crate::support::Content;

pub async fn all_facts(db: &Db) -> Vec<CentreFacts> {
    let rows: Vec<(i64, Option<i64>, String, String)> = db
        .fetch_all(Sql::new(
            "SELECT org_id, pembina_id, province_code, regency_code FROM centres",
        ))
        .await
        .expect("centres");
    let members: Vec<(i64, i64)> = db
        .fetch_all(Sql::new("SELECT forum_id, centre_id FROM forum_members"))
        .await
        .expect("members");
    rows.into_iter()
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
        .collect()
}

/// Every scope a user of the demo data can have, and the two extremes.
async fn all_scopes(db: &Db) -> Vec<Scope> {
    let orgs: Vec<(i64, String, Option<String>)> = db
        .fetch_all(Sql::new("SELECT id, kind, area_code FROM orgs"))
        .await
        .expect("orgs");
    let mut scopes = vec![Scope::All, Scope::Nothing];
    for (id, kind, area) in orgs {
        match kind.as_str() {
            "uptp" => scopes.push(Scope::Pembina(id)),
            "forum" => scopes.push(Scope::Forum(id)),
            "disnaker" => scopes.extend(area.map(Scope::Region)),
            "blkk" => scopes.push(Scope::Centre(id)),
            _ => {}
        }
    }
    scopes
}

async fn centres_in(db: &Db, sql: Sql) -> BTreeSet<i64> {
    let rows: Vec<(i64,)> = db.fetch_all(sql).await.expect("scoped query");
    rows.into_iter().map(|(id,)| id).collect()
}

mod every_scoped_table_selects_what_the_rule_admits {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        simandiri::init();
        let db = t.db();
        let tables = scope::tables();
        assert!(tables.len() >= 9, "every scoped table is registered");
        let facts = all_facts(db).await;
        let scopes = all_scopes(db).await;
        assert!(scopes.len() > 100, "{}", scopes.len());
        for on in tables {
            let select = format!("SELECT DISTINCT {} FROM {} WHERE 1 = 1", on.centre, on.from);
            let present = centres_in(db, Sql::new(select.clone())).await;
            assert!(
                !present.is_empty(),
                "the demo data has rows in {}, so the check means something",
                on.name
            );
            for s in &scopes {
                let mut sql = Sql::new(select.clone());
                sql.scoped(s, on);
                let selected = centres_in(db, sql).await;
                let admitted: BTreeSet<i64> = facts
                    .iter()
                    .filter(|f| present.contains(&f.id) && s.covers(f))
                    .map(|f| f.id)
                    .collect();
                assert_eq!(selected, admitted, "{} in {s:?}", on.name);
            }
        }
    });
}

/// No list builds its own scope: the only scope SQL is the kernel's.
#[test]
fn scope_sql_is_written_once() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut stack = vec![src];
    let mut offenders = Vec::new();
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("src") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") && !p.ends_with("kernel/scope.rs") {
                let code = std::fs::read_to_string(&p).expect("source");
                if code.contains("FROM forum_members m WHERE m.forum_id")
                    || code.contains("FROM centres p WHERE p.pembina_id")
                {
                    offenders.push(p.display().to_string());
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "scope SQL outside the kernel: {offenders:?}"
    );
}
