//! The `simandiri` command.

use std::io::Read;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};

use crate::features::accounts::service::{self as accounts, NewAccount};
use crate::http;
use crate::kernel::access::Role;
use crate::kernel::db::Db;
use crate::kernel::error::AppError;
use crate::kernel::web::WebConfig;
use crate::seed::{demo, generate, reference};

#[derive(Parser)]
#[command(
    name = "simandiri",
    version,
    about = "Simandiri: BLK Komunitas e-reporting and monitoring"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web pages and the API.
    Serve(ServeArgs),
    /// Apply database migrations and load reference data, then exit.
    Migrate(DbArgs),
    /// Create a fresh demo database, load demo data, and serve it.
    Demo(DemoArgs),
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Add deterministic synthetic national data (for demos and benchmarks).
    Generate(GenerateArgs),
    /// The kept figures.
    Figures {
        #[command(subcommand)]
        command: FiguresCommand,
    },
}

#[derive(Subcommand)]
enum FiguresCommand {
    /// Count every kept figure afresh from the records and replace those that differ
    /// (after a restore or a repair; daily work never needs it). Exits 0 when the kept
    /// figures now equal their recount; with `--check`, only compares and exits 1 when any
    /// differs, listing each difference.
    Recount {
        /// Compare only; change nothing.
        #[arg(long)]
        check: bool,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Args)]
struct DbArgs {
    /// `sqlite://FILE` (embedded, the default) or `postgres://...`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://simandiri.db")]
    database_url: String,
}

#[derive(Args)]
struct WebArgs {
    /// Address to listen on.
    #[arg(long, env = "SIMANDIRI_BIND", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Served over HTTPS: mark cookies `Secure` and send HSTS.
    #[arg(long, env = "SIMANDIRI_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Serve Prometheus metrics at `/metrics` on this (private) address; off when unset.
    #[arg(long, env = "SIMANDIRI_METRICS_BIND")]
    metrics_bind: Option<SocketAddr>,
    /// The public base address, for links in e-mails (e.g. `https://simandiri.example`).
    #[arg(
        long,
        env = "SIMANDIRI_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    public_url: String,
    /// The SMTP server to send e-mail through, e.g. `smtp://127.0.0.1:2525`,
    /// `smtps://user:pass@mail.example:465` or `smtp://mail.example:587?tls=required`.
    /// Unset: mail waits on the outbox page (`/outbox`) for admins to read.
    #[arg(long, env = "SIMANDIRI_SMTP_URL")]
    smtp_url: Option<String>,
    /// The sender of e-mail.
    #[arg(
        long,
        env = "SIMANDIRI_MAIL_FROM",
        default_value = "Simandiri <noreply@simandiri.invalid>"
    )]
    mail_from: String,
    /// Where attachments (photos, documents) are kept: a folder, created when missing, or
    /// `s3://bucket[/prefix]` (with the `s3` build feature; credentials, region and endpoint
    /// from the `AWS_*` variables).
    #[arg(long, env = "SIMANDIRI_FILES", default_value = "simandiri-files")]
    files: String,
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    db: DbArgs,
    #[command(flatten)]
    web: WebArgs,
}

#[derive(Args)]
struct DemoArgs {
    /// The demo database file; it is deleted and created anew.
    #[arg(long, default_value = "simandiri-demo.db")]
    file: std::path::PathBuf,
    /// Load the demo into this (empty) database instead, e.g. a PostgreSQL one.
    #[arg(long)]
    database_url: Option<String>,
    #[command(flatten)]
    web: WebArgs,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account; the password is read from standard input.
    Create {
        #[arg(long)]
        email: String,
        /// admin, pembina, disnaker, forum, pengelola or mitra.
        #[arg(long)]
        role: String,
        /// The organisation id (required for every role but admin).
        #[arg(long)]
        org: Option<i64>,
        #[arg(long, default_value = "")]
        name: String,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Args)]
