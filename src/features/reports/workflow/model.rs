//! Reports: what a BLKK sends each period (values, the figures computed from its records,
//! corrections with a reason, the narrative), their workflow, and who may do what. No I/O
//! here.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::{Date, OffsetDateTime};

use crate::code_enum;
use crate::features::reports::period::Period;
use crate::features::reports::types::model::{Indicator, IndicatorKind, ReportTypeInput, Source};
use crate::kernel::access::{Actor, Role};
use crate::kernel::audit::Change;
use crate::kernel::code::Rupiah;
use crate::kernel::validate::{FieldErrors, Problem, check};

/// What the audit trail files reports under.
pub const REPORT: &str = "report";

pub const MAX_COUNT: i64 = 1_000_000_000;

/// Rp 100 billion: more than any BLKK reports in a period.
pub const MAX_RUPIAH: i64 = 100_000_000_000;

pub const MAX_TEXT: usize = 4000;

pub const MAX_REASON: usize = 500;

code_enum! {
    /// Where a report stands.
    pub enum ReportStatus {
        Draft = "draft",
        Submitted = "submitted",
        Verified = "verified",
        Returned = "returned",
    }
}

impl ReportStatus {
    /// The BLKK may still change it.
    pub fn editable(self) -> bool {
        matches!(self, ReportStatus::Draft | ReportStatus::Returned)
    }

    /// Counts as sent for completeness.
    pub fn sent(self) -> bool {
        matches!(self, ReportStatus::Submitted | ReportStatus::Verified)
    }
}

// ---- Reports -------------------------------------------------------------------------

/// The narrative of a report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Narrative {
    /// What the BLKK did in the period.
    pub activities: String,
    pub obstacles: String,
    pub plans: String,
    pub needs: String,
}

impl Narrative {
    fn validate(self, e: &mut FieldErrors) -> Narrative {
        Narrative {
            activities: e.take(
                "narrative.activities",
                check::optional(&self.activities, MAX_TEXT),
            ),
            obstacles: e.take(
                "narrative.obstacles",
                check::optional(&self.obstacles, MAX_TEXT),
            ),
            plans: e.take("narrative.plans", check::optional(&self.plans, MAX_TEXT)),
            needs: e.take("narrative.needs", check::optional(&self.needs, MAX_TEXT)),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.activities.is_empty()
            && self.obstacles.is_empty()
            && self.plans.is_empty()
            && self.needs.is_empty()
    }
}

/// What a BLKK sends: the version it read, the values by indicator code, a reason for each
/// value that differs from the computed one, and the narrative.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportBody {
    /// The report's `version` as read (or send it as `If-Match`); a save on an older one is
    /// refused (409), one without it too (428).
    #[serde(default, deserialize_with = "crate::kernel::validate::whole_number")]
    #[schema(minimum = 1)]
    pub version: Option<i64>,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub values: BTreeMap<String, Value>,
    #[serde(default)]
    pub corrections: BTreeMap<String, String>,
    #[serde(default)]
    pub narrative: Narrative,
}

/// A value as stored: numbers as whole units (percent in hundredths), or text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    Number(i64),
    Text(String),
}

impl Stored {
    /// As the API shows it.
    pub fn json(&self, kind: IndicatorKind) -> Value {
        match (self, kind) {
            (Stored::Number(n), IndicatorKind::Percent) => {
                serde_json::Number::from_f64(*n as f64 / 100.0).map_or(Value::Null, Value::Number)
            }
            (Stored::Number(n), _) => Value::from(*n),
            (Stored::Text(t), _) => Value::from(t.as_str()),
        }
    }

    /// As a page shows it and a form takes it back: `12,5` for a percent, `Rp 1.500.000`.
    pub fn text(&self, kind: IndicatorKind) -> String {
        match (self, kind) {
            (Stored::Number(n), IndicatorKind::Percent) => {
                let s = format!("{:.2}", *n as f64 / 100.0);
                s.trim_end_matches('0')
                    .trim_end_matches('.')
                    .replace('.', ",")
            }
            (Stored::Number(n), IndicatorKind::Rupiah) => Rupiah(*n).to_string(),
            (Stored::Number(n), _) => n.to_string(),
            (Stored::Text(t), _) => t.clone(),
        }
    }
}

