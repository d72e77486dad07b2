//! Organisations: admins create and change them (forms and API); members see their own.

use serde_json::json;
use simandiri::kernel::db::Sql;

use crate::support::Content;

mod admin_creates_organisations_through_the_form {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = t.as_role("admin").await;
        // A regency-level Disnaker with only a province chosen.
        let r = c
            .form(
                "/orgs",
                &[
                    ("kind", "disnaker"),
                    ("subtype", "kabupaten_kota"),
                    ("name", "Dinas Tenaga Kerja Kabupaten Wajo"),
                    ("province", "73"),
                ],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(r.text.contains("Tingkat wilayah tidak sesuai"));
        assert!(
            r.text
                .contains("value=\"Dinas Tenaga Kerja Kabupaten Wajo\"")
        );
        let r = c
            .form(
                "/orgs",
                &[
                    ("kind", "disnaker"),
                    ("subtype", "kabupaten_kota"),
                    ("name", "Dinas Tenaga Kerja Kabupaten Wajo"),
                    ("province", "73"),
                    ("regency", "73.13"),
                ],
            )
            .await;
        assert_eq!(r.status, 303);
        let (id, area): (i64, Option<String>) = t
            .db()
            .fetch_one(Sql::new(
                "SELECT id, area_code FROM orgs WHERE name = 'Dinas Tenaga Kerja Kabupaten Wajo'",
            ))
            .await
            .unwrap();
        assert_eq!(area.as_deref(), Some("73.13"));
        assert_eq!(r.header("location"), format!("/orgs/{id}?saved=1"));
        // The edit form starts from the stored record.
        let r = c.get(&format!("/orgs/{id}/edit")).await;
        assert!(
            r.text
                .contains("value=\"Dinas Tenaga Kerja Kabupaten Wajo\"")
        );
        assert!(r.text.contains("value=\"73.13\" selected"));
    });
}

mod the_api_changes_only_what_it_is_sent {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = t.api_as("admin").await;
        let (s, org) = c
            .json(
                "POST",
                "/api/v1/orgs",
                json!({"kind": "mitra", "subtype": "umkm", "name": "UMKM Batik Pandeglang", "area_code": "36.01"}),
            )
            .await;
        assert_eq!(s, 201, "{org}");
        assert_eq!(org["area_name"], "Kabupaten Pandeglang");
        assert_eq!(org["version"], 1);
        let path = format!("/api/v1/orgs/{}", org["id"]);
        let (s, body) = c.patch(&path, json!({"phone": "0253 123 4567"})).await;
        assert_eq!(s, 200, "{body}");
        assert_eq!(body["phone"], "+622531234567");
        assert_eq!(body["name"], "UMKM Batik Pandeglang");
        assert_eq!(body["version"], 2);
        // The kind never changes; a required field cannot be emptied.
        let (s, body) = c.patch(&path, json!({"kind": "uptp"})).await;
        assert_eq!(s, 422);
        assert_eq!(body["error"]["fields"][0]["code"], "cannot_change");
        let (s, body) = c.patch(&path, json!({"name": null})).await;
        assert_eq!(s, 422);
        assert_eq!(body["error"]["fields"][0]["field"], "name");
        // Sending what is already stored changes nothing.
        let (s, body) = c.patch(&path, json!({"phone": "+622531234567"})).await;
        assert_eq!(s, 200);
        assert_eq!(body["version"], 2);
        let (_, history) = c.get_json(&format!("{path}/history")).await;
        assert_eq!(history.as_array().unwrap().len(), 2, "{history}");
        // Lists page within bounds.
        let (s, list) = c.get_json("/api/v1/orgs?kind=mitra&q=batik").await;
        assert_eq!(s, 200);
        assert_eq!(list["total"], 1);
        for bad in [
            "page=0",
            "page=9223372036854775807",
            "page=abc",
            "kind=raja",
        ] {
            let (s, body) = c.get_json(&format!("/api/v1/orgs?{bad}")).await;
            assert_eq!(s, 400, "{bad}: {body}");
        }
    });
}
