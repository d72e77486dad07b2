//! Benchmark helper for bench/run.sh: N BLKK managers send this month's activity report at
//! once, over HTTP, against a running Simandiri on a generated database; then how long until
//! the national compliance figures show every one of them.
//!
//!   cargo run --release --example submit -- --base http://127.0.0.1:PORT \
//!       --database-url URL --admin EMAIL --password PW [--n 500]
//!
//! The generated managers' accounts share a password nobody knows; this gives N of them the
//! admin's (copying its hash), signs each in through `POST /api/v1/session` (a few at a
//! time, as the sign-in limits allow), then starts all N submissions together: open the
//! report (`POST /api/v1/reports`), save it with the figures as filled in, send it. Prints
//! one line: `SUBMIT_RESULT n=.. ok=.. failed=.. wall_ms=.. p50_ms=.. p99_ms=.. max_ms=..
//! visible_ms=.. sent=..`.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use simandiri::features::reports::period::{Frequency, Period};
use simandiri::kernel::db::{Db, Sql};
use simandiri::kernel::time::today;

struct Args {
    base: String,
    database_url: String,
    admin: String,
    password: String,
    n: usize,
}

fn args() -> Result<Args> {
    let mut a = Args {
        base: String::new(),
        database_url: String::new(),
        admin: String::new(),
        password: String::new(),
        n: 500,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next().with_context(|| format!("{k} needs a value"))?;
        match k.as_str() {
            "--base" => a.base = v,
            "--database-url" => a.database_url = v,
            "--admin" => a.admin = v,
            "--password" => a.password = v,
            "--n" => a.n = v.parse()?,
            _ => bail!("unknown argument {k}"),
        }
    }
    if a.base.is_empty() || a.database_url.is_empty() || a.admin.is_empty() {
        bail!("--base, --database-url, --admin and --password are required");
    }
    Ok(a)
}

fn client() -> Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .cookie_store(true)
        .timeout(Duration::from_secs(120))
        .build()?)
}

async fn sign_in(base: &str, email: &str, password: &str) -> Result<reqwest::Client> {
    let c = client()?;
    let r = c
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await?;
    if !r.status().is_success() {
        bail!("signing in {email}: {}", r.status());
    }
    Ok(c)
}

async fn call(c: &reqwest::Client, method: &str, url: String, body: Value) -> Result<Value> {
    let r = c.request(method.parse()?, url).json(&body).send().await?;
    let status = r.status();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        bail!("{status}: {v}");
    }
    Ok(v)
}

/// Opens, saves and sends one BLKK's report of `period`.
async fn submit(
    c: &reqwest::Client,
    base: &str,
    type_id: i64,
    centre: i64,
    period: &str,
) -> Result<()> {
    let r = call(
        c,
        "POST",
        format!("{base}/api/v1/reports"),
        json!({"type_id": type_id, "centre_id": centre, "period": period}),
    )
    .await?;
    let id = r["id"].as_i64().context("an id")?;
    let mut values = r["values"].clone();
    values["kondisi_sarana"] = json!("baik");
    let saved = call(
        c,
        "PUT",
        format!("{base}/api/v1/reports/{id}"),
        json!({"version": r["version"], "values": values, "narrative": {"activities": "Uji beban."}}),
    )
    .await?;
    call(
        c,
        "POST",
        format!("{base}/api/v1/reports/{id}/submit"),
        json!({"version": saved["version"]}),
    )
    .await?;
    Ok(())
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() -> Result<()> {
    let a = args()?;
    let db = Db::connect(&a.database_url).await?;
    let (type_id,): (i64,) = db
        .fetch_one(Sql::new(
            "SELECT id FROM report_types WHERE code = 'kegiatan_bulanan'",
        ))
        .await
        .context("the monthly report type (run generate first)")?;
    let period = Period::containing(Frequency::Bulanan, today()).to_string();
    let managers: Vec<(i64, String, i64)> = db
        .fetch_all(
            Sql::new(
                "SELECT u.id, u.email, u.org_id FROM users u JOIN centres c ON c.org_id = u.org_id \
                 WHERE u.role = 'pengelola' AND u.active = $1 AND c.status = 'aktif' \
                 AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.centre_id = c.org_id \
                 AND r.type_id = $2 AND r.period = $3) ORDER BY u.id LIMIT $4",
            )
            .arg(true)
            .arg(type_id)
            .arg(period.as_str())
            .arg(a.n as i64),
        )
        .await?;
    if managers.len() < a.n {
        bail!(
            "only {} managers without this month's report",
            managers.len()
        );
    }
    let mut sql = Sql::new(
        "UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE email = $1) \
         WHERE id IN ",
    )
    .arg(a.admin.as_str());
    sql.push_list(managers.iter().map(|(id, _, _)| *id));
    db.execute(sql).await?;

    // Sign in a few at a time (the sign-in limit per client address counts attempts).
    let mut clients = Vec::with_capacity(a.n);
    for chunk in managers.chunks(8) {
        let signed: Vec<_> = futures_util::future::join_all(
            chunk
                .iter()
                .map(|(_, email, _)| sign_in(&a.base, email, &a.password)),
        )
        .await;
        for c in signed {
            clients.push(c?);
        }
    }
    let admin = sign_in(&a.base, &a.admin, &a.password).await?;
    let compliance = format!(
        "{}/api/v1/compliance?type={type_id}&period={period}&scope=nation",
        a.base
    );
    let before = call(&admin, "GET", compliance.clone(), Value::Null).await;
    let sent_before = before.ok().and_then(|v| v["sent"].as_i64()).unwrap_or(0);

    // All at once.
    let started = Instant::now();
    let tasks: Vec<_> = clients
        .into_iter()
        .zip(&managers)
        .map(|(c, (_, _, centre))| {
            let (base, period, centre) = (a.base.clone(), period.clone(), *centre);
            tokio::spawn(async move {
                let t = Instant::now();
                let r = submit(&c, &base, type_id, centre, &period).await;
                (r, t.elapsed().as_secs_f64() * 1000.0)
            })
        })
        .collect();
    let mut ok = 0;
    let mut failed = Vec::new();
    let mut times = Vec::new();
    for t in tasks {
        let (r, ms) = t.await?;
        times.push(ms);
        match r {
            Ok(()) => ok += 1,
            Err(e) => failed.push(e.to_string()),
        }
    }
    let wall = started.elapsed();
    let done = Instant::now();
    // How long until the national figures show them all.
    let mut sent = 0;
    while done.elapsed() < Duration::from_secs(60) {
        let v = call(&admin, "GET", compliance.clone(), Value::Null).await?;
        sent = v["sent"].as_i64().unwrap_or(0);
        if sent >= sent_before + ok as i64 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let visible = done.elapsed();
    times.sort_by(f64::total_cmp);
    for f in failed.iter().take(5) {
        eprintln!("failed: {f}");
    }
    println!(
        "SUBMIT_RESULT n={} ok={ok} failed={} wall_ms={:.0} p50_ms={:.0} p99_ms={:.0} max_ms={:.0} visible_ms={:.1} sent={}",
        a.n,
        failed.len(),
        wall.as_secs_f64() * 1000.0,
        pct(&times, 0.5),
        pct(&times, 0.99),
        pct(&times, 1.0),
        visible.as_secs_f64() * 1000.0,
        sent - sent_before,
    );
    db.close().await;
    Ok(())
}
