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
    let _ = std::fs::remove_dir_all(dir);
}

/// `simandiri demo` makes a fresh database, prints one login per role, and serves.
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
    let _ = child.kill();
    let out = child.wait_with_output().expect("wait");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(up, "demo started serving: {stdout}");
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
