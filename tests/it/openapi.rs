//! The OpenAPI document holds together: every reference in it names a component it has
//! (a client generator or schemathesis stops at the first that does not).

use serde_json::Value;

use crate::support::TestApp;

fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => refs(x, out),
                }
            }
        }
        Value::Array(xs) => xs.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

#[tokio::test]
async fn every_reference_resolves() {
    let t = TestApp::reference(crate::support::Kind::Sqlite)
        .await
        .expect("sqlite is always available");
    let (s, doc) = t.anonymous().await.get_json("/api/openapi.json").await;
    assert_eq!(s, 200);
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.len() > 100, "{}", all.len());
    let missing: Vec<&String> = all
        .iter()
        .filter(|r| {
            let pointer = r.trim_start_matches('#');
            !r.starts_with("#/") || doc.pointer(pointer).is_none()
        })
        .collect();
    assert!(missing.is_empty(), "unresolvable references: {missing:?}");
}
