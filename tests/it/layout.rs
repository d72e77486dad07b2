//! The code's shape, checked: the kernel uses no feature; inside a feature, pages and API go
//! through the service (never the store or the database), and the model does no I/O. A
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

#[test]
fn pages_and_api_go_through_the_service() {
    let features = src().join("features");
    let mut checked = 0;
    for dir in std::fs::read_dir(&features).expect("features").flatten() {
        if !dir.path().is_dir() {
            continue;
        }
        for file in ["pages.rs", "api.rs"] {
            let p = dir.path().join(file);
            if !p.exists() {
                continue;
            }
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
        let model = dir.path().join("model.rs");
        if model.exists() {
            let c = code(&model);
            for forbidden in ["async fn", "kernel::db::{Db", "Tx", "store::"] {
                assert!(
                    !c.contains(forbidden),
                    "{} has I/O ({forbidden})",
                    model.display()
                );
            }
        }
    }
    assert!(checked >= 8, "{checked} files checked");
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
