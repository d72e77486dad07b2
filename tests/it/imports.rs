//! Bulk onboarding: an admin's XLSX or CSV of BLKK and their managers, checked row by row,
//! then imported in the background, each row all or nothing, re-runnable; hostile files are
//! refused clearly and change nothing.

use std::io::Write;
use std::time::{Duration, Instant};

use reqwest::multipart::{Form, Part};
use serde_json::Value;
use simandiri::kernel::db::Sql;

use crate::support::{Client, Content, TestApp};

/// Two villages of the reference data.
async fn villages(t: &TestApp) -> (String, String) {
    let rows: Vec<(String,)> = t
        .db()
        .fetch_all(Sql::new(
            "SELECT code FROM areas WHERE level = 4 AND province_code = '36' ORDER BY code LIMIT 2",
        ))
        .await
        .unwrap();
    (rows[0].0.clone(), rows[1].0.clone())
}

/// The registration number of a demo BLKK.
async fn existing_reg_no(t: &TestApp) -> String {
    let (r,): (String,) = t
        .db()
        .fetch_one(
            Sql::new("SELECT reg_no FROM centres WHERE org_id = $1")
                .arg(t.org_id(simandiri::seed::demo::DARUL_BAYAN).await),
        )
        .await
        .unwrap();
    r
}

async fn upload(c: &Client, path: &str, name: &str, bytes: Vec<u8>) -> (u16, Value) {
    let form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_owned()));
    let r = c
        .http
        .post(c.url(path))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Follows an import until it ends.
async fn finished(c: &Client, id: i64) -> Value {
    let started = Instant::now();
    loop {
        let (s, body) = c.get_json(&format!("/api/v1/imports/{id}")).await;
        assert_eq!(s, 200, "{body}");
        if body["status"] != "running" {
            return body;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "import still running: {body}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

mod a_file_is_checked_then_imported_and_can_be_run_again {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let (v1, v2) = villages(&t).await;
        let existing = existing_reg_no(&t).await;
        let csv = format!(
            "Nomor registrasi;Nama BLKK;Lembaga pengelola;Kode desa/kelurahan;Tahun bantuan;Kejuruan;Nama pengelola (akun);Email pengelola (akun)\n\
             IMP.0001;BLK Komunitas Impor Satu;Yayasan Satu;{v1};2021;menjahit, tik;Siti Satu;siti.satu@impor.test\n\
             IMP.0002;BLK Komunitas Impor Dua;Yayasan Dua;{v2};2022;las;Budi Dua;budi.dua@impor.test\n\
             {existing};;;;;;;\n\
             IMP.0003;BLK Komunitas Salah;Yayasan;99.99.99.9999;1800;kungfu;;bukan-email\n\
             IMP.0001;Ulang;Yayasan;{v1};2021;;;\n\
             IMP.0004;=HYPERLINK(\"x\");Yayasan;{v1};2021;;;\n"
        );
        let admin = t.api_as("admin").await;
        let (s, preview) = upload(
            &admin,
            "/api/v1/imports/centres?dry_run=true",
            "blkk.csv",
            csv.clone().into_bytes(),
        )
        .await;
        assert_eq!(s, 200, "{preview}");
        assert_eq!(preview["valid"], 3, "{preview}");
        assert_eq!(preview["invalid"], 3);
        let rows = preview["rows"].as_array().unwrap();
        assert_eq!(rows[0]["action"], "baru");
        assert_eq!(rows[0]["manager"], "undang");
        assert_eq!(rows[2]["action"], "tetap", "empty cells keep what is there");
        let bad = &rows[3];
        assert_eq!(bad["line"], 5);
        let fields: Vec<&str> = bad["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        for f in ["village_code", "aid_year", "kejuruan", "manager_email"] {
            assert!(fields.contains(&f), "{f} in {bad}");
        }
        assert!(bad["errors"][0]["message"].as_str().unwrap().len() > 5);
        assert_eq!(rows[4]["errors"][0]["code"], "import_repeated");
        assert_eq!(rows[5]["errors"][0]["code"], "import_formula");
        // A dry run writes nothing.
        let (n,): (i64,) = t
            .db()
            .fetch_one(Sql::new(
                "SELECT COUNT(*) FROM centres WHERE reg_no LIKE 'IMP.%'",
            ))
            .await
            .unwrap();
        assert_eq!(n, 0);

        let (s, started) = upload(
            &admin,
            "/api/v1/imports/centres",
            "blkk.csv",
            csv.clone().into_bytes(),
        )
        .await;
        assert_eq!(s, 202, "{started}");
        let done = finished(&admin, started["id"].as_i64().unwrap()).await;
        assert_eq!(done["status"], "done", "{done}");
        assert_eq!(done["created"], 2);
        assert_eq!(done["unchanged"], 1);
        assert_eq!(done["failed"], 0);
        assert_eq!(done["invited"], 2);
        assert_eq!(done["rows"].as_array().unwrap().len(), 3);
        let (kejuruan,): (i64,) = t
            .db()
            .fetch_one(Sql::new(
                "SELECT COUNT(*) FROM centre_kejuruan k JOIN centres c ON c.org_id = k.centre_id \
                 WHERE c.reg_no = 'IMP.0001'",
            ))
            .await
            .unwrap();
        assert_eq!(kejuruan, 2);
        let (pending,): (i64,) = t
            .db()
            .fetch_one(Sql::new(
                "SELECT COUNT(*) FROM users u JOIN centres c ON c.org_id = u.org_id \
                 WHERE c.reg_no LIKE 'IMP.%' AND u.password_hash = '' AND u.role = 'pengelola'",
            ))
            .await
            .unwrap();
        assert_eq!(pending, 2);
        let (mails,): (i64,) = t
            .db()
            .fetch_one(Sql::new(
                "SELECT COUNT(*) FROM mail_jobs WHERE to_addr LIKE '%@impor.test'",
            ))
            .await
            .unwrap();
        assert_eq!(mails, 2);
        // The national figures counted the new BLKK in the same transactions.
        let (_, home) = Client::new(&t.base)
            .get_json("/api/v1/centres?q=impor")
            .await;
        assert_eq!(home["total"], 2);

        // The same file again: nothing new, nobody invited twice.
        let (s, again) = upload(
            &admin,
            "/api/v1/imports/centres",
            "blkk.csv",
            csv.into_bytes(),
        )
        .await;
        assert_eq!(s, 202);
        let again = finished(&admin, again["id"].as_i64().unwrap()).await;
        assert_eq!(again["created"], 0, "{again}");
        assert_eq!(again["unchanged"], 3);
        assert_eq!(again["invited"], 0);
        assert_eq!(again["rows"][0]["manager"], "sudah_ada");
    });
}

fn xlsx(rows: &[&[&str]], formula_at: Option<(u32, u16)>) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    if let Some((r, c)) = formula_at {
        sheet.write_formula(r, c, "=1+1").unwrap();
    }
    book.save_to_buffer().unwrap()
}

