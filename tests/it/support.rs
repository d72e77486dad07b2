//! Test harness: real databases (SQLite files and PostgreSQL databases), the real server on
//! a random port ([`TestApp`]), and signed-in clients that add the CSRF token themselves
//! ([`Client`]): `TestApp::demo(kind).await.as_role("pengelola").await`.
//!
//! Each test gets its own database, copied from a template built once per test process
//! (SQLite: a file copy; PostgreSQL: `CREATE DATABASE ... TEMPLATE`), so tests are isolated
//! and fast. PostgreSQL comes from `SIMANDIRI_TEST_PG` (default
//! `postgres://postgres@127.0.0.1:5432/test`); when it is unreachable the PostgreSQL half of
//! a test is skipped, except under `CI`, where it fails.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use reqwest::StatusCode;
use serde_json::{Value, json};
use simandiri::features::reports::period::{Frequency, Period};
use simandiri::kernel::db::{Arg, Db, Sql};
use simandiri::kernel::time::today;
use simandiri::kernel::web::WebConfig;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// What a template database holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Content {
    /// Migrated, with reference areas and the kejuruan catalogue.
    Reference,
    /// Reference data plus the demo data set and its accounts.
    Demo,
}

pub const DEMO_PASSWORD: &str = simandiri::seed::demo::DEMO_PASSWORD;

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn unique() -> String {
    format!(
        "{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some()
}

pub fn pg_admin_url() -> String {
    std::env::var("SIMANDIRI_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// The URL of a sibling database on the same server.
fn pg_url_for(name: &str) -> String {
    let admin = pg_admin_url();
    let (base, query) = match admin.split_once('?') {
        Some((b, q)) => (b.to_owned(), format!("?{q}")),
        None => (admin.clone(), String::new()),
    };
    let root = base.rsplit_once('/').map_or(base.as_str(), |(r, _)| r);
    format!("{root}/{name}{query}")
}

/// Runs async work on a private runtime in its own thread: for setup that must outlive
/// (or run outside) the calling test's runtime.
fn on_own_runtime<T: Send + 'static>(
    f: impl FnOnce() -> std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>> + Send + 'static,
) -> T {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(f())
    })
    .join()
    .expect("setup thread panicked")
}

async fn pg_admin() -> Result<sqlx::PgPool, sqlx::Error> {
    sqlx::postgres::PgPoolOptions::new()
        .max_connections(2)
        .acquire_timeout(std::time::Duration::from_secs(5))
        .connect(&pg_admin_url())
        .await
}

async fn exec(pool: &sqlx::PgPool, sql: String) {
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .execute(pool)
        .await
        .expect("admin statement");
}

async fn fill(db: &Db, content: Content) {
    db.migrate().await.expect("migrate");
    simandiri::seed::reference::ensure_loaded(db)
        .await
        .expect("reference data");
    if content == Content::Demo {
        simandiri::seed::demo::load(db).await.expect("demo data");
    }
}

fn sqlite_template(content: Content) -> &'static PathBuf {
    static REFERENCE: OnceLock<PathBuf> = OnceLock::new();
    static DEMO: OnceLock<PathBuf> = OnceLock::new();
    let cell = match content {
        Content::Reference => &REFERENCE,
        Content::Demo => &DEMO,
    };
    cell.get_or_init(|| {
        let dir = std::env::temp_dir().join("simandiri-tests");
        std::fs::create_dir_all(&dir).expect("temp dir");
        remove_stale_files(&dir);
        let path = dir.join(format!("template-{:?}-{}.db", content, std::process::id()));
        let _ = std::fs::remove_file(&path);
        let url = format!("sqlite://{}", path.display());
        on_own_runtime(move || {
            Box::pin(async move {
                let db = Db::connect(&url).await.expect("template db");
                fill(&db, content).await;
                db.close().await;
            })
        });
        path
    })
}