struct GenerateArgs {
    #[arg(long, default_value_t = 3800)]
    centres: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Years of trainings (batches, trainees, results, outcomes) and monthly reports per
    /// BLKK, to this year.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(i32).range(0..=30))]
    years: i32,
    #[command(flatten)]
    db: DbArgs,
}

pub fn main() -> ExitCode {
    init_tracing();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .init();
}

/// Connects, migrates and makes sure reference data is present.
pub async fn open(url: &str) -> anyhow::Result<Db> {
    let db = Db::connect(url).await?;
    db.migrate().await?;
    if reference::ensure_loaded(&db).await? {
        tracing::info!("loaded reference areas and the kejuruan catalogue");
        release_freed_memory();
    }
    crate::init();
    let counted = crate::kernel::figures::ensure_counted(&db).await?;
    if counted > 0 {
        tracing::info!(
            sources = counted,
            "counted the kept figures from the records"
        );
    }
    let indexed = crate::features::centres::service::index_missing_terms(&db)
        .await
        .map_err(|e| anyhow::anyhow!("indexing names: {e:?}"))?;
    if indexed > 0 {
        tracing::info!(indexed, "indexed the names of BLKK for search");
    }
    let keyed = crate::features::accounts::service::fill_name_keys(&db)
        .await
        .map_err(|e| anyhow::anyhow!("indexing account names: {e:?}"))?;
    if keyed > 0 {
        tracing::info!(keyed, "indexed the names of accounts");
    }
    Ok(db)
}

/// Gives the memory a bulk load freed back to the system. The C allocator keeps freed
/// memory for reuse; after loading ~92,000 areas that is well over 100 MiB a server would
/// hold for nothing.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free heap pages to the kernel; it touches no
    // allocation in use and may be called at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

