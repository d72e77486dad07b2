//! Test harness: real databases (SQLite files and PostgreSQL databases), the real server on
//! a random port, and an HTTP client with a cookie jar.
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

use simandiri::storage::Db;
use simandiri::web::{self, WebConfig};

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
    pub kind: Kind,
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
                kind,
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
                kind,
                cleanup: Cleanup::Postgres(name),
            })
        }
    }
}

/// The server running on a random local port for one test.
pub struct TestApp {
    pub base: String,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}

pub async fn spawn(db: &Db) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = web::router(db.clone(), WebConfig::default())
        .into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move {
        axum::serve(listener, app).await.expect("server");
    });
    TestApp {
        base: format!("http://{addr}"),
    }
}

/// An HTTP client that keeps cookies and does not follow redirects (tests check them).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// The id of the organisation (or BLKK) with this exact name.
pub async fn org_id(db: &Db, name: &str) -> i64 {
    let (id,): (i64,) = db
        .fetch_one(simandiri::storage::Sql::new("SELECT id FROM orgs WHERE name = $1").arg(name))
        .await
        .unwrap_or_else(|e| panic!("no organisation named {name:?}: {e}"));
    id
}

/// The demo sign-in e-mail of a role.
pub fn demo_email(role: &str) -> String {
    format!("{role}@demo.simandiri.test")
}

/// Signs in through the API; panics on failure.
pub async fn api_login(app: &TestApp, client: &reqwest::Client, email: &str) {
    let res = client
        .post(app.url("/api/v1/session"))
        .json(&serde_json::json!({"email": email, "password": DEMO_PASSWORD}))
        .send()
        .await
        .expect("sign in");
    assert_eq!(res.status(), 200, "sign in as {email}");
}

/// A client signed in through the API as the demo user of `role`.
pub async fn api_client(app: &TestApp, role: &str) -> reqwest::Client {
    let c = client();
    api_login(app, &c, &demo_email(role)).await;
    c
}

/// A client signed in through the login form as the demo user of `role`.
pub async fn page_client(app: &TestApp, role: &str) -> reqwest::Client {
    let c = client();
    page_login(app, &c, &demo_email(role)).await;
    c
}

/// The CSRF token the server gave this client (read from a page's hidden field).
pub async fn csrf_token(app: &TestApp, client: &reqwest::Client) -> String {
    let html = client
        .get(app.url("/login"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    let marker = "name=\"csrf-token\" content=\"";
    let start = html.find(marker).expect("csrf meta") + marker.len();
    html[start..start + 64].to_owned()
}

/// Signs in through the login form, as a browser would.
pub async fn page_login(app: &TestApp, client: &reqwest::Client, email: &str) {
    let token = csrf_token(app, client).await;
    let res = client
        .post(app.url("/login"))
        .form(&[
            ("_csrf", token.as_str()),
            ("email", email),
            ("password", DEMO_PASSWORD),
            ("next", "/me"),
        ])
        .send()
        .await
        .expect("sign in");
    assert_eq!(res.status(), 303, "form sign in as {email}");
}

/// Runs an async test body once per backend.
#[macro_export]
macro_rules! on_both {
    ($content:expr, |$t:ident| $body:block) => {
        #[tokio::test]
        async fn sqlite() {
            #[allow(unused_variables)]
            let $t = $crate::support::database($crate::support::Kind::Sqlite, $content)
                .await
                .expect("sqlite is always available");
            $body
        }
        #[tokio::test]
        async fn postgres() {
            let Some($t) =
                $crate::support::database($crate::support::Kind::Postgres, $content).await
            else {
                return;
            };
            $body
        }
    };
}