/// Removes database files left by test processes that no longer run.
fn remove_stale_files(dir: &std::path::Path) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = name
            .split(['-', '_', '.'])
            .find_map(|part| part.parse::<u32>().ok());
        if let Some(pid) = pid
            && !std::path::Path::new(&format!("/proc/{pid}")).exists()
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// `Some(template name)` when PostgreSQL is reachable.
fn pg_template(content: Content) -> Option<&'static str> {
    static REFERENCE: OnceLock<Option<String>> = OnceLock::new();
    static DEMO: OnceLock<Option<String>> = OnceLock::new();
    let cell = match content {
        Content::Reference => &REFERENCE,
        Content::Demo => &DEMO,
    };
    cell.get_or_init(|| {
        let name = format!(
            "simandiri_tpl_{}_{}",
            format!("{content:?}").to_lowercase(),
            std::process::id()
        );
        on_own_runtime(move || {
            Box::pin(async move {
                let admin = match pg_admin().await {
                    Ok(a) => a,
                    Err(e) => {
                        assert!(!in_ci(), "PostgreSQL is required under CI: {e}");
                        eprintln!("PostgreSQL unreachable ({e}); PostgreSQL tests are skipped");
                        return None;
                    }
                };
                drop_stale(&admin).await;
                exec(
                    &admin,
                    format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                )
                .await;
                exec(&admin, format!("CREATE DATABASE {name}")).await;
                let db = Db::connect(&pg_url_for(&name)).await.expect("template db");
                fill(&db, content).await;
                db.close().await;
                Some(name)
            })
        })
    })
    .as_deref()
}

/// Drops test databases left behind by test processes that no longer run.
async fn drop_stale(admin: &sqlx::PgPool) {
    let names: Vec<(String,)> =
        sqlx::query_as("SELECT datname FROM pg_database WHERE datname LIKE 'simandiri_t%'")
            .fetch_all(admin)
            .await
            .unwrap_or_default();
    for (name,) in names {
        let pid = name
            .trim_start_matches("simandiri_tpl_reference_")
            .trim_start_matches("simandiri_tpl_demo_")
            .trim_start_matches("simandiri_t_")
            .split('_')
            .next()
            .and_then(|p| p.parse::<u32>().ok());
        let alive = pid.is_some_and(|p| std::path::Path::new(&format!("/proc/{p}")).exists());
        if !alive {
            exec(
                admin,
                format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            )
            .await;
        }
    }
}

/// A database for one test; removed when dropped.
pub struct TestDb {
    pub db: Db,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Postgres(String),
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(p) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut f = p.clone().into_os_string();
                    f.push(suffix);
                    let _ = std::fs::remove_file(f);
                }
            }
            Cleanup::Postgres(name) => {
                let name = name.clone();
                on_own_runtime(move || {
                    Box::pin(async move {
                        if let Ok(admin) = pg_admin().await {
                            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            )))
                            .execute(&admin)
                            .await;
                        }
                    })
                });
            }
        }
    }
}

/// A fresh database with `content`, or `None` when the backend is unavailable (PostgreSQL
/// outside CI).
pub async fn database(kind: Kind, content: Content) -> Option<TestDb> {
    match kind {
        Kind::Sqlite => {
            let template = sqlite_template(content);
            let path = template.with_file_name(format!("test-{}.db", unique()));
            std::fs::copy(template, &path).expect("copy template");
            let url = format!("sqlite://{}", path.display());
            let db = Db::connect(&url).await.expect("connect sqlite");
            Some(TestDb {
                db,
                cleanup: Cleanup::File(path),
            })
        }
        Kind::Postgres => {
            let template = pg_template(content)?;
            let name = format!("simandiri_t_{}", unique());
            let create = format!("CREATE DATABASE {name} TEMPLATE {template}");
            on_own_runtime(move || {
                Box::pin(async move {
                    let admin = pg_admin().await.expect("admin connection");
                    exec(&admin, create).await;
                })
            });
            let url = pg_url_for(&name);
            let db = Db::connect(&url).await.expect("connect postgres");
            Some(TestDb {
                db,
                cleanup: Cleanup::Postgres(name),
            })
        }
    }
}

