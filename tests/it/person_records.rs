//! A person's data stays with the BLKK that recorded it (UU PDP purpose limitation). A NIK
//! is still the one key for a person, but a BLKK that enrols a known NIK, or receives an
//! application with it, sees only what it was given itself, until the person confirms or
//! shows they are present; every read of what was stored elsewhere is in the person's
//! access log; erasure reaches every copy of their data.

use serde_json::{Value, json};
use simandiri::kernel::access::Role;
use simandiri::kernel::db::{Db, Sql};
use simandiri::seed::demo::DARUL_BAYAN;

use crate::support::{Batch, assert_refused, count, enrol, first_kejuruan, id_of, woman};
use crate::support::{Client, Content, Kind, TestApp};

/// What BLKK A typed about the person: a name, contacts nobody else should see.
const OWN_NAME: &str = "Siti Rahmawati Asli";
const OWN_PHONE: &str = "0813 7777 1111";
const OWN_ADDRESS: &str = "Kp. Rahasia RT 09/09";
const OWN_EMAIL: &str = "siti.asli@contoh.id";

/// Another BLKK than Darul Bayan, and an API client of a manager made for it.
async fn other_blkk(t: &TestApp, email: &str) -> (i64, Client) {
    let darul = t.org_id(DARUL_BAYAN).await;
    let (other,): (i64,) = t
        .db()
        .fetch_one(
            Sql::new(
                "SELECT org_id FROM centres WHERE org_id <> $1 AND status = 'aktif' \
                 ORDER BY org_id LIMIT 1",
            )
            .arg(darul),
        )
        .await
        .unwrap();
    (
        other,
        t.api_as_new(email, Role::Pengelola, Some(other)).await,
    )
}

/// The person as Darul Bayan records them first, in a batch that runs now.
async fn recorded_at_darul(t: &TestApp, nik: &str) -> Value {
    let a = t.api_as("pengelola").await;
    let k = first_kejuruan(&a).await;
    let training = Batch::of(&k, "Menjahit Dasar").days(-20, -10).id(&a).await;
    enrol(
        &a,
        training,
        json!({"nik": nik, "name": OWN_NAME, "phone": OWN_PHONE, "address": OWN_ADDRESS,
            "email": OWN_EMAIL, "consent": true}),
    )
    .await
}

/// Whether any of `secrets` appears in `text`.
fn reveals(text: &str, secrets: &[&str]) -> Vec<String> {
    secrets
        .iter()
        .filter(|s| text.contains(*s))
        .map(|s| (*s).to_owned())
        .collect()
}

/// The last code mailed to `to` (no SMTP in these tests: the message waits in the queue).
async fn mailed_code(db: &Db, to: &str) -> String {
    let (body,): (String,) = db
        .fetch_one(
            Sql::new("SELECT body FROM mail_jobs WHERE to_addr = $1 ORDER BY id DESC LIMIT 1")
                .arg(to),
        )
        .await
        .unwrap();
    let at = body.find("Kode: ").expect("a code in the mail") + "Kode: ".len();
    body[at..at + 6].to_owned()
}

/// The entries of the person's access log.
async fn access_log(db: &Db, person: i64) -> Vec<(String, String)> {
    db.fetch_all(
        Sql::new(
            "SELECT action, context FROM personal_data_access WHERE person_id = $1 ORDER BY id",
        )
        .arg(person),
    )
    .await
    .unwrap()
}

/// Enrolling a NIK another BLKK recorded shows only what was typed; the other BLKK's data
/// comes only with the code sent to the contact the person gave, and is logged.
mod a_known_nik_reveals_nothing {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let nik = woman(9301);
        let first = recorded_at_darul(&t, &nik).await;
        let person = first["person_id"].as_i64().unwrap();
        let (other, b) = other_blkk(&t, "pengelola.lain@contoh.id").await;
        let k = first_kejuruan(&b).await;
        let training = Batch::of(&k, "Tata Rias").days(-5, 20).id(&b).await;

