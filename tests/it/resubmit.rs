//! Nothing typed is lost: a form sent after the session ended, or with a token that no
//! longer matches, is offered again with everything typed (after signing in again).

use simandiri::kernel::db::Sql;

use crate::support::{Client, Content, DEMO_PASSWORD, demo_email, hidden_fields};

const DARUL_BAYAN: &str = "BLK Komunitas PP Salafiyah Darul Bayan";

/// The BLKK form as its page gives it, read at `version`.
fn edit_form(head: &str, version: i64) -> Vec<(&'static str, String)> {
    let version = version.to_string();
    [
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
        ("head_name", head),
        ("version", version.as_str()),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

async fn version_of(t: &crate::support::TestApp, id: i64) -> i64 {
    let (v,): (i64,) = t
        .db()
        .fetch_one(Sql::new("SELECT version FROM orgs WHERE id = $1").arg(id))
        .await
        .unwrap();
    v
}

fn borrowed(fields: &[(impl AsRef<str>, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_str()))
        .collect()
}

/// The session ends while a manager edits their BLKK: the answer asks them to sign in on
/// the spot, carries what they typed (never the password) through a failed and a good
/// sign-in, and one press of "Kirim ulang" saves it.
mod session_end_keeps_typing {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = t.as_role("pengelola").await;
        let id = t.org_id(DARUL_BAYAN).await;
        let edit = format!("/centres/{id}/edit");
        let head_of = || async {
            let (h,): (String,) = t
                .db()
                .fetch_one(Sql::new("SELECT head_name FROM centres WHERE org_id = $1").arg(id))
                .await
                .unwrap();
            h
        };
        let before = head_of().await;
        assert_eq!(c.form("/logout", &[]).await.status, 303);

        let typed = edit_form("Ustadz \"Baru\" & Rekan", version_of(&t, id).await);
        let r = c.form(&edit, &borrowed(&typed)).await;
        assert_eq!(r.status, 401);
        assert!(r.text.contains("Sesi Anda berakhir"), "{}", r.text);
        let dd = r.text.find("<dd>Ustadz").map(|i| &r.text[i..i + 60]);
        assert!(
            dd.is_some_and(|d| d.starts_with("<dd>Ustadz &#34;Baru&#34; &#38; Rekan</dd>")),
            "shown: {dd:?}"
        );
        let carried = hidden_fields(&r.text, "/login");
        let get = |f: &[(String, String)], k: &str| {
            f.iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        assert_eq!(get(&carried, "replay_to"), edit);
        assert!(!get(&carried, "replay").contains("_csrf"), "no old token");
        assert_eq!(head_of().await, before, "nothing saved");

        // A wrong password: asked again, still carrying the form.
        let mut login = carried.clone();
        login.push(("email".into(), demo_email("pengelola")));
        login.push(("password".into(), "salah-sekali".into()));
        let r = c.form_raw("/login", &borrowed(&login)).await;
        assert_eq!(r.status, 401);
        assert!(r.text.contains("Email atau kata sandi salah"));
        let carried = hidden_fields(&r.text, "/login");
        assert_eq!(get(&carried, "replay_to"), edit);

        // Signed in: the entries, once more, to send.
        let mut login = carried;
        login.push(("email".into(), demo_email("pengelola")));
        login.push(("password".into(), DEMO_PASSWORD.into()));
        let r = c.form_raw("/login", &borrowed(&login)).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert!(r.text.contains("Kirim ulang"));
        let again = hidden_fields(&r.text, &edit);
        assert_eq!(get(&again, "head_name"), "Ustadz \"Baru\" & Rekan");
        assert_eq!(
            again.iter().filter(|(k, _)| k == "kejuruan").count(),
            3,
            "repeated fields kept"
        );
        assert!(!again.iter().any(|(k, _)| k.contains("password")));
        assert_eq!(
            head_of().await,
            before,
            "still nothing saved before the press"
        );
        let r = c.form_raw(&edit, &borrowed(&again)).await;
        assert_eq!(r.status, 303, "{}", r.text);
        assert_eq!(r.header("location"), format!("/centres/{id}?saved=1"));
        assert_eq!(head_of().await, "Ustadz \"Baru\" & Rekan");
    });
}

/// A form sent with a token that no longer matches (an old tab) is not saved, but offered
/// again with a fresh token; a cross-site post is not offered again.
mod stale_form_is_offered_again {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = t.as_role("pengelola").await;
        let id = t.org_id(DARUL_BAYAN).await;
        let edit = format!("/centres/{id}/edit");
        let mut typed = edit_form("Kepala Dari Tab Lama", version_of(&t, id).await);
        typed.insert(0, ("_csrf", "0".repeat(64)));
        let r = c.form_raw(&edit, &borrowed(&typed)).await;
        assert_eq!(r.status, 403);
        assert!(r.text.contains("Kirim ulang"));
        let again = hidden_fields(&r.text, &edit);
        assert!(
            again.contains(&("_csrf".into(), c.csrf.clone())),
            "a fresh token"
        );
        assert!(again.contains(&("head_name".into(), "Kepala Dari Tab Lama".into())));
        let r = c.form_raw(&edit, &borrowed(&again)).await;
        assert_eq!(r.status, 303, "{}", r.text);

        // From another site: a plain refusal, nothing to send.
        let other = Client::new(&t.base);
        let r = other
            .http
            .post(other.url(&edit))
            .header("sec-fetch-site", "cross-site")
            .form(&borrowed(&edit_form("Serangan", 1)))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let text = r.text().await.unwrap();
        assert!(!text.contains("Serangan"));
        assert!(text.contains("Formulir kedaluwarsa"));
    });
}
