//! Reference areas and kejuruan: loaded once, looked up by code and by name as people write
//! it, served publicly.

use serde_json::Value;
use simandiri::features::areas::model::AreaCode;
use simandiri::features::areas::store::{self as areas, VillageQuery};
use simandiri::kernel::db::Sql;

use crate::support::Content;

mod reference_areas_are_complete {
    use super::*;
    crate::on_both!(Content::Reference, |t| {
        let counts: Vec<(i64, i64)> = t
            .db()
            .fetch_all(Sql::new(
                "SELECT level, COUNT(*) FROM areas GROUP BY level ORDER BY level",
            ))
            .await
            .unwrap();
        assert_eq!(counts, vec![(1, 38), (2, 514), (3, 7285), (4, 83762)]);
        let p = areas::place(t.db(), &AreaCode::parse("36.01.06.2002").unwrap())
            .await
            .unwrap()
            .unwrap();
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
                t.db(),
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
            t.db(),
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

mod reference_endpoints_are_public {
    use super::*;
    crate::on_both!(Content::Reference, |t| {
        let c = t.anonymous().await;
        let (s, v) = c
            .get_json("/api/v1/areas/villages?q=Desa%20Mekar%20Jaya&regency=36.01")
            .await;
        assert_eq!(s, 200);
        assert!(
            v.as_array()
                .unwrap()
                .iter()
                .any(|x| x["code"] == "36.01.06.2002" && x["district_name"] == "Panimbang"),
            "{v}"
        );
        let (s, v) = c.get_json("/api/v1/areas/villages?q=ab").await;
        assert_eq!(s, 422, "a national search needs 3 letters");
        assert_eq!(v["error"]["fields"][0]["field"], "q");
        let (s, v) = c
            .get_json("/api/v1/areas/villages?q=mekar&regency=36")
            .await;
        assert_eq!(s, 422, "a province is not a regency");
        assert_eq!(v["error"]["fields"][0]["field"], "regency");
        // The number of answers is bounded both ways (a negative limit is not "all").
        for limit in ["0", "-4295880227374", "101"] {
            let (s, v) = c
                .get_json(&format!(
                    "/api/v1/areas/villages?q=mekar&regency=36.01&limit={limit}"
                ))
                .await;
            assert_eq!(s, 422, "limit {limit}: {v}");
            assert_eq!(v["error"]["fields"][0]["field"], "limit");
            assert_eq!(v["error"]["fields"][0]["code"], "out_of_range");
        }
        let (s, v) = c
            .get_json("/api/v1/areas/villages?q=mekar&regency=36.01&limit=1")
            .await;
        assert_eq!(s, 200);
        assert_eq!(v.as_array().unwrap().len(), 1);
        let (s, v) = c.get_json("/api/v1/areas/provinces").await;
        assert_eq!(s, 200);
        assert_eq!(v.as_array().unwrap().len(), 38);
        let (_, v) = c.get_json("/api/v1/areas/36.01/children").await;
        assert!(
            v.as_array()
                .unwrap()
                .iter()
                .any(|a| a["name"] == "Panimbang")
        );
        let (s, _) = c.get_json("/api/v1/areas/99.99/children").await;
        assert_eq!(s, 404);
        let (_, v) = c.get_json("/api/v1/kejuruan").await;
        assert_eq!(v.as_array().unwrap().len(), 18);
        assert_eq!(v[0]["code"], Value::from("menjahit"));
    });
}

/// The picker drops a lower choice that does not sit inside the higher one, and finds
/// villages by name inside the chosen regency.
mod area_picker_stays_consistent {
    use super::*;
    crate::on_both!(Content::Reference, |t| {
        let c = t.anonymous().await;
        let r = c
            .htmx("/areas/options?levels=4&province=73&regency=36.01")
            .await;
        assert!(!r.text.contains("<html"), "only the picker");
        assert!(
            r.text.contains("Kabupaten Wajo"),
            "Sulawesi Selatan's regencies"
        );
        assert!(!r.text.contains("value=\"36.01\" selected"));
        let r = c
            .htmx("/areas/options?levels=4&province=36&regency=36.01&village_q=desa+mekar+jaya")
            .await;
        assert!(
            r.text.contains("value=\"36.01.06.2002\""),
            "village search inside the picker"
        );
    });
}
