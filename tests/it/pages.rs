//! Pages: security headers, CSRF, forms that validate beside the fields, languages, htmx.

use reqwest::StatusCode;
use simandiri::storage::Sql;

use crate::support::{self, Content, org_id};

mod headers_and_csrf {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let app = support::spawn(&t.db).await;
        let c = support::client();
        let r = c.get(app.url("/centres")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let h = r.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"),
            "{csp}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "same-origin");
        let csrf_cookie = h
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap())
            .find(|v| v.starts_with("simandiri_csrf="))
            .expect("csrf cookie");
        assert!(
            csrf_cookie.contains("HttpOnly") && csrf_cookie.contains("SameSite=Strict"),
            "{csrf_cookie}"
        );

        // A form post without the token (or with a wrong one) is refused, and signs nobody in.
        for token in [None, Some("0".repeat(64))] {
            let mut form = vec![
                ("email", support::demo_email("admin")),
                ("password", support::DEMO_PASSWORD.to_owned()),
            ];
            if let Some(tok) = token {
                form.push(("_csrf", tok));
            }
            let r = c.post(app.url("/login")).form(&form).send().await.unwrap();
            assert_eq!(r.status(), 403);
            assert!(r.text().await.unwrap().contains("Formulir kedaluwarsa"));
        }
        assert_eq!(
            c.get(app.url("/me")).send().await.unwrap().status(),
            303,
            "still signed out"
        );

        // No state change on GET.
        assert_eq!(
            c.get(app.url("/logout")).send().await.unwrap().status(),
            StatusCode::METHOD_NOT_ALLOWED
        );
        // An unknown page is a friendly 404 page.
        let r = c.get(app.url("/tidak-ada")).send().await.unwrap();
        assert_eq!(r.status(), 404);
        assert!(r.text().await.unwrap().contains("Halaman tidak ditemukan"));
        // Static files come from the binary.
        let r = c
            .get(app.url("/static/htmx-2.0.11.min.js"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/javascript")
        );
    });
}

mod forms_validate_beside_fields {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let app = support::spawn(&t.db).await;
        let c = support::page_client(&app, "pengelola").await;
        let id = org_id(&t.db, "BLK Komunitas PP Salafiyah Darul Bayan").await;
        let token = support::csrf_token(&app, &c).await;
        let edit = app.url(&format!("/centres/{id}/edit"));
        let form = |phone: &str, lat: &str| {
            vec![
                ("_csrf", token.clone()),
                ("name", "BLK Komunitas PP Salafiyah Darul Bayan".to_owned()),
                ("reg_no", "BLKK-2019-3601-00001".to_owned()),
                (
                    "host_name",
                    "Pondok Pesantren Salafiyah Darul Bayan".to_owned(),
                ),
                ("host_type", "pesantren".to_owned()),
                ("status", "aktif".to_owned()),
                ("village_code", "36.01.06.2002".to_owned()),
                ("aid_year", "2019".to_owned()),
                ("kejuruan", "menjahit".to_owned()),
                ("kejuruan", "tik".to_owned()),
                ("head_name", "Imam Tantowi".to_owned()),
                ("contact_phone", phone.to_owned()),
                ("latitude", lat.to_owned()),
                ("longitude", "105.7".to_owned()),
            ]
        };
        let r = c
            .post(&edit)
            .form(&form("12345", "-6,5"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(
            html.contains("id=\"contact_phone-error\""),
            "error beside the field"
        );
        assert!(html.contains("Nomor telepon tidak valid"));
        assert!(html.contains("value=\"12345\""), "the user's input is kept");
        // In English when chosen.
        let lang = c
            .post(app.url("/lang"))
            .form(&[
                ("_csrf", token.as_str()),
                ("lang", "en"),
                ("back", "/centres"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(lang.status(), 303);
        let html = c
            .post(&edit)
            .form(&form("12345", "-6,5"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("Not a valid phone number"),
            "English messages"
        );
        assert!(html.contains("<html lang=\"en\">"));
        // A valid submission saves and redirects to the profile.
        let r = c
            .post(&edit)
            .form(&form("0812 1111 2222", "-6,5"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let (phone, lat): (String, Option<f64>) =
            t.db.fetch_one(
                Sql::new("SELECT contact_phone, latitude FROM centres WHERE org_id = $1").arg(id),
            )
            .await
            .unwrap();
        assert_eq!(phone, "+6281211112222");
        assert_eq!(lat, Some(-6.5));
    });
}

mod admin_creates_centres_and_organisations {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let app = support::spawn(&t.db).await;
        let c = support::page_client(&app, "admin").await;
        let token = support::csrf_token(&app, &c).await;
        let makassar = org_id(&t.db, "BLK Makassar").await;
        let r = c
            .post(app.url("/centres"))
            .form(&[
                ("_csrf", token.as_str()),
                ("name", "BLK Komunitas PP Baru Wajo"),
                ("reg_no", "BLKK-2024-7313-00099"),
                ("host_name", "Pondok Pesantren Baru"),
                ("host_type", "pesantren"),
                ("status", "persiapan"),
                ("village_code", "73.13.10.1003"),
                ("aid_year", "2024"),
                ("kejuruan", "las"),
                ("pembina_id", &makassar.to_string()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let location = r.headers()["location"].to_str().unwrap().to_owned();
        let html = c
            .get(app.url(&location))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("BLK Komunitas PP Baru Wajo")
                && html.contains("Tobarakka")
                && html.contains("BLK Makassar")
        );

        // An organisation form with a regency-level Disnaker but only a province chosen.
        let r = c
            .post(app.url("/orgs"))
            .form(&[
                ("_csrf", token.as_str()),
                ("kind", "disnaker"),
                ("subtype", "kabupaten_kota"),
                ("name", "Dinas Tenaga Kerja Kabupaten Wajo"),
                ("province", "73"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("Tingkat wilayah tidak sesuai")
        );
        let r = c
            .post(app.url("/orgs"))
            .form(&[
                ("_csrf", token.as_str()),
                ("kind", "disnaker"),
                ("subtype", "kabupaten_kota"),
                ("name", "Dinas Tenaga Kerja Kabupaten Wajo"),
                ("province", "73"),
                ("regency", "73.13"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let (area,): (Option<String>,) =
            t.db.fetch_one(Sql::new(
                "SELECT area_code FROM orgs WHERE name = 'Dinas Tenaga Kerja Kabupaten Wajo'",
            ))
            .await
            .unwrap();
        assert_eq!(area.as_deref(), Some("73.13"));
    });
}

mod htmx_gets_fragments {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let app = support::spawn(&t.db).await;
        let c = support::client();
        let html = c
            .get(app.url("/centres?q=darul+bayan"))
            .header("hx-request", "true")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!html.contains("<html"), "only the results block");
        assert!(html.contains("BLK Komunitas PP Salafiyah Darul Bayan"));
        assert!(html.contains("1 BLKK ditemukan"));
        // The area picker re-renders with consistent levels: a regency outside the chosen
        // province is dropped.
        let html = c
            .get(app.url("/areas/options?levels=4&province=73&regency=36.01"))
            .header("hx-request", "true")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("Kabupaten Wajo") && !html.contains("value=\"36.01\" selected"));
        let html =
            c.get(app.url(
                "/areas/options?levels=4&province=36&regency=36.01&village_q=desa+mekar+jaya",
            ))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("value=\"36.01.06.2002\""),
            "village search inside the picker"
        );
    });
}
