//! The code's shape, checked: the kernel uses no feature; inside a feature or a sub-feature
//! (a folder of its own under a feature), pages and API go through the service (never the
//! store or the database), and the model does no I/O; no source file grows past 800 lines. A
//! newcomer can trust the folder names.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = entry.path();
        if p.is_dir() {
            out.extend(rust_files(&p));
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
    out
}

/// The code of a file without its comments and its tests.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("read");
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn the_kernel_uses_no_feature() {
    for f in rust_files(&src().join("kernel")) {
        let c = code(&f);
        assert!(!c.contains("features::"), "{} uses a feature", f.display());
    }
}

/// At most this many lines in a source file: past it, a feature splits into sub-features and
/// a file into a folder of files.
const MAX_LINES: usize = 800;

#[test]
fn no_source_file_is_over_800_lines() {
    let mut long: Vec<String> = rust_files(&src())
        .into_iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(&f).expect("read").lines().count();
            (n > MAX_LINES).then(|| format!("{} has {n} lines", f.display()))
        })
        .collect();
    long.sort();
    assert!(
        long.is_empty(),
        "over {MAX_LINES} lines, split: {}",
        long.join("; ")
    );
}

/// The part of a feature a file is (`pages`, `api`, `model`, `service`, `store`), by its name,
/// or by its folder's when a part grew into a folder of files (`pages/batch.rs`).
fn part(f: &Path) -> Option<&str> {
    const PARTS: [&str; 5] = ["pages", "api", "model", "service", "store"];
    let stem = f.file_stem().and_then(|s| s.to_str());
    let folder = f
        .parent()
        .and_then(Path::file_name)
        .and_then(|s| s.to_str());
    [stem, folder]
        .into_iter()
        .flatten()
        .find(|n| PARTS.contains(n))
}

#[test]
fn pages_and_api_go_through_the_service() {
    let mut checked = 0;
    for p in rust_files(&src().join("features")) {
        match part(&p) {
            Some("pages" | "api") => {
                checked += 1;
                let c = code(&p);
                for forbidden in [
                    "store::",
                    "::store",
                    "Sql::",
                    "kernel::db",
                    ".fetch_",
                    "access::allow",
                    "access::admin",
                    "access::signed_in",
                    "is_admin()",
                    "can_administer",
                ] {
                    assert!(
                        !c.contains(forbidden),
                        "{} uses {forbidden}: pages and API call the service, which checks access",
                        p.display()
                    );
                }
            }
            Some("model") => {
                let c = code(&p);
                for forbidden in ["async fn", "kernel::db::{Db", "Tx", "store::"] {
                    assert!(
                        !c.contains(forbidden),
                        "{} has I/O ({forbidden})",
                        p.display()
                    );
                }
            }
            _ => {}
        }
    }
    assert!(checked >= 30, "{checked} files checked");
}

/// A feature split into sub-features (`trainings/batches`, `trainings/tracer`, ...) keeps the
/// same layering across them: a sub-feature's service calls another's service (which checks
/// access), never its store.
#[test]
fn sub_features_call_each_others_services_not_stores() {
    let mut checked = 0;
    for feature in std::fs::read_dir(src().join("features"))
        .expect("features")
        .flatten()
    {
        let subs: Vec<String> = std::fs::read_dir(feature.path())
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.path().join("service.rs").exists())
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        for sub in &subs {
            let service = feature.path().join(sub).join("service.rs");
            checked += 1;
            let c = code(&service);
            for other in subs.iter().filter(|o| *o != sub) {
                assert!(
                    !c.contains(&format!("{other}::store")),
                    "{} uses the store of {other}: call its service",
                    service.display()
                );
            }
        }
    }
    assert!(checked >= 5, "{checked} sub-features checked");
}

fn templates(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = entry.path();
        if p.is_dir() {
            out.extend(templates(&p));
        } else if p.extension().is_some_and(|e| e == "html") {
            out.push(p);
        }
    }
    out
}

/// A table wider than a phone scrolls in a box that the keyboard can reach and a screen
/// reader names: every such box comes from the one macro (`partials/table.html`).
#[test]
fn wide_tables_scroll_in_a_named_box_the_keyboard_reaches() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let partial = root.join("partials").join("table.html");
    let macro_text = std::fs::read_to_string(&partial).expect("the table macro");
    assert!(
        macro_text.contains(
            "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"{{ label }}\">"
        ),
        "{macro_text}"
    );
    let mut uses = 0;
    for f in templates(&root) {
        let text = std::fs::read_to_string(&f).expect("read");
        if f != partial {
            assert!(
                !text.contains("table-wrap"),
                "{} wraps a table itself; use tables::scroll",
                f.display()
            );
        }
        uses += text.matches("tables::scroll(").count();
    }
    assert!(uses > 15, "{uses} tables");
}

/// A feature reads another feature's data through that feature's published (service)
/// functions, never through its store.
#[test]
fn features_talk_through_functions() {
    let features = src().join("features");
    let names: Vec<String> = std::fs::read_dir(&features)
        .expect("features")
        .flatten()
        .filter(|d| d.path().is_dir())
        .map(|d| d.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.len() >= 10, "{names:?}");
    for own in &names {
        for f in rust_files(&features.join(own)) {
            let c = code(&f);
            for other in names.iter().filter(|n| *n != own) {
                let forbidden = format!("{other}::store");
                assert!(
                    !c.contains(&forbidden),
                    "{} uses {forbidden}: call {other}'s service instead",
                    f.display()
                );
            }
        }
    }
}
