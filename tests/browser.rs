//! Browser tests: the real server on a demo SQLite database, used through headless Chromium.
//!
//! Each test starts its own chromedriver (on a free port) and a fresh browser profile, and
//! ends both when it is done, even when it fails. When Chromium or chromedriver is not
//! installed the tests are skipped with a message, except under `CI`, where they fail.
//! The browser is driven through `fantoccini`.

#[allow(dead_code)]
#[path = "it/support.rs"]
mod support;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::wd::Locator::{self, Css, XPath};
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use simandiri::kernel::db::{Db, Sql};
use support::{Kind, TestApp};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Without the networking switches Chromium keeps trying to reach Google and gets slow on a
/// closed network.
const CHROMIUM_ARGS: [&str; 10] = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1200,900",
];

/// How long a page may take to show what a test waits for (generous: CI machines are busy).
const PATIENCE: Duration = Duration::from_secs(20);
/// Attempts at starting chromedriver and a browser session before giving up.
const START_ATTEMPTS: u32 = 3;
const POLL: Duration = Duration::from_millis(100);
/// A stuck scenario fails its test rather than hanging it.
const SCENARIO_LIMIT: Duration = Duration::from_secs(180);
/// How long chromedriver may take to start a browser.
const SESSION_START_LIMIT: Duration = Duration::from_secs(60);

const DARUL_BAYAN: &str = "BLK Komunitas PP Salafiyah Darul Bayan";
/// Supervised by BLK Makassar: outside the demo pembina's (BBPVP Serang) scope.
const TANRE_ASSONA: &str = "BLK-K PP Ittihadiyah Tanre Assona";

