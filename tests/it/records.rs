//! Every record known to the kernel: recent changes name and link each record to its own
//! page; forms choose records by searching (pickers), never by number, limited to what the
//! user may choose, with and without JavaScript; a partner not yet in Simandiri is added
//! from the agreement form and merged later by an admin.

use serde_json::json;
use simandiri::kernel::db::Sql;
use simandiri::seed::demo::{DARUL_BAYAN, MES};

use crate::support::Content;

/// The ids offered by a picker in a page (its radios for `field`).
fn offered(html: &str, field: &str) -> Vec<i64> {
    let marker = format!("name=\"{field}\" value=\"");
    html.match_indices(&marker)
        .filter_map(|(i, _)| {
            let rest = &html[i + marker.len()..];
            rest[..rest.find('"')?].parse().ok()
        })
        .collect()
}

/// The admin's recent changes link each record to its own page, by its name, with no raw
/// translation key.
mod recent_changes_link_their_records {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let pembina = t.api_as("pembina").await;
        let darul = t.org_id(DARUL_BAYAN).await;
        let (s, v) = pembina
            .json(
                "POST",
                "/api/v1/visits",
                json!({"centre_id": darul, "planned_date": crate::support::from_today(0),
                    "purpose": "Monev uji tautan"}),
            )
            .await;
        assert_eq!(s, 201, "{v}");
        let visit = v["id"].as_i64().unwrap();
        let (s, f) = pembina
            .json(
                "POST",
                &format!("/api/v1/visits/{visit}/findings"),
                json!({"text": "Ruang praktik sempit", "severity": "sedang"}),
            )
            .await;
        assert_eq!(s, 201, "{f}");
        let finding = f["id"].as_i64().unwrap();
        // A photo of the finding: a change filed under the finding itself.
        let r = pembina
            .upload(
                &format!("/api/v1/findings/{finding}/attachments"),
                &[],
                "ruang.png",
                crate::attachments::PNG.to_vec(),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        let home = t.as_role("admin").await.get("/").await;
        assert_eq!(home.status, 200);
        let text = &home.text;
        assert!(
            text.contains(&format!("href=\"/visits/{visit}#f{finding}\"")),
            "the finding links to its visit: {text}"
        );
        assert!(text.contains(&format!("href=\"/visits/{visit}\"")));
        assert!(text.contains("Temuan: Ruang praktik sempit"), "{text}");
        for raw in ["history.action.", "#4", ">visit_finding "] {
            assert!(!text.contains(raw), "raw {raw} in the recent changes");
        }
        assert!(
            !text.contains(&format!("href=\"/orgs/{finding}\"")),
            "a finding is not an organisation"
        );
    });
}

/// The pickers' search: what the user may choose, by name or registration number.
mod pickers_offer_what_the_user_may_choose {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let darul = t.org_id(DARUL_BAYAN).await;
        let (reg_no,): (String,) = t
            .db()
            .fetch_one(Sql::new("SELECT reg_no FROM centres WHERE org_id = $1").arg(darul))
            .await
            .unwrap();
        let admin = t.api_as("admin").await;
        for q in ["darul bayan", reg_no.as_str()] {
            let (s, found) = admin
                .get_json(&format!(
                    "/api/v1/records/search?kind=centre&q={}",
                    q.replace(' ', "+")
                ))
                .await;
            assert_eq!(s, 200, "{found}");
            assert_eq!(found[0]["id"], darul, "{q}: {found}");
            assert!(
                found[0]["detail"].as_str().unwrap().contains("Pandeglang"),
                "{found}"
            );
        }
        // A pembina is offered only the BLKK it supervises.
        let pembina = t.api_as("pembina").await;
        let (_, mine) = pembina
            .get_json("/api/v1/records/search?kind=centre&q=&limit=50")
            .await;
        let (supervised,): (i64,) = t
            .db()
            .fetch_one(
                Sql::new(
                    "SELECT COUNT(*) FROM centres WHERE pembina_id = \
                     (SELECT pembina_id FROM centres WHERE org_id = $1)",
                )
                .arg(darul),
            )
            .await
            .unwrap();
        let ids: Vec<i64> = mine
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids.len() as i64, supervised.min(50), "{mine}");
        for id in ids {
            let (p,): (Option<i64>,) = t
                .db()
                .fetch_one(Sql::new("SELECT pembina_id FROM centres WHERE org_id = $1").arg(id))
                .await
                .unwrap();
            let (d,): (Option<i64>,) = t
                .db()
                .fetch_one(Sql::new("SELECT pembina_id FROM centres WHERE org_id = $1").arg(darul))
                .await
                .unwrap();
            assert_eq!(p, d, "{id} is not the pembina's");
        }
        // Partners by name; an unknown kind is a field error; signing in is required.
        let (_, partners) = admin
            .get_json("/api/v1/records/search?kind=org&q=ekonomi+syariah")
            .await;
        assert_eq!(partners[0]["id"], t.org_id(MES).await, "{partners}");
        let (s, body) = admin
            .get_json("/api/v1/records/search?kind=rahasia&q=a")
            .await;
        assert_eq!(s, 422, "{body}");
        assert_eq!(body["error"]["fields"][0]["field"], "kind");
        let (s, _) = t
            .anonymous()
            .await
            .get_json("/api/v1/records/search?kind=centre&q=darul")
            .await;
        assert_eq!(s, 401);
    });
}