        // Enrolled with a made-up name and nothing else: the answer holds what was typed.
        let (s, e) = b
            .json(
                "POST",
                &format!("/api/v1/trainings/{training}/enrolments"),
                json!({"nik": nik, "name": "Nama Karangan", "consent": true}),
            )
            .await;
        assert_eq!(s, 201, "{e}");
        assert_eq!(e["name"], "Nama Karangan");
        assert_eq!(e["linked"], false);
        let secrets = [
            OWN_NAME,
            OWN_PHONE,
            "+6281377771111",
            OWN_ADDRESS,
            OWN_EMAIL,
        ];
        assert_eq!(reveals(&e.to_string(), &secrets), Vec::<String>::new());
        // Nor does its list, its export or its batch page.
        for path in [
            format!("/api/v1/trainings/{training}/enrolments"),
            format!("/api/v1/enrolments/{}", id_of(&e)),
        ] {
            let r = b.get(&path).await;
            assert_eq!(r.status, 200, "{path}");
            assert_eq!(reveals(&r.text, &secrets), Vec::<String>::new(), "{path}");
        }
        // The person was told, at the e-mail they gave, that another BLKK enrolled them.
        let (told,): (i64,) = t
            .db()
            .fetch_one(
                Sql::new(
                    "SELECT COUNT(*) FROM mail_jobs WHERE to_addr = $1 AND subject LIKE 'Anda terdaftar%'",
                )
                .arg(OWN_EMAIL),
            )
            .await
            .unwrap();
        assert_eq!(told, 1);
        // Darul Bayan still sees what it typed.
        let a = t.api_as("pengelola").await;
        let (_, mine) = a
            .get_json(&format!("/api/v1/enrolments/{}", id_of(&first)))
            .await;
        assert_eq!(mine["name"], OWN_NAME);
        assert_eq!(mine["linked"], true, "the person was new there");

        // Linking: a code goes to the contact the person gave; a wrong code is refused.
        let logged_before = access_log(t.db(), person).await.len();
        let link = format!("/api/v1/enrolments/{}/link", id_of(&e));
        let (s, sent) = b.json("POST", &link, Value::Null).await;
        assert_eq!(s, 202, "{sent}");
        assert_eq!(sent["sent_to"], "s***@contoh.id");
        assert_eq!(access_log(t.db(), person).await.len(), logged_before);
        let code = mailed_code(t.db(), OWN_EMAIL).await;
        let wrong = if code == "000000" { "000001" } else { "000000" };
        let (s, body) = b
            .json("POST", &format!("{link}/confirm"), json!({"code": wrong}))
            .await;
        assert_refused(s, &body, "code", "code_wrong");
        // The right one links the record: the contacts the person gave fill its gaps, and
        // the read of them is in the person's log.
        let (s, linked) = b
            .json("POST", &format!("{link}/confirm"), json!({"code": code}))
            .await;
        assert_eq!(s, 200, "{linked}");
        assert_eq!(linked["linked"], true);
        assert_eq!(linked["name"], "Nama Karangan", "the BLKK's own name stays");
        assert_eq!(linked["phone"], "+6281377771111");
        assert_eq!(linked["address"], OWN_ADDRESS);
        let log = access_log(t.db(), person).await;
        assert_eq!(log.len(), logged_before + 1, "{log:?}");
        assert_eq!(log.last().unwrap().0, "view");
        assert!(
            log.last().unwrap().1.starts_with("Data diri ditautkan"),
            "{log:?}"
        );
        let (used,): (i64,) = t
            .db()
            .fetch_one(
                Sql::new(
                    "SELECT COUNT(*) FROM person_link_codes WHERE person_id = $1 AND centre_id = $2",
                )
                .arg(person)
                .arg(other),
            )
            .await
            .unwrap();
        assert_eq!(used, 0, "a code is used once");
        // Linked once; a third BLKK cannot use the person's records by this link.
        let (s, body) = b.json("POST", &link, Value::Null).await;
        assert_refused(s, &body, "link", "already_linked");
    });
}