// ---------------------------------------------------------------------------------------
// The scenarios
// ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_shows_the_account_and_signing_out_ends_it() -> Result<()> {
    in_browser(|b| async move {
        let app = demo().await;

        sign_in(&b, &app, "pengelola").await?;
        let account = b.find(Css("main")).await?.text().await?;
        assert!(
            account.contains(DARUL_BAYAN),
            "the manager's home names their BLKK: {account}"
        );

        let sign_out = text_in("header", "button", "Keluar");
        b.find(XPath(&sign_out)).await?.click().await?;
        wait_for(&b, XPath(&text_in("header", "a", "Masuk"))).await?;
        assert!(
            !exists(&b, XPath(&sign_out)).await?,
            "signed out: the header offers no Keluar button"
        );

        b.goto(&app.url("/me")).await?;
        wait_for_path(&b, "/login").await?;
        let url = b.current_url().await?;
        assert!(
            url.query_pairs().any(|(k, v)| k == "next" && v == "/me"),
            "the sign-in page returns to /me afterwards: {url}"
        );
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn searching_the_directory_refreshes_the_results_in_place() -> Result<()> {
    in_browser(|b| async move {
        let app = demo().await;
        let darul_bayan = app.org_id(DARUL_BAYAN).await;

        b.goto(&app.url("/centres")).await?;
        let everywhere = shown_count(&b).await?;
        // Survives only if no page load happens: the results below are htmx swaps.
        b.execute("window.sameDocument = true;", vec![]).await?;

        // The province first: with the name typed first, Banten would still count one.
        // It sits with the other filters behind "Filter (0)".
        b.find(Css("details.more-filters > summary"))
            .await?
            .click()
            .await?;
        b.find(Css("select[name=province]"))
            .await?
            .select_by_value("36")
            .await?;
        let banten = wait_until(&b, "the count to change after choosing Banten", || async {
            let n = shown_count(&b).await?;
            Ok((n != everywhere).then_some(n))
        })
        .await?;
        assert!(
            0 < banten && banten < everywhere,
            "Banten has some of the BLKK: {banten} of {everywhere}"
        );
        for card in b.find_all(Css("#results li.card")).await? {
            let text = card.text().await?;
            assert!(text.contains("Banten"), "a card outside Banten: {text}");
        }

        b.find(Css("#q")).await?.send_keys("darul bayan").await?;
        let href = wait_until(&b, "exactly one card, for Darul Bayan", || async {
            let links = b.find_all(Css("#results li.card h2 a")).await?;
            let [link] = links.as_slice() else {
                return Ok(None);
            };
            if link.text().await? != DARUL_BAYAN {
                return Ok(None);
            }
            Ok(link.attr("href").await?)
        })
        .await?;
        assert_eq!(href, format!("/centres/{darul_bayan}"));
        assert_eq!(
            b.find(Css("#results .count")).await?.text().await?,
            "1 BLKK ditemukan"
        );
        assert_eq!(
            b.execute("return window.sameDocument === true;", vec![])
                .await?,
            json!(true),
            "the results changed without reloading the page"
        );
        // htmx pushes the search into the address (after the swap, so wait for it too).
        wait_until(&b, "the address to keep the search", || async {
            let url = b.current_url().await?;
            let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
            let has = |k: &str, v: &str| pairs.iter().any(|p| p.0 == k && p.1 == v);
            Ok((has("q", "darul bayan") && has("province", "36")).then_some(()))
        })
        .await?;

        b.find(Css("#results li.card h2 a")).await?.click().await?;
        wait_for_path(&b, &href).await?;
        let profile = wait_for(&b, Css("dl.facts")).await?.text().await?;
        for place in ["Mekarjaya", "Panimbang"] {
            assert!(
                profile.contains(place),
                "the profile names {place}: {profile}"
            );
        }
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editing_a_profile_saves_valid_changes_into_the_history() -> Result<()> {
    const OLD_HEAD: &str = "Imam Tantowi";
    const NEW_HEAD: &str = "Hj. Siti Rohmah";
    in_browser(|b| async move {
        let app = demo().await;
        let id = app.org_id(DARUL_BAYAN).await;
        let profile = format!("/centres/{id}");
        let save = text_in("main", "button", "Simpan");

        sign_in(&b, &app, "pengelola").await?;
        b.find(XPath(&text_in("main", "a", "Lihat profil publik")))
            .await?
            .click()
            .await?;
        wait_for_path(&b, &profile).await?;
        b.find(XPath(&text_in("main", "a", "Ubah")))
            .await?
            .click()
            .await?;
        wait_for_path(&b, &format!("{profile}/edit")).await?;
        let saved = stored(app.db(), id).await;
        assert_eq!(saved.head_name, OLD_HEAD, "demo data");

        // A bad phone sends the form back with the error beside the field; nothing is
        // saved, not even the valid head name sent along with it.
        replace_text(&wait_for(&b, Css("#head_name")).await?, NEW_HEAD).await?;
        replace_text(&b.find(Css("#contact_phone")).await?, "12345").await?;
        b.find(XPath(&save)).await?.click().await?;
        let error = wait_for(&b, Css("#contact_phone-error"))
            .await?
            .text()
            .await?;
        assert_eq!(error, "Nomor telepon tidak valid (contoh: 0812 3456 7890).");
        assert!(
            exists(
                &b,
                XPath(
                    "//input[@id='contact_phone']\
                     /following-sibling::*[1][@id='contact_phone-error']"
                )
            )
            .await?,
            "the message comes right after the phone field"
        );
        let phone = b.find(Css("#contact_phone")).await?;
        assert_eq!(
            phone.attr("aria-describedby").await?.as_deref(),
            Some("contact_phone-error")
        );
        assert_eq!(
            stored(app.db(), id).await,
            saved,
            "a refused form saves nothing"
        );

        // Corrected, it is saved and shown.
        phone.clear().await?;
        assert_eq!(
            b.find(Css("#head_name"))
                .await?
                .prop("value")
                .await?
                .as_deref(),
            Some(NEW_HEAD),
            "the form kept what was typed"
        );
        b.find(XPath(&save)).await?.click().await?;
        wait_for_path(&b, &profile).await?;
        let facts = wait_for(&b, Css("dl.facts")).await?.text().await?;
        assert!(facts.contains(NEW_HEAD), "new head name shown: {facts}");
        assert!(!facts.contains(OLD_HEAD), "old head name gone: {facts}");

        b.find(XPath(&text_in("main", "a", "Riwayat perubahan")))
            .await?
            .click()
            .await?;
        wait_for_path(&b, &format!("{profile}/history")).await?;
        let change = format!(
            "//ol[contains(@class,'history')]/li[.//tr[th[normalize-space()='Kepala BLKK'] \
             and td[1][normalize-space()='{OLD_HEAD}'] and td[2][normalize-space()='{NEW_HEAD}']]]"
        );
        let change = wait_for(&b, XPath(&change)).await?.text().await?;
        assert!(
            change.contains("Diubah") && change.contains("Demo pengelola"),
            "the entry says who changed it: {change}"
        );
        let updates = b
            .find_all(XPath(
                "//ol[contains(@class,'history')]/li[.//strong[normalize-space()='Diubah']]",
            ))
            .await?;
        assert_eq!(updates.len(), 1, "the refused form left no entry");
        Ok(())
    })
    .await
}

/// Typing a village name refreshes only the village list: the search box keeps its focus
/// and every letter typed, even those typed while the list was loading.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn village_search_keeps_focus_and_typing() -> Result<()> {
    in_browser(|b| async move {
        let app = demo().await;
        let id = app.org_id(DARUL_BAYAN).await;
        sign_in(&b, &app, "pengelola").await?;
        b.goto(&app.url(&format!("/centres/{id}/edit"))).await?;
        let search = wait_for(&b, Css("#village_q")).await?;
        search.click().await?;
        search.send_keys("Mekar").await?;
        // The options' texts, as the list shows them.
        let options = || async {
            let v = b
                .execute(
                    "return Array.from(document.querySelectorAll('#village_code option'))\
                     .map(o => o.textContent.trim()).join('|')",
                    vec![],
                )
                .await?;
            Ok::<_, anyhow::Error>(v.as_str().unwrap_or_default().to_owned())
        };
        // The first list arrives (Mekarjaya and Mekarsari in Kec. Panimbang, and the
        // village chosen now) ...
        wait_until(&b, "the first village list", || async {
            Ok(options()
                .await?
                .contains("Mekarjaya (Kec. Panimbang)")
                .then_some(()))
        })
        .await?;
        // ... and typing on narrows it, without the box being replaced under the cursor.
        b.active_element().await?.send_keys("sari").await?;
        wait_until(&b, "the narrowed village list", || async {
            let now = options().await?;
            Ok(
                (!now.contains("Mekarjaya (Kec.") && now.contains("Mekarsari (Kec. Panimbang)"))
                    .then_some(()),
            )
        })
        .await?;
        let focused = b
            .execute("return document.activeElement.id", vec![])
            .await?;
        assert_eq!(focused, serde_json::json!("village_q"), "focus kept");
        let typed = b.find(Css("#village_q")).await?.prop("value").await?;
        assert_eq!(typed.as_deref(), Some("Mekarsari"), "every letter kept");
        let only = b
            .find(Css("#village_code option[value='36.01.06.2009']"))
            .await?;
        assert!(only.text().await?.starts_with("Mekarsari"));
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editing_out_of_scope_shows_a_friendly_forbidden_page() -> Result<()> {
    in_browser(|b| async move {
        let app = demo().await;
        let edit = format!("/centres/{}/edit", app.org_id(TANRE_ASSONA).await);

        sign_in(&b, &app, "pembina").await?;
        b.goto(&app.url(&edit)).await?;
        assert_eq!(
            wait_for(&b, Css("main h1")).await?.text().await?,
            "Akses ditolak"
        );
        assert_eq!(b.title().await?, "Akses ditolak · Simandiri");
        assert_eq!(b.find(Css("main .status")).await?.text().await?, "403");
        assert!(
            exists(&b, Css("header.top a.brand")).await?
                && exists(&b, XPath(&text_in("header", "button", "Keluar"))).await?,
            "the normal site header, signed in"
        );
        assert_no_form(&b).await?;

        b.find(XPath(&text_in("header", "button", "English")))
            .await?
            .click()
            .await?;
        wait_until(&b, "the page in English", || async {
            let h1 = b.find(Css("main h1")).await?.text().await?;
            Ok((h1 == "Access denied").then_some(()))
        })
        .await?;
        assert_eq!(b.current_url().await?.path(), edit, "still the same page");
        assert_eq!(b.title().await?, "Access denied · Simandiri");
        assert!(exists(&b, XPath(&text_in("header", "button", "Sign out"))).await?);
        assert_no_form(&b).await?;
        Ok(())
    })
    .await
}

/// On a phone: a BLKK's manager enrols a trainee in an ended batch (a wrong NIK is shown
/// beside the field with the rest of the typing kept), then records the result and
/// certificate in the trainee's row; each save is confirmed, and the page never scrolls
/// sideways.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrolling_and_recording_a_result_on_a_phone() -> Result<()> {
    const NAME: &str = "Siti Nurhaliza";
    in_browser(|b| async move {
        let app = demo().await;
        let batch = past_batch(&app, "Menjahit Busana Uji Peramban").await;
        b.set_window_size(360, 740).await?;
        sign_in(&b, &app, "pengelola").await?;
        let page = format!("/trainings/{batch}");
        b.goto(&app.url(&page)).await?;
        assert_fits_the_width(&b).await?;

        // A NIK of 15 digits: refused beside the field, the name and the consent kept.
        wait_for(&b, Css("#nik"))
            .await?
            .send_keys("360101450899870")
            .await?;
        b.find(Css("#name")).await?.send_keys(NAME).await?;
        b.find(Css("#consent")).await?.click().await?;
        let enrol = text_in("main", "button", "Daftarkan");
        b.find(XPath(&enrol)).await?.click().await?;
        let error = wait_for(&b, Css("#nik-error")).await?.text().await?;
        assert_eq!(error, "NIK harus 16 angka.");
        assert_eq!(
            b.find(Css("#name")).await?.prop("value").await?.as_deref(),
            Some(NAME)
        );
        assert!(b.find(Css("#consent")).await?.is_selected().await?);
        assert_fits_the_width(&b).await?;
        let enrolled = "SELECT COUNT(*) FROM enrolments WHERE training_id = $1";
        assert_eq!(count(app.db(), enrolled, batch).await, 0, "nothing saved");

        // Corrected: enrolled and confirmed.
        replace_text(&b.find(Css("#nik")).await?, "3601014508998701").await?;
        b.find(XPath(&enrol)).await?.click().await?;
        let notice = wait_for(&b, Css("main .notice")).await?.text().await?;
        assert_eq!(notice, "Peserta terdaftar.");
        assert_eq!(count(app.db(), enrolled, batch).await, 1);
        let (row,): (i64,) = app
            .db()
            .fetch_one(Sql::new("SELECT id FROM enrolments WHERE training_id = $1").arg(batch))
            .await?;
        let row_css = format!("#e{row}");
        let cells = wait_for(&b, Css(&row_css)).await?.text().await?;
        assert!(
            cells.contains(NAME) && cells.contains("3601014508998701"),
            "{cells}"
        );

        // The result and certificate, in the trainee's row.
        b.find(Css(&format!("#result-{row}")))
            .await?
            .select_by_value("kompeten")
            .await?;
        b.find(Css(&format!("{row_css} input[name=certificate_no]")))
            .await?
            .send_keys("BLKK-UJI-0001")
            .await?;
        b.find(Css(&format!("{row_css} button[type=submit]")))
            .await?
            .click()
            .await?;
        let notice = wait_until(&b, "the result to be confirmed", || async {
            let n = b.find(Css("main .notice")).await?.text().await?;
            Ok((n != "Peserta terdaftar.").then_some(n))
        })
        .await?;
        assert_eq!(notice, "Hasil tersimpan.");
        let (result, certificate): (Option<String>, Option<String>) = app
            .db()
            .fetch_one(
                Sql::new("SELECT result, certificate_no FROM enrolments WHERE id = $1").arg(row),
            )
            .await?;
        assert_eq!(result.as_deref(), Some("kompeten"));
        assert_eq!(certificate.as_deref(), Some("BLKK-UJI-0001"));
        assert_fits_the_width(&b).await?;
        Ok(())
    })
    .await
}

/// On a phone, without signing in: someone finds an open training, applies (forgetting the
/// consent first), and is told the application was sent; the BLKK sees it waiting.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn applying_for_a_training_on_a_phone() -> Result<()> {
    in_browser(|b| async move {
        let app = demo().await;
        let batch = upcoming_batch(&app, "Tata Rias Terbuka Uji Peramban").await;
        b.set_window_size(360, 740).await?;
        b.goto(&app.url("/pelatihan?province=36")).await?;
        assert_fits_the_width(&b).await?;
        let link = format!("//main//a[@href='/pelatihan/{batch}']");
        wait_for(&b, XPath(&link)).await?.click().await?;
        wait_for_path(&b, &format!("/pelatihan/{batch}")).await?;
        assert_fits_the_width(&b).await?;

        wait_for(&b, Css("#nik"))
            .await?
            .send_keys("3601014508998702")
            .await?;
        b.find(Css("#name")).await?.send_keys("Nur Aisyah").await?;
        b.find(Css("#phone"))
            .await?
            .send_keys("0812 3456 7890")
            .await?;
        let send = "//main//form[@action]//button[@type='submit']";
        b.find(XPath(send)).await?.click().await?;
        let error = wait_for(&b, Css("#consent-error")).await?.text().await?;
        assert_eq!(error, "Persetujuan pengolahan data pribadi diperlukan.");
        assert_eq!(
            b.find(Css("#phone")).await?.prop("value").await?.as_deref(),
            Some("0812 3456 7890")
        );
        let applied = "SELECT COUNT(*) FROM applications WHERE training_id = $1";
        assert_eq!(count(app.db(), applied, batch).await, 0, "nothing saved");

        b.find(Css("#consent")).await?.click().await?;
        b.find(XPath(send)).await?.click().await?;
        let notice = wait_for(&b, Css("main .notice")).await?.text().await?;
        assert!(
            notice.starts_with("Pendaftaran Anda terkirim. BLK Komunitas akan menghubungi Anda."),
            "{notice}"
        );
        assert_eq!(count(app.db(), applied, batch).await, 1);
        // With the application's reference code, to quote to the BLKK.
        let (code,): (String,) = app
            .db()
            .fetch_one(Sql::new("SELECT code FROM applications WHERE training_id = $1").arg(batch))
            .await?;
        assert!(
            notice.contains(&format!("Nomor pendaftaran Anda: {code}")),
            "{notice}"
        );
        assert_fits_the_width(&b).await?;
        Ok(())
    })
    .await
}

/// On a phone: a BLKK's manager starts this month's report from the list, finds the figures
/// filled in, changes one without a reason (refused beside its field, the narrative kept),
/// gives the reason and sends it; the page confirms and no page scrolls sideways.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sending_a_report_on_a_phone() -> Result<()> {
    in_browser(|b| async move {
        let app = demo().await;
        b.set_window_size(360, 740).await?;
        sign_in(&b, &app, "pengelola").await?;
        b.goto(&app.url("/reports")).await?;
        assert_fits_the_width(&b).await?;
        // This month's monthly report (the demo has not started it).
        wait_for(&b, XPath(&text_in("main", "button", "Mulai isi")))
            .await?
            .click()
            .await?;
        let field = wait_for(&b, Css("input[name='values.angkatan_berjalan']")).await?;
        assert_fits_the_width(&b).await?;
        let computed = field.prop("value").await?.unwrap_or_default();
        let n: i64 = computed
            .parse()
            .map_err(|_| anyhow!("a count: {computed:?}"))?;
        let at = b.current_url().await?.path().to_owned();

        // One more batch than the records say, and no reason: refused beside the reason.
        replace_text(&field, &(n + 1).to_string()).await?;
        b.find(Css("select[name='values.kondisi_sarana']"))
            .await?
            .select_by_value("baik")
            .await?;
        b.find(Css("textarea[name='narrative.activities']"))
            .await?
            .send_keys("Praktik menjahit seragam santri.")
            .await?;
        let send = "//main//button[@name='action' and @value='submit']";
        b.find(XPath(send)).await?.click().await?;
        let error = wait_for(&b, Css("[id='corrections.angkatan_berjalan-error']"))
            .await?
            .text()
            .await?;
        assert_eq!(error, "Tulis alasan karena angka ini berbeda dari catatan.");
        assert_eq!(
            b.find(Css("textarea[name='narrative.activities']"))
                .await?
                .prop("value")
                .await?
                .as_deref(),
            Some("Praktik menjahit seragam santri.")
        );
        assert_fits_the_width(&b).await?;

        // With the reason: sent and confirmed.
        b.find(Css("input[name='corrections.angkatan_berjalan']"))
            .await?
            .send_keys("Satu angkatan kerja sama belum dicatat.")
            .await?;
        b.find(XPath(send)).await?.click().await?;
        let notice = wait_for(&b, Css("main .notice")).await?.text().await?;
        assert_eq!(notice, "Laporan terkirim ke pembina.");
        assert_eq!(b.current_url().await?.path(), at);
        let facts = b.find(Css("dl.facts")).await?.text().await?;
        assert!(facts.contains("Terkirim"), "{facts}");
        assert_fits_the_width(&b).await?;
        Ok(())
    })
    .await
}

/// On a phone: each trainee of a batch is a card with its own result form; a result refused
/// for one trainee shows its message beside that trainee's field, on screen (not in a column
/// scrolled out of sight), the typing kept, and no page scrolls sideways. The attendance
/// form shows what was saved for a day, and picking another day shows that day's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_result_and_attendance_on_a_phone() -> Result<()> {
    in_browser(|b| async move {
        let app = demo().await;
        let batch = past_batch(&app, "Menjahit Hasil Peramban").await;
        let first = enrol(&app, batch, "3601014508998741", "Siti Rahmawati").await;
        let second = enrol(&app, batch, "3601014508998742", "Dewi Anggraini").await;
        b.set_window_size(360, 740).await?;
        sign_in(&b, &app, "pengelola").await?;
        b.goto(&app.url(&format!("/trainings/{batch}"))).await?;
        wait_for(&b, Css(&format!("#e{second}"))).await?;
        assert_fits_the_width(&b).await?;

        // A certificate number without a result: refused beside the second trainee's field.
        let row = format!("#e{second}");
        b.find(Css(&format!("{row} input[name=certificate_no]")))
            .await?
            .send_keys("BLKK-UJI-0002")
            .await?;
        b.find(Css(&format!("{row} button[type=submit]")))
            .await?
            .click()
            .await?;
        let id = format!("result-{second}-error");
        let error = wait_for(&b, Css(&format!("#{id}"))).await?;
        assert!(!error.text().await?.is_empty());
        assert!(!exists(&b, Css(&format!("#result-{first}-error"))).await?);
        assert_eq!(
            b.find(Css(&format!("{row} input[name=certificate_no]")))
                .await?
                .prop("value")
                .await?
                .as_deref(),
            Some("BLKK-UJI-0002")
        );
        assert_fits_the_width(&b).await?;
        // The summary at the top links to the field; followed, the message is in view.
        b.find(Css(&format!("#error-summary a[href='#result-{second}']")))
            .await?
            .click()
            .await?;
        let seen = wait_until(&b, "the refusal to be in view", || async {
            let r = b
                .execute(
                    "const r = document.getElementById(arguments[0]).getBoundingClientRect();
                     return [r.left, r.right, r.top, r.bottom, window.innerWidth,
                             window.innerHeight];",
                    vec![json!(id)],
                )
                .await?;
            let n: Vec<f64> = r
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_f64).collect())
                .unwrap_or_default();
            let inside = n.len() == 6
                && n[0] >= 0.0
                && n[1] <= n[4]
                && n[1] > n[0]
                && n[2] >= 0.0
                && n[3] <= n[5];
            Ok(inside.then_some(n))
        })
        .await?;
        assert!(seen[1] <= 360.0, "{seen:?}");

        // Attendance: one absence on 6 January, shown as saved; 7 January starts all ticked.
        b.goto(&app.url(&format!("/trainings/{batch}?day=2026-01-06")))
            .await?;
        let absent = format!("#attendance input[name=present][value='{second}']");
        wait_for(&b, Css(&absent)).await?.click().await?;
        b.find(XPath(&text_in("main", "button", "Simpan kehadiran")))
            .await?
            .click()
            .await?;
        let notice = wait_for(&b, Css("main .notice")).await?.text().await?;
        assert_eq!(notice, "Kehadiran tersimpan.");
        assert!(!b.find(Css(&absent)).await?.is_selected().await?);
        assert_fits_the_width(&b).await?;
        // Another day, picked in the date field: the form shows that day, all ticked.
        b.execute(
            "const d = document.getElementById('day'); d.value = '2026-01-07';
             d.dispatchEvent(new Event('change', {bubbles: true}));",
            vec![],
        )
        .await?;
        wait_until(&b, "the form for 7 January", || async {
            let state = b.find(Css("#attendance-state")).await?.text().await?;
            Ok(state.contains("7 Jan").then_some(()))
        })
        .await?;
        assert!(b.find(Css(&absent)).await?.is_selected().await?);
        // And back: 6 January as saved.
        b.goto(&app.url(&format!("/trainings/{batch}?day=2026-01-06")))
            .await?;
        assert!(!wait_for(&b, Css(&absent)).await?.is_selected().await?);
        Ok(())
    })
    .await
}

/// On a phone, every page these defects touched fits the width: the accounts list (once
/// 616–654 px wide), a batch, a report, its history, the compliance list, a month of
/// income, a visit, a public training and a trainee's own page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_fit_a_phone() -> Result<()> {
    in_browser(|b| async move {
        let app = demo().await;
        let batch = past_batch(&app, "Menjahit Lebar Peramban").await;
        enrol(&app, batch, "3601014508998751", "Nur Aini Rahmawati Putri").await;
        let open = upcoming_batch(&app, "Tata Boga Lebar Peramban").await;
        let (report,): (i64,) = app
            .db()
            .fetch_one(
                Sql::new(
                    "SELECT MAX(id) FROM reports WHERE centre_id = \
                 (SELECT id FROM orgs WHERE name = $1)",
                )
                .arg(DARUL_BAYAN),
            )
            .await?;
        let (visit,): (i64,) = app
            .db()
            .fetch_one(Sql::new("SELECT MIN(id) FROM visits"))
            .await?;
        b.set_window_size(360, 740).await?;
        for (role, paths) in [
            (
                "admin",
                vec!["/users".to_owned(), "/users?role=pengelola".to_owned()],
            ),
            (
                "pengelola",
                vec![
                    "/users".to_owned(),
                    format!("/trainings/{batch}"),
                    format!("/reports/{report}"),
                    format!("/reports/{report}/history"),
                    "/income".to_owned(),
                    "/income/edit?month=2021-03".to_owned(),
                    format!("/visits/{visit}"),
                    format!("/pelatihan/{open}"),
                ],
            ),
            (
                "pembina",
                vec![
                    "/".to_owned(),
                    "/reports/compliance".to_owned(),
                    format!("/partnerships?centre={}", app.org_id(DARUL_BAYAN).await),
                ],
            ),
            ("peserta", vec!["/".to_owned(), "/me/trainings".to_owned()]),
        ] {
            sign_in_to(&b, &app, role, "/").await?;
            for path in paths {
                b.goto(&app.url(&path)).await?;
                wait_for(&b, Css("main h1")).await?;
                assert_fits_the_width(&b).await?;
            }
            b.delete_all_cookies().await?;
        }
        Ok(())
    })
    .await
}