/// Reads one value for `i`, from JSON (a number or text) or a form's text.
pub fn read_value(i: &Indicator, v: &Value) -> Result<Option<Stored>, Problem> {
    let text = match v {
        Value::Null => return Ok(None),
        Value::String(s) if s.trim().is_empty() => return Ok(None),
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        _ => return Err("invalid_format".into()),
    };
    match i.kind {
        IndicatorKind::Count | IndicatorKind::Rupiah => {
            let max = if i.kind == IndicatorKind::Count {
                MAX_COUNT
            } else {
                MAX_RUPIAH
            };
            // Rupiah may be written with thousands dots (`1.500.000`) in a form.
            let digits: String = if i.kind == IndicatorKind::Rupiah && !v.is_number() {
                text.trim_start_matches("Rp")
                    .trim()
                    .chars()
                    .filter(|c| *c != '.')
                    .collect()
            } else {
                text.clone()
            };
            let n: i64 = match digits.parse::<i64>() {
                Ok(n) => n,
                Err(_) => match digits.parse::<f64>() {
                    Ok(f) if f.fract() == 0.0 && f.abs() < 1e15 => f as i64,
                    _ => return Err("not_a_whole_number".into()),
                },
            };
            if !(0..=max).contains(&n) {
                return Err(Problem::out_of_range(0, max));
            }
            Ok(Some(Stored::Number(n)))
        }
        IndicatorKind::Percent => {
            let f: f64 = text
                .replace(',', ".")
                .trim_end_matches('%')
                .trim()
                .parse()
                .map_err(|_| Problem::from("not_a_number"))?;
            if !(0.0..=100.0).contains(&f) || !f.is_finite() {
                return Err(Problem::out_of_range(0, 100));
            }
            Ok(Some(Stored::Number((f * 100.0).round() as i64)))
        }
        IndicatorKind::Text => {
            if text.chars().count() > MAX_TEXT {
                return Err(Problem {
                    code: "too_long",
                    args: vec![("max", MAX_TEXT.to_string())],
                });
            }
            Ok(Some(Stored::Text(text)))
        }
        IndicatorKind::Choice => {
            if i.choices.contains(&text) {
                Ok(Some(Stored::Text(text)))
            } else {
                Err("invalid_choice".into())
            }
        }
    }
}

/// One indicator's line of a report: what was reported, what the records say, and why
/// they differ.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Line {
    pub value: Option<Stored>,
    pub computed: Option<Stored>,
    pub reason: String,
}

/// A body checked against the type's indicators and the computed figures. `submitting`
/// also requires every required indicator. Problems are named `values.<code>` and
/// `corrections.<code>`.
pub fn check_body(
    t: &ReportTypeInput,
    body: &ReportBody,
    computed: &BTreeMap<String, Stored>,
    submitting: bool,
) -> Result<(BTreeMap<String, Line>, Narrative), FieldErrors> {
    let mut e = FieldErrors::new();
    for code in body.values.keys().chain(body.corrections.keys()) {
        if t.indicator(code).is_none() {
            e.add(format!("values.{code}"), "unknown_indicator");
        }
    }
    let mut lines = BTreeMap::new();
    for i in &t.indicators {
        let field = format!("values.{}", i.code);
        let value = match body.values.get(&i.code).map(|v| read_value(i, v)) {
            Some(Ok(v)) => v,
            Some(Err(p)) => {
                e.add(field, p);
                continue;
            }
            None => None,
        };
        if submitting && i.required && value.is_none() {
            e.add(field.clone(), "required");
        }
        let reason = body
            .corrections
            .get(&i.code)
            .map(|r| r.trim().to_owned())
            .unwrap_or_default();
        if reason.chars().count() > MAX_REASON {
            e.add(
                format!("corrections.{}", i.code),
                Problem {
                    code: "too_long",
                    args: vec![("max", MAX_REASON.to_string())],
                },
            );
        }
        let computed = computed.get(&i.code).cloned();
        let differs = computed.is_some() && value.is_some() && value != computed;
        if differs && reason.is_empty() {
            e.add(format!("corrections.{}", i.code), "reason_required");
        }
        lines.insert(
            i.code.clone(),
            Line {
                value,
                computed,
                reason: if differs { reason } else { String::new() },
            },
        );
    }
    let narrative = body.narrative.clone().validate(&mut e);
    e.finish((lines, narrative))
}