/// An application with someone else's NIK shows the receiving BLKK only what the applicant
/// typed, and accepting it opens no account to the applicant.
mod an_application_shows_only_what_was_typed {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let nik = woman(9302);
        recorded_at_darul(&t, &nik).await;
        let (_, b) = other_blkk(&t, "pengelola.ketiga@contoh.id").await;
        let k = first_kejuruan(&b).await;
        let open = Batch::of(&k, "Barista").days(20, 40).id(&b).await;
        let anonymous = t.anonymous().await;
        let (s, applied) = anonymous
            .json(
                "POST",
                &format!("/api/v1/public/trainings/{open}/applications"),
                json!({"nik": nik, "name": "Penipu Nama", "phone": "0812 0000 0001",
                    "email": "penipu@contoh.id", "consent": true}),
            )
            .await;
        assert_eq!(s, 201, "{applied}");
        let secrets = [
            OWN_NAME,
            OWN_PHONE,
            "+6281377771111",
            OWN_ADDRESS,
            OWN_EMAIL,
        ];
        let r = b
            .get(&format!("/api/v1/trainings/{open}/applications"))
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(reveals(&r.text, &secrets), Vec::<String>::new());
        let list: Value = r.json();
        assert_eq!(list[0]["name"], "Penipu Nama");
        assert_eq!(list[0]["phone"], "+6281200000001");

        // Accepted: enrolled with what was typed; no account for the applicant's address
        // (the person is known, and gave another e-mail); the person is told.
        let (s, decided) = b
            .json(
                "POST",
                &format!("/api/v1/applications/{}/decision", id_of(&list[0])),
                json!({"accept": true, "version": list[0]["version"]}),
            )
            .await;
        assert_eq!(s, 200, "{decided}");
        let (_, trainees) = b
            .get_json(&format!("/api/v1/trainings/{open}/enrolments"))
            .await;
        assert_eq!(trainees[0]["name"], "Penipu Nama");
        assert_eq!(
            reveals(&trainees.to_string(), &secrets),
            Vec::<String>::new()
        );
        let accounts = count(
            t.db(),
            "SELECT COUNT(*) FROM users WHERE email = $1",
            "penipu@contoh.id",
        )
        .await;
        assert_eq!(accounts, 0, "nobody is invited into someone else's data");
        let told = count(
            t.db(),
            "SELECT COUNT(*) FROM mail_jobs WHERE to_addr = $1 AND subject LIKE 'Anda terdaftar%'",
            OWN_EMAIL,
        )
        .await;
        assert_eq!(told, 1);
    });
}

/// Every text column of every table, for a search of the whole database.
async fn text_columns(db: &Db, kind: Kind) -> Vec<(String, String)> {
    match kind {
        Kind::Sqlite => db
            .fetch_all(Sql::new(
                "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
                 AND upper(p.type) = 'TEXT'",
            ))
            .await
            .unwrap(),
        Kind::Postgres => db
            .fetch_all(Sql::new(
                "SELECT table_name::text, column_name::text FROM information_schema.columns \
                 WHERE table_schema = 'public' AND data_type = 'text'",
            ))
            .await
            .unwrap(),
    }
}

/// Where in the database `needle` still stands: `table.column (rows)`.
async fn found_in(db: &Db, kind: Kind, needle: &str) -> Vec<String> {
    let mut out = Vec::new();
    let position = match kind {
        Kind::Sqlite => "instr",
        Kind::Postgres => "strpos",
    };
    for (table, column) in text_columns(db, kind).await {
        let (n,): (i64,) = db
            .fetch_one(
                Sql::new(format!(
                    "SELECT COUNT(*) FROM {table} WHERE {position}({column}, $1) > 0"
                ))
                .arg(needle),
            )
            .await
            .unwrap();
        if n > 0 {
            out.push(format!("{table}.{column} ({n})"));
        }
    }
    out
}