/// An empty database (nothing migrated) and its URL, for a test of the migrations
/// themselves; removed when dropped. `None` when the backend is unavailable (PostgreSQL
/// outside CI).
pub async fn empty_database(kind: Kind) -> Option<(TestDb, String)> {
    match kind {
        Kind::Sqlite => {
            let dir = std::env::temp_dir().join("simandiri-tests");
            std::fs::create_dir_all(&dir).expect("temp dir");
            let path = dir.join(format!("empty-{}.db", unique()));
            let url = format!("sqlite://{}", path.display());
            let db = Db::connect(&url).await.expect("connect sqlite");
            let cleanup = Cleanup::File(path);
            Some((TestDb { db, cleanup }, url))
        }
        Kind::Postgres => {
            let name = format!("simandiri_t_{}", unique());
            let create = format!("CREATE DATABASE {name}");
            let made = on_own_runtime(move || {
                Box::pin(async move {
                    match pg_admin().await {
                        Ok(admin) => {
                            exec(&admin, create).await;
                            true
                        }
                        Err(e) => {
                            assert!(!in_ci(), "PostgreSQL is required under CI: {e}");
                            false
                        }
                    }
                })
            });
            if !made {
                return None;
            }
            let url = pg_url_for(&name);
            let db = Db::connect(&url).await.expect("connect postgres");
            let cleanup = Cleanup::Postgres(name);
            Some((TestDb { db, cleanup }, url))
        }
    }
}

/// The server on a random local port, over its own database.
pub struct TestApp {
    pub t: TestDb,
    pub base: String,
}

impl TestApp {
    /// The demo data set on `kind`, served; `None` when the backend is unavailable
    /// (PostgreSQL outside CI).
    pub async fn demo(kind: Kind) -> Option<TestApp> {
        Self::with(kind, Content::Demo, WebConfig::default()).await
    }

    /// Reference data only.
    pub async fn reference(kind: Kind) -> Option<TestApp> {
        Self::with(kind, Content::Reference, WebConfig::default()).await
    }

    pub async fn with(kind: Kind, content: Content, config: WebConfig) -> Option<TestApp> {
        let t = database(kind, content).await?;
        let base = serve(&t.db, config).await;
        Some(TestApp { t, base })
    }