/// Enrols a trainee in a batch through the API (as its manager); returns the enrolment.
async fn enrol(app: &TestApp, batch: i64, nik: &str, name: &str) -> i64 {
    let c = app.api_as("pengelola").await;
    let (status, e) = c
        .json(
            "POST",
            &format!("/api/v1/trainings/{batch}/enrolments"),
            json!({"nik": nik, "name": name, "consent": true}),
        )
        .await;
    assert_eq!(status, 201, "{e}");
    e["id"].as_i64().unwrap_or_else(|| panic!("an id in {e}"))
}

// ---------------------------------------------------------------------------------------
// Steps and facts the scenarios share
// ---------------------------------------------------------------------------------------

/// Plans a batch at Darul Bayan through the API (as its manager); returns its id.
async fn plan_batch(app: &TestApp, title: &str, start: &str, end: &str) -> i64 {
    let c = app.api_as("pengelola").await;
    let (status, created) = c
        .json(
            "POST",
            "/api/v1/trainings",
            json!({
                "kejuruan": "menjahit", "title": title, "start_date": start,
                "end_date": end, "hours": 240, "quota": 16, "fee": 0, "funding": "pbk",
                "open_to_public": true,
            }),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    created["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("an id in {created}"))
}

/// A batch that has ended (January–February 2026).
async fn past_batch(app: &TestApp, title: &str) -> i64 {
    plan_batch(app, title, "2026-01-05", "2026-02-27").await
}

/// A batch starting in a month, open to the public.
async fn upcoming_batch(app: &TestApp, title: &str) -> i64 {
    let day =
        |n: i64| (time::OffsetDateTime::now_utc().date() + time::Duration::days(n)).to_string();
    plan_batch(app, title, &day(30), &day(57)).await
}

async fn count(db: &Db, sql: &str, id: i64) -> i64 {
    let (n,): (i64,) = db.fetch_one(Sql::new(sql).arg(id)).await.expect("a count");
    n
}

/// The page is no wider than the window: nothing to scroll sideways on a phone.
async fn assert_fits_the_width(b: &Client) -> Result<()> {
    let widths = b
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await?;
    let (page, window) = (widths[0].as_i64(), widths[1].as_i64());
    if page.is_none() || page > window {
        // Name the elements that stick out, for the failure message.
        let wide = b
            .execute(
                "return [...document.querySelectorAll('body *')]
                   .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                   .filter(e => !e.closest('.table-wrap') || e.classList.contains('table-wrap'))
                   .slice(0, 8)
                   .map(e => e.tagName + '.' + e.className + '#' + e.id + ' '
                     + Math.round(e.getBoundingClientRect().right));",
                vec![],
            )
            .await?;
        panic!(
            "the page is {page:?} px wide in a {window:?} px window at {}: {wide}",
            b.current_url().await?
        );
    }
    Ok(())
}

async fn demo() -> TestApp {
    TestApp::demo(Kind::Sqlite)
        .await
        .expect("sqlite is always available")
}

/// What the edit scenario may change, as stored.
#[derive(Debug, PartialEq)]
struct Stored {
    head_name: String,
    contact_phone: String,
    version: i64,
}

async fn stored(db: &Db, id: i64) -> Stored {
    let (head_name, contact_phone, version): (String, String, i64) = db
        .fetch_one(
            Sql::new(
                "SELECT c.head_name, c.contact_phone, o.version FROM centres c \
                 JOIN orgs o ON o.id = c.org_id WHERE c.org_id = $1",
            )
            .arg(id),
        )
        .await
        .expect("the centre");
    Stored {
        head_name,
        contact_phone,
        version,
    }
}

/// Signs in through the login form, as a person would.
async fn sign_in(b: &Client, app: &TestApp, role: &str) -> Result<()> {
    sign_in_to(b, app, role, "/").await
}

/// [`sign_in`] for a role whose home is elsewhere (a trainee lands on their own page).
async fn sign_in_to(b: &Client, app: &TestApp, role: &str, landing: &str) -> Result<()> {
    b.goto(&app.url("/login")).await?;
    wait_for(b, Css("#email"))
        .await?
        .send_keys(&support::demo_email(role))
        .await?;
    b.find(Css("#password"))
        .await?
        .send_keys(support::DEMO_PASSWORD)
        .await?;
    b.find(Css("main form[action='/login'] button[type=submit]"))
        .await?
        .click()
        .await?;
    wait_for_path(b, landing).await
}

/// The number in the directory's "N BLKK ditemukan".
async fn shown_count(b: &Client) -> Result<u64> {
    let text = b.find(Css("#results .count")).await?.text().await?;
    text.split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| anyhow!("no count in {text:?}"))
}

async fn assert_no_form(b: &Client) -> Result<()> {
    assert!(
        !exists(b, Css("main form, main input, main select")).await?,
        "no form on the forbidden page"
    );
    Ok(())
}

/// A `tag` inside `scope` whose visible text is `text` (which must not contain `'`).
fn text_in(scope: &str, tag: &str, text: &str) -> String {
    format!("//{scope}//{tag}[normalize-space()='{text}']")
}

async fn exists(b: &Client, what: Locator<'_>) -> Result<bool> {
    Ok(!b.find_all(what).await?.is_empty())
}

async fn replace_text(field: &Element, text: &str) -> Result<()> {
    field.clear().await?;
    Ok(field.send_keys(text).await?)
}

/// The first element matching `what`, once the page shows one.
async fn wait_for(b: &Client, what: Locator<'_>) -> Result<Element> {
    let wait = b.wait().at_most(PATIENCE).every(POLL);
    match wait.for_element(what).await {
        Err(CmdError::WaitTimeout) => Err(timed_out(b, &format!("{what:?}"), "not found").await),
        found => Ok(found?),
    }
}

async fn wait_for_path(b: &Client, path: &str) -> Result<()> {
    wait_until(b, &format!("the page {path}"), || async {
        Ok((b.current_url().await?.path() == path).then_some(()))
    })
    .await
}

/// Polls `check` until it gives a value; its errors (a missing or replaced element) count
/// as "not yet". Fails after [`PATIENCE`], saying where the browser was.
async fn wait_until<T, F>(b: &Client, what: &str, mut check: impl FnMut() -> F) -> Result<T>
where
    F: Future<Output = Result<Option<T>>>,
{
    let deadline = Instant::now() + PATIENCE;
    loop {
        let last = match check().await {
            Ok(Some(v)) => return Ok(v),
            Ok(None) => String::from("not yet"),
            Err(e) => format!("{e:#}"),
        };
        if Instant::now() >= deadline {
            return Err(timed_out(b, what, &last).await);
        }
        tokio::time::sleep(POLL).await;
    }
}

async fn timed_out(b: &Client, what: &str, last: &str) -> anyhow::Error {
    let at = b
        .current_url()
        .await
        .map_or_else(|e| e.to_string(), String::from);
    let page = match b.find(Css("main")).await {
        Ok(main) => main.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    };
    anyhow!("waited {PATIENCE:?} for {what} ({last}) at {at}; the page says: {page}")
}

// ---------------------------------------------------------------------------------------
// The browser
// ---------------------------------------------------------------------------------------

/// Runs `scenario` in a fresh headless Chromium, then closes the browser, stops chromedriver
/// and removes the profile, also when the scenario fails or panics. Skips the test, saying
/// why, when Chromium or chromedriver is missing outside CI.
async fn in_browser<F>(scenario: impl FnOnce(Client) -> F) -> Result<()>
where
    F: Future<Output = Result<()>> + Send + 'static,
{
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if !missing.is_empty() {
        let missing = missing.join(" and ");
        assert!(
            !support::in_ci(),
            "browser tests need {missing}, which is not installed (CI is set)"
        );
        eprintln!("SKIPPED browser test: {missing} not installed (under CI this fails)");
        return Ok(());
    }
    // One browser at a time: several at once on a busy 2-core machine starve each other.
    static ONE_AT_A_TIME: std::sync::OnceLock<tokio::sync::Mutex<()>> = std::sync::OnceLock::new();
    let _turn = ONE_AT_A_TIME
        .get_or_init(|| tokio::sync::Mutex::new(()))
        .lock()
        .await;
    let (driver, client) = start_browser().await?;

    // On a task of its own, so that a panicking scenario still lets the browser be closed.
    let task = tokio::spawn(scenario(client.clone()));
    let stop = task.abort_handle();
    let outcome = tokio::time::timeout(SCENARIO_LIMIT, task).await;
    stop.abort(); // Does nothing unless the scenario is stuck.
    let closed = tokio::time::timeout(PATIENCE, client.close()).await;
    drop(driver);
    match outcome {
        Ok(Ok(result)) => result?,
        Ok(Err(failed)) => std::panic::resume_unwind(failed.into_panic()),
        Err(_) => anyhow::bail!("the scenario took longer than {SCENARIO_LIMIT:?}"),
    }
    closed
        .context("closing the browser took too long")?
        .context("close the browser")
}

/// Starts chromedriver and a browser session, trying again (with a new chromedriver) when
/// a busy machine makes either fail to come up.
async fn start_browser() -> Result<(Chromedriver, Client)> {
    let mut last = anyhow!("not tried");
    for attempt in 1..=START_ATTEMPTS {
        match try_start_browser().await {
            Ok(started) => return Ok(started),
            Err(e) => {
                eprintln!("starting the browser, attempt {attempt}: {e:#}");
                last = e;
                tokio::time::sleep(Duration::from_secs(u64::from(attempt))).await;
            }
        }
    }
    Err(last.context(format!("no browser after {START_ATTEMPTS} attempts")))
}

async fn try_start_browser() -> Result<(Chromedriver, Client)> {
    let driver = Chromedriver::start().await?;
    let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| (*a).to_owned()).collect();
    args.push(format!("--user-data-dir={}", driver.profile.display()));
    let Value::Object(caps) = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {"binary": CHROMIUM, "args": args},
    }) else {
        unreachable!("an object")
    };
    let mut builder = ClientBuilder::new(HttpConnector::new());
    builder.capabilities(caps);
    let url = format!("http://127.0.0.1:{}", driver.port);
    let client = tokio::time::timeout(SESSION_START_LIMIT, builder.connect(&url))
        .await
        .context("the browser session took too long to start")?
        .context("chromedriver started no browser")?;
    Ok((driver, client))
}