/// Erasure reaches every copy: the person, each BLKK's record, the application, the audit
/// trail (pseudonymised in place), the mail sent to them and their account.
mod erasure_leaves_no_copy {
    use super::*;
    async fn run(t: TestApp, kind: Kind) {
        let nik = woman(9303);
        let name = "Zulaikha Purnamasari Hapus";
        let email = "zulaikha.hapus@contoh.id";
        // A new person applies, is accepted, and sets up their account.
        let a = t.api_as("pengelola").await;
        let k = first_kejuruan(&a).await;
        let open = Batch::of(&k, "Kopi Sangrai").days(20, 40).id(&a).await;
        let anonymous = t.anonymous().await;
        let (s, _) = anonymous
            .json(
                "POST",
                &format!("/api/v1/public/trainings/{open}/applications"),
                json!({"nik": nik, "name": name, "phone": "0812 9999 0303",
                    "address": "Jl. Hapus No. 3", "email": email, "consent": true}),
            )
            .await;
        assert_eq!(s, 201);
        let (_, list) = a
            .get_json(&format!("/api/v1/trainings/{open}/applications"))
            .await;
        let (s, body) = a
            .json(
                "POST",
                &format!("/api/v1/applications/{}/decision", id_of(&list[0])),
                json!({"accept": true, "version": list[0]["version"]}),
            )
            .await;
        assert_eq!(s, 200, "{body}");
        let (invitation,): (String,) = t
            .db()
            .fetch_one(
                Sql::new("SELECT body FROM mail_jobs WHERE to_addr = $1 ORDER BY id LIMIT 1")
                    .arg(email),
            )
            .await
            .unwrap();
        let at = invitation.find("token=").expect("a link") + "token=".len();
        let token: String = invitation[at..]
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        let (s, body) = anonymous
            .json(
                "POST",
                "/api/v1/invitations/accept",
                json!({"token": token, "password": "sandi-panjang-sekali-9"}),
            )
            .await;
        assert_eq!(s, 204, "{body}");
        // Another BLKK enrols them too, under another spelling.
        let (_, b) = other_blkk(&t, "pengelola.keempat@contoh.id").await;
        let k = first_kejuruan(&b).await;
        let training = Batch::of(&k, "Las Listrik").days(50, 70).id(&b).await;
        enrol(
            &b,
            training,
            json!({"nik": nik, "name": "Zulaikha P. Hapus", "phone": "0812 9999 0304",
                "consent": true}),
        )
        .await;
        let before_name = found_in(t.db(), kind, "Zulaikha").await;
        assert!(
            before_name.iter().any(|w| w.starts_with("audit_log")),
            "{before_name:?}"
        );

        // The person erases their data.
        let me = t.anonymous().await;
        let r = me
            .form(
                "/login",
                &[
                    ("email", email),
                    ("password", "sandi-panjang-sekali-9"),
                    ("next", "/me"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.text);
        let r = me.form("/me/erase", &[("confirm", "HAPUS")]).await;
        assert_eq!(r.status, 303, "{}", r.text);
        for needle in [
            "Zulaikha",
            nik.as_str(),
            email,
            "+6281299990303",
            "Jl. Hapus",
        ] {
            assert_eq!(
                found_in(t.db(), kind, needle).await,
                Vec::<String>::new(),
                "{needle} is still stored"
            );
        }
        // The trail keeps its structure: the same entries, the values pseudonymised.
        let (pseudonymised,): (i64,) = t
            .db()
            .fetch_one(Sql::new(
                "SELECT COUNT(*) FROM audit_log WHERE changes LIKE '%(dihapus P%'",
            ))
            .await
            .unwrap();
        assert!(pseudonymised >= 2, "{pseudonymised}");
    }

    #[tokio::test]
    async fn sqlite() {
        let t = TestApp::demo(Kind::Sqlite).await.expect("sqlite");
        run(t, Kind::Sqlite).await;
    }

    #[tokio::test]
    async fn postgres() {
        if let Some(t) = TestApp::demo(Kind::Postgres).await {
            run(t, Kind::Postgres).await;
        }
    }
}