async fn run(command: Command) -> anyhow::Result<()> {
    crate::init();
    match command {
        Command::Serve(args) => {
            let db = open(&args.db.database_url).await?;
            serve(db, args.web).await
        }
        Command::Figures {
            command: FiguresCommand::Recount { check, db },
        } => {
            let db = open(&db.database_url).await?;
            let diff = crate::kernel::figures::recount(&db, !check).await;
            db.close().await;
            let diff = diff?;
            for d in &diff {
                println!("{d}");
            }
            match (diff.len(), check) {
                (0, _) => println!("every kept figure equals its recount"),
                (n, true) => anyhow::bail!("{n} kept figures differ from their recount"),
                (n, false) => println!("{n} kept figures differed from their recount; replaced"),
            }
            Ok(())
        }
        Command::Migrate(args) => {
            open(&args.database_url).await?.close().await;
            println!("database is up to date");
            Ok(())
        }
        Command::Demo(args) => {
            let started = Instant::now();
            let url = match &args.database_url {
                Some(url) => url.clone(),
                None => {
                    for suffix in ["", "-wal", "-shm"] {
                        let mut p = args.file.clone().into_os_string();
                        p.push(suffix);
                        match std::fs::remove_file(&p) {
                            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e)?,
                            _ => {}
                        }
                    }
                    format!("sqlite://{}", args.file.display())
                }
            };
            let db = open(&url).await?;
            if !demo::is_empty(&db).await? {
                anyhow::bail!("the demo needs an empty database; this one already has data");
            }
            let logins = demo::load(&db).await?;
            // The load (and its count of the kept figures) freed what it read: give it back.
            release_freed_memory();
            // Serve from fresh connections: the loading one's caches are not needed again.
            db.close().await;
            let db = Db::connect(&url).await?;
            release_freed_memory();
            println!(
                "Simandiri demo: data ready in {} ms",
                started.elapsed().as_millis()
            );
            println!(
                "Open http://{}/ and sign in with password {:?} as:",
                args.web.bind,
                demo::DEMO_PASSWORD
            );
            for l in &logins {
                println!("  {:<10} {:<36} {}", l.role.as_str(), l.email, l.org_name);
            }
            serve(db, args.web).await
        }
        Command::User {
            command:
                UserCommand::Create {
                    email,
                    role,
                    org,
                    name,
                    db,
                },
        } => {
            let role = Role::parse(&role).ok_or_else(|| {
                anyhow::anyhow!(
                    "unknown role {role:?} (admin, pembina, disnaker, forum, pengelola, mitra)"
                )
            })?;
            let mut password = String::new();
            std::io::stdin().read_to_string(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']);
            let db = open(&db.database_url).await?;
            let account = NewAccount {
                email: &email,
                name: &name,
                role,
                org_id: org,
                org_admin: false,
                password,
            };
            let created = accounts::create(&db, None, &account).await;
            db.close().await;
            match created {
                Ok(id) => {
                    println!("created user {id}");
                    Ok(())
                }
                Err(AppError::Invalid(errors)) => {
                    let list: Vec<String> = errors
                        .iter()
                        .map(|e| format!("{}: {}", e.field, e.code))
                        .collect();
                    anyhow::bail!("invalid input: {}", list.join(", "))
                }
                Err(e) => Err(anyhow::anyhow!("{e:?}")),
            }
        }
        Command::Generate(args) => {
            let db = open(&args.db.database_url).await?;
            let started = Instant::now();
            let s = generate::generate(&db, args.centres, args.seed).await;
            let t = match &s {
                Ok(_) => Some(crate::seed::trainings::generate(&db, args.seed, args.years).await),
                Err(_) => None,
            };
            let r = match &t {
                Some(Ok(_)) => {
                    Some(crate::seed::reports::generate(&db, args.seed, args.years).await)
                }
                _ => None,
            };
            let p = match &r {
                Some(Ok(_)) => {
                    Some(crate::seed::partnerships::generate(&db, args.seed, args.years).await)
                }
                _ => None,
            };
            let i = match &p {
                Some(Ok(_)) => {
                    Some(crate::seed::income::generate(&db, args.seed, args.years).await)
                }
                _ => None,
            };
            let v = match &i {
                Some(Ok(_)) => {
                    Some(crate::seed::visits::generate(&db, args.seed, args.years).await)
                }
                _ => None,
            };
            let f = crate::kernel::figures::recount(&db, true).await;
            db.close().await;
            f?;
            let s = s?;
            let t = t.transpose()?.unwrap_or_default();
            let r = r.transpose()?.unwrap_or_default();
            let p = p.transpose()?.unwrap_or_default();
            let i = i.transpose()?.unwrap_or_default();
            let (allocations, visits) = v.transpose()?.unwrap_or_default();
            println!(
                "generated {} centres, {} organisations, {} users, {} forum memberships, \
                 {} trainings, {} enrolments, {} outcomes, {} reports, {} partnerships, {} months of income, {} aid allocations, {} visits in {} ms",
                s.centres,
                s.orgs,
                s.users,
                s.forum_members,
                t.trainings,
                t.enrolments,
                t.outcomes,
                r,
                p,
                i,
                allocations,
                visits,
                started.elapsed().as_millis()
            );
            Ok(())
        }
    }
}

async fn serve(db: Db, args: WebArgs) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(args.bind).await?;
    tracing::info!(address = %listener.local_addr()?, "serving");
    let metrics = match args.metrics_bind {
        Some(addr) => {
            let l = tokio::net::TcpListener::bind(addr).await?;
            tracing::info!(address = %l.local_addr()?, "serving metrics");
            Some(l)
        }
        None => None,
    };
    let config = WebConfig {
        secure_cookies: args.secure_cookies,
        public_url: args.public_url.trim_end_matches('/').to_owned(),
        smtp_url: args.smtp_url.filter(|u| !u.is_empty()),
        mail_from: args.mail_from,
        files: crate::kernel::files::Files::open(&args.files)?,
    };
    let served = http::serve(db.clone(), config, listener, metrics, shutdown_signal()).await;
    // Closing checkpoints SQLite's write-ahead log into the database file.
    db.close().await;
    served
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
