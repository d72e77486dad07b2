//! The main menu, declared by the features: each role sees the entries its work needs, and
//! the one for the page it is on is marked current.

use crate::support::Content;

/// The menu's links, in order, as the page shows them.
fn menu(html: &str) -> Vec<String> {
    let nav = html
        .split("<nav aria-label=")
        .nth(1)
        .and_then(|n| n.split("</nav>").next())
        .expect("a main menu");
    nav.split("<a href=\"")
        .skip(1)
        .filter_map(|a| a.split('"').next())
        .map(str::to_owned)
        .collect()
}

mod each_role_sees_its_menu {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let visitor = t.anonymous().await;
        let r = visitor.get("/pelatihan").await;
        assert_eq!(menu(&r.text), ["/centres", "/pelatihan", "/login"]);
        assert!(
            r.text
                .contains("<a href=\"/pelatihan\" aria-current=\"page\">"),
            "the current page is marked"
        );
        let staff = |extra: &[&str]| -> Vec<String> {
            extra
                .iter()
                .chain(["/notifications", "/me"].iter())
                .map(|s| (*s).to_owned())
                .collect()
        };
        for (role, expected) in [
            (
                "admin",
                staff(&[
                    "/centres",
                    "/trainings",
                    "/reports",
                    "/partnerships",
                    "/visits",
                    "/aid",
                    "/income/stats",
                    "/pelatihan",
                    "/orgs",
                    "/users",
                    "/imports/centres",
                ]),
            ),
            (
                "pembina",
                staff(&[
                    "/centres",
                    "/trainings",
                    "/reports",
                    "/partnerships",
                    "/visits",
                    "/aid",
                    "/income/stats",
                    "/pelatihan",
                    // The demo officer administers BBPVP's accounts.
                    "/users",
                ]),
            ),
            (
                "pengelola",
                staff(&[
                    "/centres",
                    "/trainings",
                    "/reports",
                    "/partnerships",
                    "/visits",
                    "/aid",
                    "/income",
                    "/pelatihan",
                    "/users",
                ]),
            ),
            ("mitra", staff(&["/centres", "/partnerships", "/pelatihan"])),
            (
                "peserta",
                staff(&["/centres", "/me/trainings", "/pelatihan"]),
            ),
        ] {
            let c = t.as_role(role).await;
            let r = c.get("/").await;
            assert_eq!(r.status, 200, "{role}");
            assert_eq!(menu(&r.text), expected, "{role}");
        }
    });
}