    pub fn db(&self) -> &Db {
        &self.t.db
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A visitor who is not signed in (with a CSRF token, as a browser gets one).
    pub async fn anonymous(&self) -> Client {
        let c = Client::new(&self.base);
        c.load_csrf().await
    }

    /// A browser signed in through the sign-in form as the demo user of `role`.
    pub async fn as_role(&self, role: &str) -> Client {
        let c = self.anonymous().await;
        let r = c
            .form(
                "/login",
                &[
                    ("email", &demo_email(role)),
                    ("password", DEMO_PASSWORD),
                    ("next", "/me"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "form sign in as {role}: {}", r.text);
        c
    }

    /// An API client signed in through `POST /api/v1/session` as the demo user of `role`.
    pub async fn api_as(&self, role: &str) -> Client {
        let c = Client::new(&self.base);
        let (status, body) = c
            .json(
                "POST",
                "/api/v1/session",
                json!({"email": demo_email(role), "password": DEMO_PASSWORD}),
            )
            .await;
        assert_eq!(status, 200, "API sign in as {role}: {body}");
        c
    }

    /// An API client signed in as a new account, made for the test, of `role` at `org`.
    pub async fn api_as_new(
        &self,
        email: &str,
        role: simandiri::kernel::access::Role,
        org: Option<i64>,
    ) -> Client {
        use simandiri::features::accounts::service::{NewAccount, create};
        let account = NewAccount {
            email,
            name: "Akun Uji",
            role,
            org_id: org,
            org_admin: false,
            password: DEMO_PASSWORD,
        };
        create(self.db(), None, &account)
            .await
            .unwrap_or_else(|e| panic!("creating {email}: {e:?}"));
        let c = Client::new(&self.base);
        let (status, body) = c
            .json(
                "POST",
                "/api/v1/session",
                json!({"email": email, "password": DEMO_PASSWORD}),
            )
            .await;
        assert_eq!(status, 200, "API sign in as {email}: {body}");
        c
    }

    /// The id of the organisation (or BLKK) with this exact name.
    pub async fn org_id(&self, name: &str) -> i64 {
        org_id(self.db(), name).await
    }
}

/// Serves the application over `db` on a random local port; returns its base address.
pub async fn serve(db: &Db, config: WebConfig) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let workers = simandiri::http::workers(db, &config).expect("workers");
    let app = simandiri::http::router(db.clone(), config)
        .into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move {
        let _workers = workers;
        axum::serve(listener, app).await.expect("server");
    });
    format!("http://{addr}")
}

/// A response, read whole.
#[derive(Debug)]
pub struct Res {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Res {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }
}

/// A user agent with a cookie jar that does not follow redirects (tests check them) and
/// sends the CSRF token with every form.
#[derive(Clone)]
pub struct Client {
    base: String,
    pub http: reqwest::Client,
    pub csrf: String,
}

impl Client {
    pub fn new(base: &str) -> Client {
        Client {
            base: base.to_owned(),
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            csrf: String::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// The CSRF token the server gave this client, read from a page.
    async fn load_csrf(mut self) -> Client {
        let page = self.get("/login").await;
        let marker = "name=\"csrf-token\" content=\"";
        let start = page.text.find(marker).expect("csrf meta") + marker.len();
        self.csrf = page.text[start..start + 64].to_owned();
        self
    }

    async fn read(r: reqwest::Response) -> Res {
        let status = r.status();
        let headers = r.headers().clone();
        let text = r.text().await.expect("body");
        Res {
            status,
            headers,
            text,
        }
    }

    pub async fn get(&self, path: &str) -> Res {
        Self::read(self.http.get(self.url(path)).send().await.expect("GET")).await
    }

    /// A GET as htmx sends it.
    pub async fn htmx(&self, path: &str) -> Res {
        Self::read(
            self.http
                .get(self.url(path))
                .header("hx-request", "true")
                .send()
                .await
                .expect("GET"),
        )
        .await
    }

    /// Posts a form with the CSRF token added.
    pub async fn form(&self, path: &str, fields: &[(&str, &str)]) -> Res {
        let mut all = vec![("_csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        self.form_raw(path, &all).await
    }

    /// Fills in the form of the page at `path` as a browser would: opens the page, takes
    /// the version its form carries (the record as read), and posts `fields` with it.
    pub async fn form_on(&self, path: &str, fields: &[(&str, &str)]) -> Res {
        let page = self.get(path).await;
        assert_eq!(page.status, 200, "opening {path}");
        let carried = hidden_fields(&page.text, path);
        let version = carried
            .iter()
            .find(|(k, _)| k == "version")
            .map(|(_, v)| v.clone());
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        if let Some(v) = &version {
            all.push(("version", v.as_str()));
        }
        self.form(path, &all).await
    }

    /// Posts a form exactly as given (no token added).
    pub async fn form_raw(&self, path: &str, fields: &[(&str, &str)]) -> Res {
        Self::read(
            self.http
                .post(self.url(path))
                .form(fields)
                .send()
                .await
                .expect("POST"),
        )
        .await
    }

    /// A JSON API call; the body is sent when it is not `null`.
    pub async fn json(&self, method: &str, path: &str, body: Value) -> (StatusCode, Value) {
        let mut req = self
            .http
            .request(method.parse().expect("method"), self.url(path));
        if !body.is_null() {
            req = req.json(&body);
        }
        let r = Self::read(req.send().await.expect("request")).await;
        let v = r.json();
        (r.status, v)
    }

    /// Posts a `multipart/form-data` form: `fields` first (the CSRF token too, when the
    /// client has one), then the file as field `file`.
    pub async fn upload(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        name: &str,
        bytes: Vec<u8>,
    ) -> Res {
        let mut form = reqwest::multipart::Form::new();
        if !self.csrf.is_empty() {
            form = form.text("_csrf", self.csrf.clone());
        }
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
        let r = self
            .http
            .post(self.url(path))
            .multipart(form.part("file", part))
            .send()
            .await
            .expect("POST");
        Self::read(r).await
    }

    pub async fn get_json(&self, path: &str) -> (StatusCode, Value) {
        self.json("GET", path, Value::Null).await
    }

    /// A change as a careful client makes it: reads `record` first and sends its `ETag` as
    /// `If-Match` with the change (so a change made meanwhile is refused, not overwritten).
    pub async fn change(
        &self,
        method: &str,
        path: &str,
        record: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        let read = self.get(record).await;
        let mut req = self
            .http
            .request(method.parse().expect("method"), self.url(path));
        // A record the client may not read is changed without one: the refusal is the
        // server's to give.
        if read.status == 200 {
            let etag = read.header("etag").to_owned();
            assert!(!etag.is_empty(), "{record} returns no ETag");
            req = req.header("if-match", etag);
        }
        if !body.is_null() {
            req = req.json(&body);
        }
        let r = Self::read(req.send().await.expect("request")).await;
        let v = r.json();
        (r.status, v)
    }

    /// [`Client::change`] of the record at `path` itself (`PATCH /api/v1/centres/7`).
    pub async fn patch(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.change("PATCH", path, path, body).await
    }
}

/// The id of the organisation (or BLKK) with this exact name.
pub async fn org_id(db: &Db, name: &str) -> i64 {
    let (id,): (i64,) = db
        .fetch_one(Sql::new("SELECT id FROM orgs WHERE name = $1").arg(name))
        .await
        .unwrap_or_else(|e| panic!("no organisation named {name:?}: {e}"));
    id
}

/// The demo sign-in e-mail of a role.
pub fn demo_email(role: &str) -> String {
    format!("{role}@demo.simandiri.test")
}

/// Runs an async test body once per backend, with `$t` a [`TestApp`] over `$content`.
#[macro_export]
macro_rules! on_both {
    // With a local SMTP server the app sends its mail to.
    ($content:expr, |$t:ident, $mail:ident| $body:block) => {
        #[tokio::test]
        async fn sqlite() {
            let $mail = $crate::mailbox::Mailbox::start().await;
            #[allow(unused_variables)]
            let $t = $crate::support::TestApp::with(
                $crate::support::Kind::Sqlite,
                $content,
                $mail.config(),
            )
            .await
            .expect("sqlite is always available");
            $body
        }
        #[tokio::test]
        async fn postgres() {
            let $mail = $crate::mailbox::Mailbox::start().await;
            let Some($t) = $crate::support::TestApp::with(
                $crate::support::Kind::Postgres,
                $content,
                $mail.config(),
            )
            .await
            else {
                return;
            };
            $body
        }
    };
    ($content:expr, |$t:ident| $body:block) => {
        #[tokio::test]
        async fn sqlite() {
            #[allow(unused_variables)]
            let $t = $crate::support::TestApp::with(
                $crate::support::Kind::Sqlite,
                $content,
                Default::default(),
            )
            .await
            .expect("sqlite is always available");
            $body
        }
        #[tokio::test]
        async fn postgres() {
            let Some($t) = $crate::support::TestApp::with(
                $crate::support::Kind::Postgres,
                $content,
                Default::default(),
            )
            .await
            else {
                return;
            };
            $body
        }
    };
}

/// The hidden fields of the first form on a page posting to `action`, as a browser would
/// send them (HTML entities decoded).
pub fn hidden_fields(html: &str, action: &str) -> Vec<(String, String)> {
    let start = html
        .find(&format!("action=\"{action}\""))
        .unwrap_or_else(|| panic!("a form posting to {action}"));
    let form = &html[start..start + html[start..].find("</form>").expect("form end")];
    let attr = |tag: &str, name: &str| -> Option<String> {
        let marker = format!(" {name}=\"");
        let at = tag.find(&marker)? + marker.len();
        let value = &tag[at..at + tag[at..].find('"')?];
        Some(
            value
                .replace("&quot;", "\"")
                .replace("&#34;", "\"")
                .replace("&#x27;", "'")
                .replace("&#39;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
                .replace("&#38;", "&"),
        )
    };
    form.split("<input")
        .skip(1)
        .map(|t| &t[..t.find('>').unwrap_or(t.len())])
        .filter(|t| t.contains("type=\"hidden\""))
        .filter_map(|t| Some((attr(t, "name")?, attr(t, "value").unwrap_or_default())))
        .collect()
}

// ---- Builders and helpers shared by the tests -------------------------------------------

/// The NIK of a woman born 1999-08-05 in Kec. Sumur, Kab. Pandeglang (district 36.01.01:
/// day 05 + 40); `serial` (the last four digits) tells people apart.
pub fn woman(serial: u16) -> String {
    format!("360101450899{serial:04}")
}

/// The NIK of a man born 2000-01-01 in the same district.
pub fn man(serial: u16) -> String {
    format!("360101010100{serial:04}")
}

/// A person to enrol or an applicant, with their consent to the notice; sex and birth date
/// are left to the NIK.
pub fn person(nik: &str, name: &str) -> Value {
    json!({
        "nik": nik,
        "name": name,
        "phone": "0812 3456 7890",
        "address": "Kp. Cikadu RT 01/02, Desa Mekar Jaya",
        "consent": true,
    })
}

/// A new batch of Darul Bayan's, to plan through the API: by default a free PBK class of 240
/// lesson hours for 16 trainees, starting in 30 days and ending 20 days later.
#[derive(Clone)]
pub struct Batch {
    body: Value,
}

impl Batch {
    pub fn of(kejuruan: &str, title: &str) -> Batch {
        Batch {
            body: serde_json::json!({
                "kejuruan": kejuruan,
                "title": title,
                "start_date": from_today(30),
                "end_date": from_today(50),
                "hours": 240,
                "quota": 16,
                "fee": 0,
                "funding": "pbk",
            }),
        }
    }

    /// From `start` to `end` (`YYYY-MM-DD`).
    pub fn dates(mut self, start: &str, end: &str) -> Batch {
        self.body["start_date"] = start.into();
        self.body["end_date"] = end.into();
        self
    }

    /// From `start` to `end` days from today.
    pub fn days(self, start: i64, end: i64) -> Batch {
        self.dates(&from_today(start), &from_today(end))
    }

    /// Ended (January to February 2026), so results and outcomes may be recorded.
    pub fn past(self) -> Batch {
        self.dates("2026-01-05", "2026-02-27")
    }

    pub fn quota(mut self, n: i64) -> Batch {
        self.body["quota"] = n.into();
        self
    }

    /// Any other field (`open_to_public`, `fee`, ...).
    pub fn with(mut self, field: &str, value: impl Into<Value>) -> Batch {
        self.body[field] = value.into();
        self
    }

    /// The fields as the API takes them.
    pub fn json(&self) -> Value {
        self.body.clone()
    }

    /// Plans it (201) as `c`; the batch.
    pub async fn plan(&self, c: &Client) -> Value {
        plan(c, self.json()).await
    }

    /// Plans it; its id.
    pub async fn id(&self, c: &Client) -> i64 {
        id_of(&self.plan(c).await)
    }
}

/// The date `days` from today (UTC), as `YYYY-MM-DD`.
pub fn from_today(days: i64) -> String {
    (time::OffsetDateTime::now_utc().date() + time::Duration::days(days)).to_string()
}

/// The first code of the kejuruan catalogue.
pub async fn first_kejuruan(c: &Client) -> String {
    let (s, list) = c.get_json("/api/v1/kejuruan").await;
    assert_eq!(s, 200, "{list}");
    list[0]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("a kejuruan code in {list}"))
        .to_owned()
}

/// Plans a batch (201) and returns it.
pub async fn plan(c: &Client, body: Value) -> Value {
    let (s, created) = c.json("POST", "/api/v1/trainings", body).await;
    assert_eq!(s, 201, "{created}");
    created
}

/// Enrols a person in a batch (201) and returns the enrolment.
pub async fn enrol(c: &Client, training: i64, person: Value) -> Value {
    let (s, e) = c
        .json(
            "POST",
            &format!("/api/v1/trainings/{training}/enrolments"),
            person,
        )
        .await;
    assert_eq!(s, 201, "{e}");
    e
}

/// Records a result (200) and returns the enrolment: over the version sent, or the one
/// read just before.
pub async fn record_result(c: &Client, enrolment: i64, body: Value) -> Value {
    let path = format!("/api/v1/enrolments/{enrolment}/result");
    let (s, e) = if body.get("version").is_some() {
        c.json("PUT", &path, body).await
    } else {
        c.change(
            "PUT",
            &path,
            &format!("/api/v1/enrolments/{enrolment}"),
            body,
        )
        .await
    };
    assert_eq!(s, 200, "{e}");
    e
}

/// A GET that must succeed.
pub async fn get_ok(c: &Client, path: &str) -> Value {
    let (s, body) = c.get_json(path).await;
    assert_eq!(s, 200, "{path}: {body}");
    body
}

/// The `id` of a record.
pub fn id_of(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("an id in {v}"))
}

/// A whole number of a record.
pub fn int_at(v: &Value, key: &str) -> i64 {
    v[key].as_i64().unwrap_or_else(|| panic!("{key} in {v}"))
}

/// The code of the error on `field` in an API error body.
pub fn field_code(body: &Value, field: &str) -> Option<String> {
    body["error"]["fields"]
        .as_array()?
        .iter()
        .find(|f| f["field"] == field)
        .and_then(|f| f["code"].as_str())
        .map(str::to_owned)
}

/// A 422 naming `field` with `code`.
#[track_caller]
pub fn assert_refused(status: StatusCode, body: &Value, field: &str, code: &str) {
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "validation_failed", "{body}");
    assert_eq!(field_code(body, field).as_deref(), Some(code), "{body}");
}

/// A `SELECT COUNT(*) ...` with one argument.
pub async fn count(db: &Db, sql: &str, arg: impl Into<Arg>) -> i64 {
    let (n,): (i64,) = db.fetch_one(Sql::new(sql).arg(arg)).await.unwrap();
    n
}

/// Last month, whose reports are due but still on time.
pub fn last_month() -> Period {
    Period::containing(Frequency::Bulanan, today()).previous()
}

/// A monthly report type for the listed BLKK, due 60 days after the month (so last month's
/// report is on time today), with four indicators, two filled from the records.
pub fn test_type(code: &str, centres: &[i64]) -> Value {
    json!({
        "code": code,
        "name_id": "Laporan uji",
        "name_en": "Test report",
        "frequency": "bulanan",
        "due_day": 60,
        "grace_days": 30,
        "audience": "daftar",
        "audience_centres": centres,
        "indicators": [
            {"code": "lulus", "label_id": "Lulusan kompeten", "label_en": "Competent graduates",
             "kind": "count", "required": true, "source": "graduates_kompeten"},
            {"code": "peserta", "label_id": "Peserta baru", "label_en": "New trainees",
             "kind": "count", "source": "trainees"},
            {"code": "sarana", "label_id": "Kondisi sarana", "label_en": "Premises",
             "kind": "choice", "required": true, "choices": ["baik", "perlu perbaikan"]},
            {"code": "biaya", "label_id": "Pendapatan biaya pelatihan", "label_en": "Fee income",
             "kind": "rupiah"},
        ],
    })
}

/// Defines a report type as the admin (201); its id.
pub async fn create_type(admin: &Client, body: Value) -> i64 {
    let (s, t) = admin.json("POST", "/api/v1/report-types", body).await;
    assert_eq!(s, 201, "{t}");
    t["id"].as_i64().unwrap_or_else(|| panic!("an id in {t}"))
}

/// A JSON whole number.
pub fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("a whole number: {v}"))
}

/// Opens a report of a type for a BLKK and period; the answer as it is.
pub async fn open(
    c: &Client,
    type_id: i64,
    centre: i64,
    period: &str,
) -> (reqwest::StatusCode, Value) {
    c.json(
        "POST",
        "/api/v1/reports",
        json!({"type_id": type_id, "centre_id": centre, "period": period}),
    )
    .await
}