/// Allocating aid chooses the BLKK by name, without JavaScript too: "Cari" shows the
/// choices and saves nothing; choosing one saves.
mod allocating_aid_chooses_a_blkk_by_name {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let darul = t.org_id(DARUL_BAYAN).await;
        let admin = t.api_as("admin").await;
        let (s, p) = admin
            .json(
                "POST",
                "/api/v1/aid-programs",
                json!({"name": "PBK Uji Pemilih", "kind": "pbk",
                    "budget_year": time::OffsetDateTime::now_utc().year()}),
            )
            .await;
        assert_eq!(s, 201, "{p}");
        let program = p["id"].as_i64().unwrap();
        let page = format!("/aid/{program}");
        let c = t.as_role("admin").await;
        let shown = c.get(&page).await;
        assert_eq!(shown.status, 200);
        assert!(shown.text.contains("name=\"centre_id_q\""), "a search box");
        assert!(
            !shown
                .text
                .contains("inputmode=\"numeric\" id=\"centre_id\"")
        );
        let action = format!("/aid/{program}/allocations");
        let searched = c
            .form(
                &action,
                &[
                    ("_pick", "centre_id"),
                    ("centre_id_q", "Darul Bayan"),
                    ("amount_rupiah", "5.000.000"),
                ],
            )
            .await;
        assert_eq!(searched.status, 200, "{}", searched.text);
        assert!(offered(&searched.text, "centre_id").contains(&darul));
        assert!(
            searched.text.contains("value=\"5.000.000\""),
            "the typing is kept"
        );
        let none = t
            .db()
            .fetch_one::<(i64,)>(
                Sql::new("SELECT COUNT(*) FROM aid_allocations WHERE program_id = $1").arg(program),
            )
            .await
            .unwrap()
            .0;
        assert_eq!(none, 0, "a search saves nothing");
        let darul_text = darul.to_string();
        let saved = c
            .form(
                &action,
                &[
                    ("centre_id", darul_text.as_str()),
                    ("amount_rupiah", "5.000.000"),
                ],
            )
            .await;
        assert_eq!(saved.status, 303, "{}", saved.text);
        let (_, list) = admin
            .get_json(&format!("/api/v1/aid-programs/{program}/allocations"))
            .await;
        assert_eq!(list["items"][0]["centre_id"], darul, "{list}");
    });
}

/// A pembina planning a visit chooses the aid program by name ("PBK 2026" is found, not
/// dropped); a program chosen by a tampered number the pembina may not choose is refused.
mod planning_a_visit_chooses_the_program_by_name {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let year = time::OffsetDateTime::now_utc().year();
        let admin = t.api_as("admin").await;
        let name = format!("PBK {year}");
        let (s, p) = admin
            .json(
                "POST",
                "/api/v1/aid-programs",
                json!({"name": name, "kind": "pbk", "budget_year": year}),
            )
            .await;
        assert!(s == 201 || s == 422, "{p}");
        let c = t.as_role("pembina").await;
        let searched = c
            .form(
                "/visits",
                &[
                    ("_pick", "aid_program_id"),
                    ("aid_program_id_q", name.as_str()),
                    ("purpose", "Monev PBK"),
                ],
            )
            .await;
        assert_eq!(searched.status, 200, "{}", searched.text);
        let offered = offered(&searched.text, "aid_program_id");
        assert!(!offered.is_empty(), "{name} is found: {}", searched.text);
        assert!(searched.text.contains("value=\"Monev PBK\""), "typing kept");
    });
}

