//! Browser tests: the real server on a demo SQLite database, used through headless Chromium.
//!
//! Each test starts its own chromedriver (on a free port) and a fresh browser profile, and
//! ends both when it is done, even when it fails. When Chromium or chromedriver is not
//! installed the tests are skipped with a message, except under `CI`, where they fail.
//!
//! The WebDriver commands go over plain HTTP with `reqwest`: fantoccini, without its TLS
//! features, needs a connector type from `hyper-util`, which is not a dependency here.

#[allow(dead_code)]
#[path = "it/support.rs"]
mod support;

use std::fmt;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use reqwest::{Method, Url};
use serde_json::{Value, json};
use simandiri::storage::{Db, Sql};
use support::{Content, Kind, TestApp, TestDb};

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

/// How long a page may take to show what a test waits for.
const PATIENCE: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(100);

/// The W3C WebDriver key of an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

const DARUL_BAYAN: &str = "BLK Komunitas PP Salafiyah Darul Bayan";
/// Supervised by BLK Makassar: outside the demo pembina's (BBPVP Serang) scope.
const TANRE_ASSONA: &str = "BLK-K PP Ittihadiyah Tanre Assona";

// ---------------------------------------------------------------------------------------
// The scenarios
// ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_shows_the_account_and_signing_out_ends_it() -> Res<()> {
    let Some(b) = Browser::launch().await else {
        return Ok(());
    };
    let t = demo_db().await;
    let app = support::spawn(&t.db).await;

    sign_in(&b, &app, "pengelola").await?;
    let account = b.find(css("main")).await?.text().await?;
    assert!(
        account.contains(DARUL_BAYAN),
        "the account page names the user's BLKK: {account}"
    );

    b.find(text_in("header", "button", "Keluar"))
        .await?
        .click()
        .await?;
    b.wait_for(text_in("header", "a", "Masuk")).await?;
    assert!(
        !b.exists(text_in("header", "button", "Keluar")).await?,
        "signed out: the header offers no Keluar button"
    );

    b.goto(&app.url("/me")).await?;
    b.wait_for_path("/login").await?;
    let url = b.url().await?;
    assert!(
        url.query_pairs().any(|(k, v)| k == "next" && v == "/me"),
        "the sign-in page returns to /me afterwards: {url}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn searching_the_directory_refreshes_the_results_in_place() -> Res<()> {
    let Some(b) = Browser::launch().await else {
        return Ok(());
    };
    let t = demo_db().await;
    let app = support::spawn(&t.db).await;
    let darul_bayan = org_id(&t.db, DARUL_BAYAN).await;

    b.goto(&app.url("/centres")).await?;
    let everywhere = shown_count(&b).await?;
    // Survives only if no page load happens: the results below are htmx swaps.
    b.execute("window.sameDocument = true;").await?;

    // The province first: with the name typed first, Banten would still count one.
    b.find(css("select[name=province] option[value='36']"))
        .await?
        .click()
        .await?;
    let banten = b
        .wait_until("the count to change after choosing Banten", async || {
            let n = shown_count(&b).await?;
            Ok((n != everywhere).then_some(n))
        })
        .await?;
    assert!(
        0 < banten && banten < everywhere,
        "Banten has some of the BLKK: {banten} of {everywhere}"
    );
    for card in b.find_all(css("#results li.card")).await? {
        let text = card.text().await?;
        assert!(text.contains("Banten"), "a card outside Banten: {text}");
    }

    b.find(css("#q")).await?.type_text("darul bayan").await?;
    let href = b
        .wait_until("exactly one card, for Darul Bayan", async || {
            let links = b.find_all(css("#results li.card h2 a")).await?;
            let [link] = links.as_slice() else {
                return Ok(None);
            };
            if link.text().await? != DARUL_BAYAN {
                return Ok(None);
            }
            link.attr("href").await
        })
        .await?;
    assert_eq!(href, format!("/centres/{darul_bayan}"));
    assert_eq!(
        b.find(css("#results .count")).await?.text().await?,
        "1 BLKK ditemukan"
    );
    assert_eq!(
        b.execute("return window.sameDocument === true;").await?,
        json!(true),
        "the results changed without reloading the page"
    );
    // htmx pushes the search into the address (after the swap, so wait for it too).
    b.wait_until("the address to keep the search", async || {
        let url = b.url().await?;
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let has = |k: &str, v: &str| pairs.iter().any(|p| p.0 == k && p.1 == v);
        Ok((has("q", "darul bayan") && has("province", "36")).then_some(()))
    })
    .await?;

    b.find(css("#results li.card h2 a")).await?.click().await?;
    b.wait_for_path(&href).await?;
    let profile = b.wait_for(css("dl.facts")).await?.text().await?;
    for place in ["Mekarjaya", "Panimbang"] {
        assert!(
            profile.contains(place),
            "the profile names {place}: {profile}"
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editing_a_profile_saves_valid_changes_into_the_history() -> Res<()> {
    const OLD_HEAD: &str = "Imam Tantowi";
    const NEW_HEAD: &str = "Hj. Siti Rohmah";
    let Some(b) = Browser::launch().await else {
        return Ok(());
    };
    let t = demo_db().await;
    let app = support::spawn(&t.db).await;
    let id = org_id(&t.db, DARUL_BAYAN).await;
    let profile = format!("/centres/{id}");

    sign_in(&b, &app, "pengelola").await?;
    b.find(text_in("main", "a", DARUL_BAYAN))
        .await?
        .click()
        .await?;
    b.wait_for_path(&profile).await?;
    b.find(text_in("main", "a", "Ubah")).await?.click().await?;
    b.wait_for_path(&format!("{profile}/edit")).await?;
    let saved = stored(&t.db, id).await;
    assert_eq!(saved.head_name, OLD_HEAD, "demo data");

    // A bad phone sends the form back with the error beside the field; nothing is saved,
    // not even the valid head name sent along with it.
    b.wait_for(css("#head_name"))
        .await?
        .replace_text(NEW_HEAD)
        .await?;
    b.find(css("#contact_phone"))
        .await?
        .replace_text("12345")
        .await?;
    b.find(text_in("main", "button", "Simpan"))
        .await?
        .click()
        .await?;
    let error = b
        .wait_for(css("#contact_phone-error"))
        .await?
        .text()
        .await?;
    assert_eq!(error, "Nomor telepon tidak valid (contoh: 0812 3456 7890).");
    assert!(
        b.exists(xpath(
            "//input[@id='contact_phone']/following-sibling::*[1][@id='contact_phone-error']"
        ))
        .await?,
        "the message comes right after the phone field"
    );
    let phone = b.find(css("#contact_phone")).await?;
    assert_eq!(
        phone.attr("aria-describedby").await?.as_deref(),
        Some("contact_phone-error")
    );
    assert_eq!(
        stored(&t.db, id).await,
        saved,
        "a refused form saves nothing"
    );

    // Corrected, it is saved and shown.
    phone.replace_text("").await?;
    assert_eq!(
        b.find(css("#head_name")).await?.property("value").await?,
        json!(NEW_HEAD),
        "the form kept what was typed"
    );
    b.find(text_in("main", "button", "Simpan"))
        .await?
        .click()
        .await?;
    b.wait_for_path(&profile).await?;
    let facts = b.wait_for(css("dl.facts")).await?.text().await?;
    assert!(facts.contains(NEW_HEAD), "new head name shown: {facts}");
    assert!(!facts.contains(OLD_HEAD), "old head name gone: {facts}");

    b.find(text_in("main", "a", "Riwayat perubahan"))
        .await?
        .click()
        .await?;
    b.wait_for_path(&format!("{profile}/history")).await?;
    let change = b
        .wait_for(xpath(&format!(
            "//ol[contains(@class,'history')]/li[.//tr[th[normalize-space()='Kepala BLKK'] \
             and td[1][normalize-space()='{OLD_HEAD}'] and td[2][normalize-space()='{NEW_HEAD}']]]"
        )))
        .await?
        .text()
        .await?;
    assert!(
        change.contains("Diubah") && change.contains("Demo pengelola"),
        "the entry says who changed it: {change}"
    );
    let updates = b
        .find_all(xpath(
            "//ol[contains(@class,'history')]/li[.//strong[normalize-space()='Diubah']]",
        ))
        .await?;
    assert_eq!(updates.len(), 1, "the refused form left no entry");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editing_out_of_scope_shows_a_friendly_forbidden_page() -> Res<()> {
    let Some(b) = Browser::launch().await else {
        return Ok(());
    };
    let t = demo_db().await;
    let app = support::spawn(&t.db).await;
    let edit = format!("/centres/{}/edit", org_id(&t.db, TANRE_ASSONA).await);

    sign_in(&b, &app, "pembina").await?;
    b.goto(&app.url(&edit)).await?;
    assert_eq!(
        b.wait_for(css("main h1")).await?.text().await?,
        "Akses ditolak"
    );
    assert_eq!(b.title().await?, "Akses ditolak · Simandiri");
    assert_eq!(b.find(css("main .status")).await?.text().await?, "403");
    assert!(
        b.exists(css("header.top a.brand")).await?
            && b.exists(text_in("header", "button", "Keluar")).await?,
        "the normal site header, signed in"
    );
    assert_no_form(&b).await?;

    b.find(text_in("header", "button", "English"))
        .await?
        .click()
        .await?;
    b.wait_until("the page in English", async || {
        let h1 = b.find(css("main h1")).await?.text().await?;
        Ok((h1 == "Access denied").then_some(()))
    })
    .await?;
    assert_eq!(b.path().await?, edit, "still the same page");
    assert_eq!(b.title().await?, "Access denied · Simandiri");
    assert!(b.exists(text_in("header", "button", "Sign out")).await?);
    assert_no_form(&b).await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Steps and facts the scenarios share
// ---------------------------------------------------------------------------------------

async fn demo_db() -> TestDb {
    support::database(Kind::Sqlite, Content::Demo)
        .await
        .expect("sqlite is always available")
}

async fn org_id(db: &Db, name: &str) -> i64 {
    let (id,): (i64,) = db
        .fetch_one(Sql::new("SELECT id FROM orgs WHERE name = $1").arg(name))
        .await
        .expect("a demo organisation");
    id
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
async fn sign_in(b: &Browser, app: &TestApp, role: &str) -> Res<()> {
    b.goto(&app.url("/login")).await?;
    b.wait_for(css("#email"))
        .await?
        .type_text(&support::demo_email(role))
        .await?;
    b.find(css("#password"))
        .await?
        .type_text(support::DEMO_PASSWORD)
        .await?;
    b.find(css("main form[action='/login'] button[type=submit]"))
        .await?
        .click()
        .await?;
    b.wait_for_path("/me").await
}

/// The number in the directory's "N BLKK ditemukan".
async fn shown_count(b: &Browser) -> Res<u64> {
    let text = b.find(css("#results .count")).await?.text().await?;
    text.split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| WdError(format!("no count in {text:?}")))
}

async fn assert_no_form(b: &Browser) -> Res<()> {
    assert!(
        b.find_all(css("main form, main input, main select"))
            .await?
            .is_empty(),
        "no form on the forbidden page"
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------
// A small WebDriver client
// ---------------------------------------------------------------------------------------

type Res<T> = Result<T, WdError>;

/// A failed WebDriver command or wait, described for the test report.
struct WdError(String);

impl fmt::Debug for WdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How to find elements.
#[derive(Clone)]
enum By {
    Css(String),
    XPath(String),
}

impl fmt::Display for By {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            By::Css(s) => write!(f, "css `{s}`"),
            By::XPath(s) => write!(f, "xpath `{s}`"),
        }
    }
}

impl By {
    fn json(&self) -> Value {
        match self {
            By::Css(s) => json!({"using": "css selector", "value": s}),
            By::XPath(s) => json!({"using": "xpath", "value": s}),
        }
    }
}

fn css(selector: &str) -> By {
    By::Css(selector.to_owned())
}

fn xpath(path: &str) -> By {
    By::XPath(path.to_owned())
}

/// A `tag` inside `scope` whose visible text is `text` (which must not contain `'`).
fn text_in(scope: &str, tag: &str, text: &str) -> By {
    By::XPath(format!("//{scope}//{tag}[normalize-space()='{text}']"))
}

/// A chromedriver process; killed when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    async fn start() -> Driver {
        let port = free_port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let mut driver = Driver { child, port };
        driver.wait_until_ready().await;
        driver
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    async fn wait_until_ready(&mut self) {
        let http = reqwest::Client::new();
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("chromedriver stopped at start ({status})");
            }
            if let Ok(res) = http.get(self.url("/status")).send().await
                && let Ok(body) = res.json::<Value>().await
                && body["value"]["ready"] == json!(true)
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not answer on port {} within {PATIENCE:?}",
                self.port
            );
            tokio::time::sleep(POLL).await;
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free local port")
        .port()
}

/// A browser profile directory; removed when dropped.
struct Profile(PathBuf);

impl Profile {
    fn fresh() -> Profile {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "simandiri-browser-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("browser profile directory");
        Profile(dir)
    }
}

impl Drop for Profile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One Chromium session. Dropping it closes the browser, then stops chromedriver.
struct Browser {
    http: reqwest::Client,
    session: String,
    // Dropped in this order, after the session is closed.
    _profile: Profile,
    driver: Driver,
}

impl Browser {
    /// `None`, after saying why, when Chromium or chromedriver is missing outside CI.
    async fn launch() -> Option<Browser> {
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
            return None;
        }
        let driver = Driver::start().await;
        let profile = Profile::fresh();
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| (*a).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.0.display()));
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args},
        }}});
        // A stuck command fails the test rather than hanging it.
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("http client");
        let answer: Value = http
            .post(driver.url("/session"))
            .json(&capabilities)
            .send()
            .await
            .expect("ask chromedriver for a browser")
            .json()
            .await
            .expect("chromedriver's answer");
        let Some(session) = answer["value"]["sessionId"].as_str() else {
            panic!("chromedriver started no browser: {answer}");
        };
        Some(Browser {
            http,
            session: session.to_owned(),
            _profile: profile,
            driver,
        })
    }

    async fn command(&self, method: Method, path: &str, body: Option<Value>) -> Res<Value> {
        let url = self.driver.url(&format!("/session/{}{path}", self.session));
        let mut req = self.http.request(method.clone(), url);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let failed = |e: &dyn fmt::Display| WdError(format!("{method} {path}: {e}"));
        let res = req.send().await.map_err(|e| failed(&e))?;
        let status = res.status();
        let mut answer: Value = res.json().await.map_err(|e| failed(&e))?;
        if status.is_success() {
            Ok(answer["value"].take())
        } else {
            let v = &answer["value"];
            Err(failed(&format!("{}: {}", v["error"], v["message"])))
        }
    }

    async fn get(&self, path: &str) -> Res<Value> {
        self.command(Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> Res<Value> {
        self.command(Method::POST, path, Some(body)).await
    }

    async fn goto(&self, url: &str) -> Res<()> {
        self.post("/url", json!({ "url": url })).await.map(drop)
    }

    async fn url(&self) -> Res<Url> {
        let url = self.get("/url").await?;
        let text = url.as_str().unwrap_or_default();
        Url::parse(text).map_err(|e| WdError(format!("current URL {url}: {e}")))
    }

    async fn path(&self) -> Res<String> {
        Ok(self.url().await?.path().to_owned())
    }

    async fn title(&self) -> Res<String> {
        Ok(string(self.get("/title").await?))
    }

    /// Runs `script` in the page and returns its result.
    async fn execute(&self, script: &str) -> Res<Value> {
        self.post("/execute/sync", json!({"script": script, "args": []}))
            .await
    }

    async fn find(&self, by: By) -> Res<Element<'_>> {
        let found = self.post("/element", by.json()).await;
        let found = found.map_err(|e| WdError(format!("finding {by}: {e:?}")))?;
        self.element(&found)
    }

    async fn find_all(&self, by: By) -> Res<Vec<Element<'_>>> {
        let found = self.post("/elements", by.json()).await?;
        let list = found.as_array().cloned().unwrap_or_default();
        list.iter().map(|v| self.element(v)).collect()
    }

    async fn exists(&self, by: By) -> Res<bool> {
        Ok(!self.find_all(by).await?.is_empty())
    }

    fn element(&self, reference: &Value) -> Res<Element<'_>> {
        match reference[ELEMENT_KEY].as_str() {
            Some(id) => Ok(Element {
                browser: self,
                id: id.to_owned(),
            }),
            None => Err(WdError(format!("not an element reference: {reference}"))),
        }
    }

    /// Polls `check` until it gives a value; its errors (a missing or replaced element)
    /// count as "not yet". Fails after [`PATIENCE`], saying where the browser was.
    async fn wait_until<T>(
        &self,
        what: &str,
        mut check: impl AsyncFnMut() -> Res<Option<T>>,
    ) -> Res<T> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let last = match check().await {
                Ok(Some(v)) => return Ok(v),
                Ok(None) => String::from("not yet"),
                Err(e) => e.0,
            };
            if Instant::now() >= deadline {
                let at = self.url().await.map_or_else(|e| e.0, String::from);
                let page = match self.find(css("main")).await {
                    Ok(main) => main.text().await.unwrap_or_default(),
                    Err(_) => String::new(),
                };
                return Err(WdError(format!(
                    "waited {PATIENCE:?} for {what} ({last}) at {at}; the page says: {page}"
                )));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    async fn wait_for(&self, by: By) -> Res<Element<'_>> {
        let what = by.to_string();
        let id = self
            .wait_until(&what, async || {
                let found = self.find_all(by.clone()).await?;
                Ok(found.into_iter().next().map(|e| e.id))
            })
            .await?;
        Ok(Element { browser: self, id })
    }

    async fn wait_for_path(&self, path: &str) -> Res<()> {
        self.wait_until(&format!("the page {path}"), async || {
            Ok((self.path().await? == path).then_some(()))
        })
        .await
    }
}