/// What a save changed, for the history: each indicator's value (`values.<code>`) and the
/// reason for a difference (`corrections.<code>`), in the type's order, then each part of
/// the narrative (`narrative.<part>`), old and new as people read them (`Rp 1.500.000`,
/// `12,5`), nothing as `null`.
pub fn changes(
    t: &ReportTypeInput,
    before: (&BTreeMap<String, Line>, &Narrative),
    after: (&BTreeMap<String, Line>, &Narrative),
) -> Vec<Change> {
    let text = |v: Option<String>| v.filter(|s| !s.is_empty()).map_or(Value::Null, Value::from);
    let mut out = Vec::new();
    let mut compare = |field: String, old: Value, new: Value| {
        if old != new {
            out.push(Change { field, old, new });
        }
    };
    for i in &t.indicators {
        let line = |lines: &BTreeMap<String, Line>| lines.get(&i.code).cloned().unwrap_or_default();
        let (old, new) = (line(before.0), line(after.0));
        let value = |l: &Line| text(l.value.as_ref().map(|v| v.text(i.kind)));
        compare(format!("values.{}", i.code), value(&old), value(&new));
        compare(
            format!("corrections.{}", i.code),
            text(Some(old.reason)),
            text(Some(new.reason)),
        );
    }
    let parts = |n: &Narrative| {
        [
            ("activities", n.activities.clone()),
            ("obstacles", n.obstacles.clone()),
            ("plans", n.plans.clone()),
            ("needs", n.needs.clone()),
        ]
    };
    for ((part, old), (_, new)) in parts(before.1).into_iter().zip(parts(after.1)) {
        compare(
            format!("narrative.{part}"),
            text(Some(old)),
            text(Some(new)),
        );
    }
    out
}

/// A report as stored, without its lines.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ReportHead {
    pub id: i64,
    pub type_id: i64,
    pub type_name: String,
    pub centre_id: i64,
    pub centre_name: String,
    pub period: String,
    #[serde(with = "crate::kernel::time::ymd")]
    #[schema(value_type = String, format = Date)]
    pub due_date: Date,
    #[serde(with = "crate::kernel::time::ymd")]
    #[schema(value_type = String, format = Date)]
    pub closes_date: Date,
    pub status: ReportStatus,
    pub version: i64,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub submitted_at: Option<OffsetDateTime>,
    /// First sent by the due date.
    pub on_time: Option<bool>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub verified_at: Option<OffsetDateTime>,
    #[serde(skip)]
    pub pembina_id: Option<i64>,
    #[serde(skip)]
    pub province_code: String,
    #[serde(skip)]
    pub regency_code: String,
}

impl ReportHead {
    pub fn parsed_period(&self) -> Option<Period> {
        Period::parse(&self.period)
    }
}

/// One indicator of a report as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct LineView {
    pub code: String,
    pub label: String,
    pub kind: IndicatorKind,
    pub required: bool,
    pub source: Option<Source>,
    /// A number, a text, or `null` when not given.
    #[schema(value_type = Value)]
    pub value: Value,
    /// The figure computed from the BLKK's records (`null` when the indicator has none).
    #[schema(value_type = Value)]
    pub computed: Value,
    /// Why the reported value differs from the computed one.
    pub reason: String,
    #[serde(skip)]
    pub choices: Vec<String>,
    #[serde(skip)]
    pub value_text: String,
    #[serde(skip)]
    pub computed_text: String,
}

/// A report: its head, its lines and narrative.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Report {
    #[serde(flatten)]
    pub head: ReportHead,
    pub lines: Vec<LineView>,
    pub narrative: Narrative,
    /// The values by indicator code (as in a body).
    #[schema(value_type = Object)]
    pub values: BTreeMap<String, Value>,
    /// The computed figures by indicator code.
    #[schema(value_type = Object)]
    pub computed: BTreeMap<String, Value>,
    pub corrections: BTreeMap<String, String>,
    /// Photos and documents attached, oldest first.
    pub attachments: Vec<crate::kernel::attachments::Attachment>,
}

/// At most this many files on one report.
pub const MAX_ATTACHMENTS: i64 = 20;

// ---- Who may do what -----------------------------------------------------------------

/// Writes the BLKK's reports: its own manager.
pub fn can_write(actor: &Actor, centre_id: i64) -> bool {
    actor.role == Role::Pengelola && actor.org_id == Some(centre_id)
}

