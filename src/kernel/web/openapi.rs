//! The OpenAPI document, finished at start-up: what the derived schemas cannot say by
//! themselves (who must sign in, a creation's required fields, bounds that move with the
//! calendar) is set here, so the document tells the truth about the API.

use serde_json::{Value, json};

/// The name of the session cookie scheme in the document (`security(("session" = []))`).
pub const SESSION: &str = "session";

/// The generated document as JSON, to finish.
pub struct Doc(pub Value);

impl Doc {
    pub fn new(doc: &utoipa::openapi::OpenApi) -> Doc {
        let mut v = serde_json::to_value(doc).unwrap_or_else(|_| json!({}));
        // `#[serde(default)]` makes utoipa announce `"default": null`, which a client would
        // read as a value to send; absent means "unchanged" here.
        if let Some(schemas) = v
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
        {
            for schema in schemas.values_mut() {
                if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
                    for p in props.values_mut() {
                        if let Some(p) = p.as_object_mut()
                            && p.get("default") == Some(&Value::Null)
                        {
                            p.remove("default");
                        }
                    }
                }
            }
        }
        // Every optional query parameter takes an empty value as "not given" (forms send
        // empty fields).
        if let Some(paths) = v.get_mut("paths").and_then(Value::as_object_mut) {
            for op in paths
                .values_mut()
                .filter_map(Value::as_object_mut)
                .flat_map(|m| m.values_mut())
            {
                for p in op
                    .get_mut("parameters")
                    .and_then(Value::as_array_mut)
                    .into_iter()
                    .flatten()
                {
                    if p["in"] == "query" && p["required"] != Value::Bool(true) {
                        p["allowEmptyValue"] = Value::Bool(true);
                    }
                }
            }
        }
        // No text may hold a NUL character (refused with 400): say so on every free string.
        if let Some(schemas) = v.pointer_mut("/components/schemas") {
            forbid_nul(schemas);
        }
        if let Some(paths) = v.get_mut("paths") {
            forbid_nul(paths);
        }
        // Every update that must name the version it was based on (it documents 428) also
        // takes it as `If-Match`, with the ETag a read returned.
        if let Some(paths) = v.get_mut("paths").and_then(Value::as_object_mut) {
            for op in paths
                .values_mut()
                .filter_map(Value::as_object_mut)
                .flat_map(|m| m.values_mut())
                .filter(|op| op.pointer("/responses/428").is_some())
            {
                let params = op
                    .as_object_mut()
                    .map(|o| o.entry("parameters").or_insert_with(|| json!([])));
                if let Some(Value::Array(params)) = params {
                    params.push(json!({
                        "name": "If-Match", "in": "header", "required": false,
                        "description": "The ETag of the record as read (`\"7\"`), instead of \
                            `version` in the body. An empty value is the same as none.",
                        "schema": {"type": "string",
                            "pattern": "^(\\s*|(W/)?\"[1-9][0-9]{0,17}\")$"}
                    }));
                }
            }
        }
        // The session cookie set by `POST /api/v1/session`.
        v["components"]["securitySchemes"][SESSION] = json!({
            "type": "apiKey", "in": "cookie", "name": "simandiri_session",
            "description": "Set by POST /api/v1/session."
        });
        Doc(v)
    }

    /// A property of a component schema, if both exist.
    pub fn property(&mut self, schema: &str, property: &str) -> Option<&mut Value> {
        self.0.pointer_mut(&format!(
            "/components/schemas/{schema}/properties/{property}"
        ))
    }

    /// Sets `key` of a property of a schema.
    pub fn set(&mut self, schema: &str, property: &str, key: &str, value: Value) {
        if let Some(p) = self
            .property(schema, property)
            .and_then(Value::as_object_mut)
        {
            p.insert(key.to_owned(), value);
        }
    }

    /// Makes `to` a copy of `from` in which `required` must be present and not null: the
    /// schema of creating a record whose changes use `from`.
    pub fn creation(&mut self, from: &str, to: &str, required: &[String]) {
        let Some(mut schema) = self
            .0
            .pointer(&format!("/components/schemas/{from}"))
            .cloned()
        else {
            return;
        };
        schema["required"] = json!(required);
        if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
            for name in required {
                if let Some(ty) = props.get_mut(name).and_then(|p| p.get_mut("type"))
                    && let Some(types) = ty.as_array()
                {
                    let kept: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
                    *ty = if kept.len() == 1 {
                        kept[0].clone()
                    } else {
                        Value::Array(kept)
                    };
                }
            }
        }
        self.0["components"]["schemas"][to] = schema;
    }
}

/// The pattern of text without NUL characters.
pub const NO_NUL: &str = "^[^\\u0000]*$";

/// Adds [`NO_NUL`] to every string schema below `v` that has no pattern, choices or format
/// of its own, and to the keys of every map (an object open to more properties).
fn forbid_nul(v: &mut Value) {
    match v {
        Value::Object(m) => {
            let is_string = match m.get("type") {
                Some(Value::String(t)) => t == "string",
                Some(Value::Array(ts)) => ts.iter().any(|t| t == "string"),
                _ => false,
            };
            if is_string
                && !m.contains_key("pattern")
                && !m.contains_key("enum")
                && !m.contains_key("format")
            {
                m.insert("pattern".into(), Value::String(NO_NUL.into()));
            }
            let is_map = matches!(m.get("type"), Some(Value::String(t)) if t == "object")
                && m.get("additionalProperties") != Some(&Value::Bool(false))
                && !m.contains_key("propertyNames");
            if is_map {
                m.insert("propertyNames".into(), json!({"pattern": NO_NUL}));
            }
            for child in m.values_mut() {
                forbid_nul(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(forbid_nul),
        _ => {}
    }
}

/// Declares the schema of creating a record whose changes use `$input`: the same fields,
/// under another name, which [`Doc::creation`] then marks required.
#[macro_export]
macro_rules! creation_schema {
    ($(#[$meta:meta])* $name:ident, $input:ty) => {
        $(#[$meta])*
        pub struct $name;

        impl ::utoipa::PartialSchema for $name {
            fn schema() -> ::utoipa::openapi::RefOr<::utoipa::openapi::schema::Schema> {
                <$input as ::utoipa::PartialSchema>::schema()
            }
        }

        impl ::utoipa::ToSchema for $name {
            fn name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(stringify!($name))
            }

            fn schemas(
                schemas: &mut Vec<(
                    String,
                    ::utoipa::openapi::RefOr<::utoipa::openapi::schema::Schema>,
                )>,
            ) {
                <$input as ::utoipa::ToSchema>::schemas(schemas);
            }
        }
    };
}