impl Drop for Browser {
    /// Closes the browser, also when a test panics: a plain blocking request, since there
    /// is no runtime to await on here.
    fn drop(&mut self) {
        use std::io::{Read, Write};
        let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", self.driver.port)) else {
            return;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        let request = format!(
            "DELETE /session/{} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\n\
             Connection: close\r\n\r\n",
            self.session, self.driver.port
        );
        if stream.write_all(request.as_bytes()).is_ok() {
            let _ = stream.read_to_end(&mut Vec::new());
        }
    }
}

/// An element of the current page.
struct Element<'b> {
    browser: &'b Browser,
    id: String,
}

impl Element<'_> {
    async fn get(&self, what: &str) -> Res<Value> {
        self.browser
            .get(&format!("/element/{}/{what}", self.id))
            .await
    }

    async fn post(&self, what: &str, body: Value) -> Res<Value> {
        self.browser
            .post(&format!("/element/{}/{what}", self.id), body)
            .await
    }

    async fn click(&self) -> Res<()> {
        self.post("click", json!({})).await.map(drop)
    }

    async fn type_text(&self, text: &str) -> Res<()> {
        self.post("value", json!({ "text": text })).await.map(drop)
    }

    async fn replace_text(&self, text: &str) -> Res<()> {
        self.post("clear", json!({})).await?;
        self.type_text(text).await
    }

    async fn text(&self) -> Res<String> {
        Ok(string(self.get("text").await?))
    }

    async fn attr(&self, name: &str) -> Res<Option<String>> {
        Ok(self
            .get(&format!("attribute/{name}"))
            .await?
            .as_str()
            .map(str::to_owned))
    }

    async fn property(&self, name: &str) -> Res<Value> {
        self.get(&format!("property/{name}")).await
    }
}

fn string(v: Value) -> String {
    match v {
        Value::String(s) => s,
        other => other.to_string(),
    }
}
