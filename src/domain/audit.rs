//! The audit trail's unit: which fields changed, from what, to what.

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Change {
    pub field: String,
    #[schema(value_type = Object)]
    pub old: Value,
    #[schema(value_type = Object)]
    pub new: Value,
}

/// The fields whose values differ between two snapshots of one record. A field present in
/// only one snapshot counts as changed from/to `null`.
pub fn diff(old: &[(&str, Value)], new: &[(&str, Value)]) -> Vec<Change> {
    let get = |list: &[(&str, Value)], f: &str| {
        list.iter()
            .find(|(k, _)| *k == f)
            .map(|(_, v)| v.clone())
            .unwrap_or(Value::Null)
    };
    let mut fields: Vec<&str> = old.iter().map(|(k, _)| *k).collect();
    for (k, _) in new {
        if !fields.contains(k) {
            fields.push(k);
        }
    }
    fields
        .into_iter()
        .filter_map(|f| {
            let (o, n) = (get(old, f), get(new, f));
            (o != n).then(|| Change {
                field: f.to_owned(),
                old: o,
                new: n,
            })
        })
        .collect()
}

/// A record's creation, as changes from nothing. Empty values are left out.
pub fn created(new: &[(&str, Value)]) -> Vec<Change> {
    let filled: Vec<(&str, Value)> = new.iter().filter(|(_, v)| !is_empty(v)).cloned().collect();
    diff(&[], &filled)
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_changed_fields_are_kept() {
        let old = [("name", json!("A")), ("year", json!(2019))];
        let new = [("name", json!("B")), ("year", json!(2019)), ("x", json!(1))];
        let d = diff(&old, &new);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].field, "name");
        assert_eq!(d[0].old, json!("A"));
        assert_eq!(d[1].field, "x");
        assert_eq!(d[1].old, Value::Null);
    }

    #[test]
    fn creation_lists_every_filled_field() {
        let d = created(&[
            ("name", json!("A")),
            ("lat", Value::Null),
            ("street", json!("")),
            ("forums", json!([])),
        ]);
        assert_eq!(d.len(), 1);
    }
}