mod admins_import_through_the_pages {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let (v1, _) = villages(&t).await;
        let admin = t.as_role("admin").await;
        let page = admin.get("/imports/centres").await;
        assert_eq!(page.status, 200);
        // The template's headers are the columns the import reads.
        let r = admin
            .http
            .get(admin.url("/imports/centres/template.xlsx"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let bytes = r.bytes().await.unwrap().to_vec();
        let table = simandiri::features::imports::sheet::read(&bytes).unwrap();
        assert_eq!(table.headers[0], "Nomor registrasi");
        assert_eq!(table.rows.len(), 1, "one example row");
        let rows = simandiri::features::imports::model::rows_of(&table).unwrap();
        assert_eq!(rows[0].get("reg_no"), "36.04.0001");

        let file = xlsx(
            &[
                &[
                    "reg_no",
                    "name",
                    "host_name",
                    "village_code",
                    "aid_year",
                    "kejuruan",
                ],
                &[
                    "XL.0001",
                    "BLK Komunitas Dari Excel",
                    "Yayasan Excel",
                    &v1,
                    "2020",
                    "menjahit",
                ],
                &[
                    "XL.0002",
                    "BLK Komunitas Rumus",
                    "Yayasan",
                    &v1,
                    "",
                    "menjahit",
                ],
            ],
            Some((2, 4)),
        );
        let form = Form::new()
            .text("_csrf", admin.csrf.clone())
            .part("file", Part::bytes(file).file_name("blkk.xlsx"));
        let r = admin
            .http
            .post(admin.url("/imports/centres"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert!(html.contains("1 baris siap diimpor"), "{html}");
        assert!(
            html.contains("Sel berisi rumus"),
            "the formula cell is named"
        );
        let marker = "action=\"/imports/";
        let at = html.find(marker).unwrap() + marker.len();
        let id: String = html[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let r = admin.form(&format!("/imports/{id}/start"), &[]).await;
        assert_eq!(r.status, 303);
        let started = Instant::now();
        loop {
            let p = admin.get(&format!("/imports/{id}")).await;
            if p.text.contains("Selesai") {
                assert!(p.text.contains("BLK Komunitas Dari Excel"));
                break;
            }
            assert_eq!(p.header("refresh"), "2", "reloads itself while running");
            assert!(started.elapsed() < Duration::from_secs(60));
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        // An upload without the form's token is refused.
        let form = Form::new().part(
            "file",
            Part::bytes(b"reg_no,name\n".to_vec()).file_name("a.csv"),
        );
        let r = admin
            .http
            .post(admin.url("/imports/centres"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        // Only ministry admins import.
        assert_eq!(
            t.as_role("pembina")
                .await
                .get("/imports/centres")
                .await
                .status,
            403
        );
        let (s, _) = upload(
            &t.api_as("pembina").await,
            "/api/v1/imports/centres?dry_run=true",
            "a.csv",
            b"reg_no,name\n".to_vec(),
        )
        .await;
        assert_eq!(s, 403);
    });
}

/// Files that are not tables, too big unpacked, too long: refused with a clear message.
mod hostile_files_change_nothing {
    use super::*;
    crate::on_both!(Content::Demo, |t| {
        let admin = t.api_as("admin").await;
        let code = |v: &Value| {
            v["error"]["fields"][0]["code"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        };

        let (s, body) = upload(
            &admin,
            "/api/v1/imports/centres?dry_run=true",
            "x.xlsx",
            vec![0x00, 0xff, 0x13, 0x37],
        )
        .await;
        assert_eq!(s, 422);
        assert_eq!(code(&body), "import_not_a_table");
        assert!(
            body["error"]["fields"][0]["message"]
                .as_str()
                .unwrap()
                .contains("bukan XLSX")
        );

        // A zip bomb: 60 MB of zeros packed into a few kilobytes.
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            zip.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
            let zeros = vec![0u8; 1024 * 1024];
            for _ in 0..60 {
                zip.write_all(&zeros).unwrap();
            }
            zip.finish().unwrap();
        }
        let bomb = buf.into_inner();
        assert!(bomb.len() < 1024 * 1024);
        let (s, body) = upload(
            &admin,
            "/api/v1/imports/centres?dry_run=true",
            "bom.xlsx",
            bomb,
        )
        .await;
        assert_eq!(s, 422);
        assert_eq!(code(&body), "import_unpacked");

        let mut long = String::from("reg_no,name\n");
        for i in 0..200_000 {
            long.push_str(&format!("R{i},N\n"));
        }
        let (s, body) = upload(
            &admin,
            "/api/v1/imports/centres?dry_run=true",
            "long.csv",
            long.into_bytes(),
        )
        .await;
        assert_eq!(s, 422);
        assert_eq!(code(&body), "import_too_many_rows");

        let (s, body) = upload(
            &admin,
            "/api/v1/imports/centres?dry_run=true",
            "huge.csv",
            vec![b'a'; 6 * 1024 * 1024],
        )
        .await;
        assert_eq!(s, 413, "{body}");

        let (s, body) = upload(
            &admin,
            "/api/v1/imports/centres?dry_run=true",
            "cols.csv",
            b"Warna,Nama BLKK\nx,y\n".to_vec(),
        )
        .await;
        assert_eq!(s, 422);
        let codes: Vec<&str> = body["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["import_missing_columns"]);
        assert!(
            body["error"]["fields"][0]["message"]
                .as_str()
                .unwrap()
                .contains("reg_no")
        );
        let (s, body) = upload(
            &admin,
            "/api/v1/imports/centres?dry_run=true",
            "cols.csv",
            b"reg_no,Nama BLKK,Warna
x,y,z
"
            .to_vec(),
        )
        .await;
        assert_eq!(s, 422);
        assert_eq!(code(&body), "import_unknown_columns");
        assert!(
            body["error"]["fields"][0]["message"]
                .as_str()
                .unwrap()
                .contains("Warna")
        );
        let (n,): (i64,) = t
            .db()
            .fetch_one(Sql::new("SELECT COUNT(*) FROM imports"))
            .await
            .unwrap();
        assert_eq!(n, 0, "nothing kept from refused files");
    });
}