/// A chromedriver process and the browser profile it is given; on drop, chromedriver is
/// killed and the profile removed.
struct Chromedriver {
    child: Child,
    port: u16,
    profile: PathBuf,
}

impl Chromedriver {
    async fn start() -> Result<Chromedriver> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let profile = std::env::temp_dir().join(format!(
            "simandiri-browser-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("start chromedriver")?;
        let mut driver = Chromedriver {
            child,
            port,
            profile,
        };
        let _ = std::fs::remove_dir_all(&driver.profile);
        std::fs::create_dir_all(&driver.profile).context("browser profile directory")?;
        // Ready once its /status says so (listening alone is not enough under load).
        let deadline = Instant::now() + PATIENCE;
        let status_url = format!("http://127.0.0.1:{port}/status");
        let http = reqwest::Client::new();
        loop {
            let ready = match http.get(&status_url).timeout(POLL * 20).send().await {
                Ok(r) => r
                    .json::<Value>()
                    .await
                    .is_ok_and(|v| v["value"]["ready"] == json!(true)),
                Err(_) => false,
            };
            if ready {
                return Ok(driver);
            }
            if let Some(status) = driver.child.try_wait()? {
                anyhow::bail!("chromedriver stopped at start ({status})");
            }
            if Instant::now() >= deadline {
                anyhow::bail!("chromedriver was not ready on port {port} within {PATIENCE:?}");
            }
            tokio::time::sleep(POLL).await;
        }
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}
