//! The `simandiri` command, run as a real process.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_simandiri"))
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir()
        .join("simandiri-tests")
        .join(format!("cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn run(cmd: &mut Command, stdin: &str) -> (bool, String, String) {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn simandiri");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn user_create_reads_the_password_from_stdin_and_validates() {
    let dir = temp_dir("user");
    let url = format!("sqlite://{}", dir.join("cli.db").display());
    let (ok, out, err) = run(bin().args(["migrate", "--database-url", &url]), "");
    assert!(ok, "{out}{err}");
    let (ok, out, err) = run(
        bin().args([
            "user",
            "create",
            "--email",
            "Admin@Kemnaker.go.id",
            "--role",
            "admin",
            "--name",
            "Admin",
            "--database-url",
            &url,
        ]),
        "kata sandi rahasia\n",
    );
    assert!(ok, "{out}{err}");
    assert!(out.contains("created user"));
    let (ok, _, err) = run(
        bin().args([
            "user",
            "create",
            "--email",
            "x@contoh.id",
            "--role",
            "pembina",
            "--database-url",
            &url,
        ]),
        "kata sandi rahasia\n",
    );
    assert!(!ok);
    assert!(err.contains("org_id: required"), "{err}");
    let (ok, _, err) = run(
        bin().args([
            "user",
            "create",
            "--email",
            "y@contoh.id",
            "--role",
            "raja",
            "--database-url",
            &url,
        ]),
        "kata sandi rahasia\n",
    );
    assert!(!ok);
    assert!(err.contains("unknown role"), "{err}");
    let (ok, _, err) = run(
        bin().args([
            "user",
            "create",
            "--email",
            "z@contoh.id",
            "--role",
            "admin",
            "--database-url",
            &url,
        ]),
        "pendek\n",
    );
    assert!(!ok);
    assert!(err.contains("password: password_too_short"), "{err}");
    // The password never appears in the output.
    assert!(!err.contains("pendek"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn generate_reports_what_it_made() {
    let dir = temp_dir("generate");
    let url = format!("sqlite://{}", dir.join("gen.db").display());
    let (ok, out, err) = run(
        bin().args([
            "generate",
            "--centres",
            "60",
            "--seed",
            "3",
            "--database-url",
            &url,
        ]),
        "",
    );
    assert!(ok, "{out}{err}");
    assert!(out.contains("generated 60 centres"), "{out}");
    // The generated records are counted into the kept figures.
    let check = ["figures", "recount", "--check", "--database-url", &url];
    let (ok, out, err) = run(bin().args(check), "");
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("every kept figure equals its recount"),
        "{out}"
    );
    // A kept figure gone wrong (a restore, a hand edit) is found, listed and repaired.
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(async {
            let db = simandiri::kernel::db::Db::connect(&url).await.expect("db");
            let n = db
                .execute(simandiri::kernel::db::Sql::new(
                    "UPDATE figures SET value = value + 5 \
                     WHERE code = 'centres.active' AND node = 'nation'",
                ))
                .await
                .expect("tamper");
            assert_eq!(n, 1);
            db.close().await;
        });
    let (ok, out, _) = run(bin().args(check), "");
    assert!(!ok, "a difference fails the check: {out}");
    assert!(out.contains("centres.active now nation: kept "), "{out}");
    let repair = ["figures", "recount", "--database-url", &url];
    let (ok, out, err) = run(bin().args(repair), "");
    assert!(ok, "{out}{err}");
    assert!(out.contains("1 kept figures differed"), "{out}");
    let (ok, out, err) = run(bin().args(check), "");
    assert!(ok, "repaired: {out}{err}");
    let _ = std::fs::remove_dir_all(dir);
}

/// Resident memory of a process, in MiB.
fn rss_mib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("VmRSS");
    kib / 1024
}

/// `simandiri demo` makes a fresh database, prints one login per role, and serves, without
/// keeping the memory the load needed; a burst of failed sign-ins does not grow it either.
#[test]
fn demo_serves_with_one_login_per_role() {
    let dir = temp_dir("demo");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("free port")
        .local_addr()
        .expect("addr")
        .port();
    let mut child = bin()
        .current_dir(&dir)
        .args(["demo", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn demo");
    let deadline = Instant::now() + Duration::from_secs(120);
    let up = loop {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break true;
        }
        if Instant::now() > deadline {
            break false;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let after_load = up.then(|| rss_mib(child.id()));
    let after_burst = up.then(|| {
        // 64 failed sign-ins at once: the hashing is bounded, so is the memory.
        let threads: Vec<_> = (0..64)
            .map(|i| {
                std::thread::spawn(move || {
                    let body = format!(r#"{{"email":"x{i}@contoh.id","password":"salah sekali"}}"#);
                    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
                    let req = format!(
                        "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
                         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    std::io::Write::write_all(&mut s, req.as_bytes()).expect("send");
                    let mut answer = String::new();
                    let _ = std::io::Read::read_to_string(&mut s, &mut answer);
                    answer.split_whitespace().nth(1).unwrap_or_default().to_owned()
                })
            })
            .collect();
        let statuses: Vec<String> = threads.into_iter().map(|t| t.join().expect("thread")).collect();
        assert!(
            statuses.iter().all(|s| ["401", "429", "503"].contains(&s.as_str())),
            "{statuses:?}"
        );
        rss_mib(child.id())
    });
    let _ = child.kill();
    let out = child.wait_with_output().expect("wait");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(up, "demo started serving: {stdout}");
    // It was ~190 MiB when the load's freed memory was kept, and 1.4 GiB after 64 parallel
    // sign-ins when each hashed on a thread of its own. Now: what serving needs, plus one
    // 19 MiB Argon2 buffer per hashing thread (one per core).
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get() as u64);
    let bound = 64 + 20 * cores;
    let (after_load, after_burst) = (after_load.unwrap_or(0), after_burst.unwrap_or(0));
    assert!(
        after_load < bound,
        "{after_load} MiB resident after the demo load"
    );
    assert!(
        after_burst < bound + 16,
        "{after_burst} MiB resident after 64 parallel sign-ins"
    );
    for role in [
        "admin",
        "pembina",
        "disnaker",
        "forum",
        "pengelola",
        "mitra",
    ] {
        assert!(
            stdout.contains(&format!("{role}@demo.simandiri.test")),
            "{role} login printed: {stdout}"
        );
    }
    assert!(dir.join("simandiri-demo.db").exists());
    let _ = std::fs::remove_dir_all(dir);
}
