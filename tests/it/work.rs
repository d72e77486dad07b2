//! Each user's work queue, on their home and at `GET /api/v1/work`: what is theirs to do,
//! counted live, each item saying why and by when and linking to where the work is done.

use serde_json::{Value, json};
use simandiri::kernel::db::Sql;
use simandiri::seed::demo::{DARUL_BAYAN, MES};

use crate::support::{Batch, first_kejuruan, from_today, id_of, woman};
use crate::support::{Client, Content};

/// The items of `kind` in a queue.
fn of<'a>(queue: &'a Value, kind: &str) -> Vec<&'a Value> {
    queue
        .as_array()
        .unwrap_or_else(|| panic!("a list: {queue}"))
        .iter()
        .filter(|i| i["kind"] == kind)
        .collect()
}

async fn queue(c: &Client) -> Value {
    let (s, q) = c.get_json("/api/v1/work").await;
    assert_eq!(s, 200, "{q}");
    q
}

/// A BLKK manager's queue counts its waiting applicants, and the count moves at once
/// when one is decided; the home shows the same item, linked to the batch.
mod a_managers_queue_moves_with_the_work {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let c = t.api_as("pengelola").await;
        let k = first_kejuruan(&c).await;
        let open = Batch::of(&k, "Antrean Kerja").days(15, 40).id(&c).await;
        let before = of(&queue(&c).await, "applications_waiting").len();
        let anonymous = t.anonymous().await;
        for (i, name) in ["Dewi Antrean", "Rina Antrean"].iter().enumerate() {
            let (s, body) = anonymous
                .json(
                    "POST",
                    &format!("/api/v1/public/trainings/{open}/applications"),
                    json!({"nik": woman(9500 + i as u16), "name": name, "consent": true}),
                )
                .await;
            assert_eq!(s, 201, "{body}");
        }
        let q = queue(&c).await;
        let waiting = of(&q, "applications_waiting");
        assert_eq!(waiting.len(), before + 1, "{q}");
        let item = waiting
            .iter()
            .find(|i| i["record"]["id"] == open)
            .unwrap_or_else(|| panic!("the batch in {q}"));
        assert_eq!(item["count"], 2);
        assert_eq!(item["href"], format!("/trainings/{open}#pendaftar"));
        assert_eq!(item["due"], from_today(15));
        assert_eq!(item["reason"], "2 pendaftar menunggu keputusan");
        let home = t.as_role("pengelola").await.get("/").await;
        assert!(
            home.text
                .contains(&format!("href=\"/trainings/{open}#pendaftar\""))
        );
        assert!(home.text.contains("2 pendaftar menunggu keputusan"));

        // Decided: the count falls at once.
        let (_, list) = c
            .get_json(&format!("/api/v1/trainings/{open}/applications"))
            .await;
        let (s, body) = c
            .json(
                "POST",
                &format!("/api/v1/applications/{}/decision", id_of(&list[0])),
                json!({"accept": false, "version": list[0]["version"]}),
            )
            .await;
        assert_eq!(s, 200, "{body}");
        let q = queue(&c).await;
        let item = of(&q, "applications_waiting")
            .into_iter()
            .find(|i| i["record"]["id"] == open)
            .unwrap();
        assert_eq!(item["count"], 1);
        // In English on request.
        let r = c
            .http
            .get(c.url("/api/v1/work"))
            .header("accept-language", "en")
            .send()
            .await
            .unwrap();
        let english: Value = r.json().await.unwrap();
        assert!(
            english
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["reason"] == "1 applicants waiting for a decision"),
            "{english}"
        );
    });
}

/// A pembina's queue counts the reports waiting for its verification; a partner's, the
/// agreements it has not confirmed (each linked); everyone's is their own.
mod each_role_sees_its_own_work {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let darul = t.org_id(DARUL_BAYAN).await;
        let (uptp,): (i64,) = t
            .db()
            .fetch_one(Sql::new("SELECT pembina_id FROM centres WHERE org_id = $1").arg(darul))
            .await
            .unwrap();
        let (submitted,): (i64,) = t
            .db()
            .fetch_one(
                Sql::new(
                    "SELECT COUNT(*) FROM reports WHERE pembina_id = $1 AND status = 'submitted'",
                )
                .arg(uptp),
            )
            .await
            .unwrap();
        let pembina = t.api_as("pembina").await;
        let q = queue(&pembina).await;
        let verify = of(&q, "report_to_verify");
        if submitted > 0 {
            assert_eq!(verify[0]["count"], submitted, "{q}");
            assert_eq!(verify[0]["href"], "/reports?status=submitted");
        } else {
            assert!(verify.is_empty(), "{q}");
        }
        assert!(
            of(&q, "applications_waiting").is_empty(),
            "not a pembina's work"
        );

        // A partner's agreements to confirm.
        let mes = t.org_id(MES).await;
        let (unconfirmed,): (i64,) = t
            .db()
            .fetch_one(
                Sql::new(
                    "SELECT COUNT(*) FROM partnerships WHERE partner_id = $1 \
                     AND status = 'aktif' AND confirmed_at IS NULL",
                )
                .arg(mes),
            )
            .await
            .unwrap();
        let mitra = t.api_as("mitra").await;
        let q = queue(&mitra).await;
        let confirm = of(&q, "agreement_to_confirm");
        assert_eq!(confirm.len() as i64, unconfirmed.min(20), "{q}");
        for c in confirm {
            assert!(
                c["href"].as_str().unwrap().starts_with("/partnerships/"),
                "{c}"
            );
        }
        let home = t.as_role("mitra").await.get("/").await;
        assert_eq!(home.status, 200);
        if unconfirmed > 0 {
            assert!(home.text.contains("Konfirmasi kerja sama"), "{}", home.text);
        }
        // Signing in is required.
        let (s, _) = t.anonymous().await.get_json("/api/v1/work").await;
        assert_eq!(s, 401);
        // The admin's queue: invitations waiting, as many as the accounts list says.
        let admin = t.api_as("admin").await;
        let q = queue(&admin).await;
        let (_, waiting) = admin.get_json("/api/v1/users?status=diundang").await;
        let total = waiting["total"].as_i64().unwrap();
        let invitations = of(&q, "invitations_waiting");
        assert_eq!(invitations.len(), usize::from(total > 0), "{q}");
    });
}