/// Verifies or returns a report: the BLKK's pembina UPTP.
pub fn can_verify(actor: &Actor, pembina_id: Option<i64>) -> bool {
    actor.role == Role::Pembina && actor.org_id.is_some() && actor.org_id == pembina_id
}

/// Reopens a verified report: its pembina or a ministry admin.
pub fn can_reopen(actor: &Actor, pembina_id: Option<i64>) -> bool {
    actor.is_admin() || can_verify(actor, pembina_id)
}

/// Takes part in the conversation: the BLKK's manager and its pembina (others in scope read).
pub fn can_comment(actor: &Actor, centre_id: i64, pembina_id: Option<i64>) -> bool {
    can_write(actor, centre_id) || can_verify(actor, pembina_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::reports::types::model::tests::monthly;
    use serde_json::json;

    #[test]
    fn values_are_read_by_kind_and_a_correction_needs_a_reason() {
        let t = monthly().validate().unwrap();
        let computed = BTreeMap::from([
            ("peserta".to_owned(), Stored::Number(16)),
            ("respons".to_owned(), Stored::Number(7550)),
        ]);
        let body = |values: Value, corrections: Value| ReportBody {
            version: Some(1),
            values: serde_json::from_value(values).unwrap(),
            corrections: serde_json::from_value(corrections).unwrap(),
            narrative: Narrative::default(),
        };
        // Same as computed: no reason needed; a draft may leave values out.
        let (lines, _) = check_body(
            &t,
            &body(json!({"peserta": 16, "respons": "75,5"}), json!({})),
            &computed,
            false,
        )
        .unwrap();
        assert_eq!(lines["respons"].value, Some(Stored::Number(7550)));
        // Different: the reason is required; submitting requires every required value.
        let e = check_body(
            &t,
            &body(json!({"peserta": 15}), json!({})),
            &computed,
            true,
        )
        .unwrap_err();
        assert_eq!(e.get("corrections.peserta"), Some("reason_required"));
        assert_eq!(e.get("values.pendapatan"), Some("required"));
        let (lines, _) = check_body(
            &t,
            &body(
                json!({"peserta": 15, "pendapatan": "Rp 1.500.000", "respons": 75.5, "sarana": "ya"}),
                json!({"peserta": "Satu peserta pindah ke angkatan berikutnya."}),
            ),
            &computed,
            true,
        )
        .unwrap();
        assert_eq!(lines["peserta"].computed, Some(Stored::Number(16)));
        assert_eq!(lines["pendapatan"].value, Some(Stored::Number(1_500_000)));
        assert!(lines["peserta"].reason.starts_with("Satu peserta"));
        // Bad values, each named.
        let e = check_body(
            &t,
            &body(
                json!({"peserta": -1, "pendapatan": 1.5, "respons": 101, "sarana": "mungkin", "warna": 1}),
                json!({}),
            ),
            &computed,
            false,
        )
        .unwrap_err();
        assert_eq!(e.get("values.peserta"), Some("out_of_range"));
        assert_eq!(e.get("values.pendapatan"), Some("not_a_whole_number"));
        assert_eq!(e.get("values.respons"), Some("out_of_range"));
        assert_eq!(e.get("values.sarana"), Some("invalid_choice"));
        assert_eq!(e.get("values.warna"), Some("unknown_indicator"));
        let e = check_body(
            &t,
            &body(json!({"pendapatan": 100_000_000_001_i64}), json!({})),
            &computed,
            false,
        )
        .unwrap_err();
        assert_eq!(e.get("values.pendapatan"), Some("out_of_range"));
    }

    #[test]
    fn values_shown_on_a_page_read_back_the_same() {
        let t = monthly().validate().unwrap();
        for (code, stored) in [
            ("pendapatan", Stored::Number(2_500_000)),
            ("respons", Stored::Number(7059)),
            ("peserta", Stored::Number(16)),
        ] {
            let i = t.indicator(code).unwrap();
            let shown = stored.text(i.kind);
            let back = read_value(i, &Value::String(shown.clone())).unwrap();
            assert_eq!(back, Some(stored), "{code}: {shown}");
        }
        let i = t.indicator("pendapatan").unwrap();
        assert_eq!(Stored::Number(2_500_000).text(i.kind), "Rp 2.500.000");
        let i = t.indicator("respons").unwrap();
        assert_eq!(Stored::Number(7059).text(i.kind), "70,59");
    }
}