/// A BLKK records an agreement with a local partner not yet in Simandiri: the partner is
/// added in its area (and found again by name the next time); an admin later merges it
/// into a partner of the national list, and the agreements follow.
mod local_partners_are_added_and_merged {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let darul = t.org_id(DARUL_BAYAN).await;
        let c = t.api_as("pengelola").await;
        let agreement = |title: &str| {
            json!({"new_partner_name": "UMKM Batik Mekarjaya", "new_partner_subtype": "umkm",
                "title": title, "document": "pks", "coverage": ["magang"],
                "start_date": "2026-01-05", "end_date": "2027-01-05", "status": "aktif"})
        };
        let (s, first) = c
            .json("POST", "/api/v1/partnerships", agreement("Magang batik"))
            .await;
        assert_eq!(s, 201, "{first}");
        let (s, second) = c
            .json("POST", "/api/v1/partnerships", agreement("Pemasaran batik"))
            .await;
        assert_eq!(s, 201, "{second}");
        assert_eq!(
            first["partner_id"], second["partner_id"],
            "found again by name"
        );
        let partner = first["partner_id"].as_i64().unwrap();
        let (kind, area): (String, Option<String>) = t
            .db()
            .fetch_one(Sql::new("SELECT kind, area_code FROM orgs WHERE id = $1").arg(partner))
            .await
            .unwrap();
        let (regency,): (String,) = t
            .db()
            .fetch_one(Sql::new("SELECT regency_code FROM centres WHERE org_id = $1").arg(darul))
            .await
            .unwrap();
        assert_eq!((kind.as_str(), area), ("mitra", Some(regency)));
        // A bad kind is refused beside its field, nothing added.
        let (s, body) = c
            .json(
                "POST",
                "/api/v1/partnerships",
                json!({"new_partner_name": "Toko Baru", "new_partner_subtype": "raksasa",
                    "title": "X", "document": "pks", "coverage": ["magang"],
                    "start_date": "2026-01-05", "end_date": "2027-01-05", "status": "aktif"}),
            )
            .await;
        assert_eq!(s, 422, "{body}");
        assert_eq!(body["error"]["fields"][0]["field"], "new_partner_subtype");
        let (n,): (i64,) = t
            .db()
            .fetch_one(Sql::new(
                "SELECT COUNT(*) FROM orgs WHERE name = 'Toko Baru'",
            ))
            .await
            .unwrap();
        assert_eq!(n, 0);

        // The admin merges it into MES: both agreements follow, the duplicate is gone.
        let mes = t.org_id(MES).await;
        let admin = t.as_role("admin").await;
        let page = format!("/orgs/{partner}");
        let shown = admin.get(&page).await;
        assert!(
            shown
                .text
                .contains(&format!("action=\"/orgs/{partner}/merge\""))
        );
        let searched = admin
            .form(
                &format!("{page}/merge"),
                &[("_pick", "into_id"), ("into_id_q", "Ekonomi Syariah")],
            )
            .await;
        assert_eq!(searched.status, 200, "{}", searched.text);
        assert!(offered(&searched.text, "into_id").contains(&mes));
        let mes_text = mes.to_string();
        let merged = admin
            .form(&format!("{page}/merge"), &[("into_id", mes_text.as_str())])
            .await;
        assert_eq!(merged.status, 303, "{}", merged.text);
        for id in [&first, &second] {
            let (_, p) = c
                .get_json(&format!("/api/v1/partnerships/{}", id["id"]))
                .await;
            assert_eq!(p["partner_id"], mes, "{p}");
        }
        let (n,): (i64,) = t
            .db()
            .fetch_one(Sql::new("SELECT COUNT(*) FROM orgs WHERE id = $1").arg(partner))
            .await
            .unwrap();
        assert_eq!(n, 0);
        let (_, history) = t
            .api_as("admin")
            .await
            .get_json(&format!("/api/v1/orgs/{mes}/history"))
            .await;
        assert_eq!(history[0]["action"], "merge", "{history}");
        // Only partners merge.
        let serang = t.org_id("BBPVP Serang").await;
        let refused = admin
            .form(
                &format!("/orgs/{serang}/merge"),
                &[("into_id", mes_text.as_str())],
            )
            .await;
        assert_eq!(refused.status, 422, "{}", refused.text);
    });
}

/// A merge moves every reference a partner can have: each foreign key to `orgs` is either
/// moved or one a partner never holds (a BLKK's own row, a pembina, a forum, a holder).
#[tokio::test]
async fn a_merge_moves_every_reference_a_partner_has() {
    let db = crate::support::database(crate::support::Kind::Sqlite, Content::Reference)
        .await
        .expect("sqlite");
    let refs: Vec<(String, String)> = db
        .db
        .fetch_all(Sql::new(
            "SELECT m.name, f.\"from\" FROM sqlite_master m, pragma_foreign_key_list(m.name) f \
             WHERE m.type = 'table' AND f.\"table\" = 'orgs' ORDER BY 1, 2",
        ))
        .await
        .unwrap();
    let never_a_partner = [
        ("centres", "org_id"),
        ("centres", "pembina_id"),
        ("forum_members", "forum_id"),
        ("reports", "pembina_id"),
        ("visits", "pembina_id"),
        ("visit_actions", "pembina_id"),
        ("partnerships", "holder_id"),
    ];
    for (table, column) in refs {
        let moved = simandiri::features::orgs::store::PARTNER_REFERENCES
            .iter()
            .any(|(t, c)| *t == table && *c == column);
        let other = never_a_partner
            .iter()
            .any(|(t, c)| *t == table && *c == column);
        assert!(
            moved || other,
            "{table}.{column} refers to an organisation: move it in a merge \
             (orgs::store::PARTNER_REFERENCES) or list why a partner never has it"
        );
    }
}
