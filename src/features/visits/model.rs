//! Monitoring visits (monev): a pembina's visit to a BLKK in its scope, the instrument's
//! answers (its questions are data), findings with severity and photos, and follow-up
//! actions the BLKK answers and the pembina closes. No I/O here.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::{Date, OffsetDateTime};

use crate::code_enum;
use crate::kernel::access::{Actor, Role};
use crate::kernel::validate::{FieldErrors, check};

/// What the audit trail files visits and actions under.
pub const VISIT: &str = "visit";
pub const ACTION: &str = "visit_action";
/// What photos of a finding are filed under.
pub const FINDING: &str = "visit_finding";
/// Photos on one finding, evidence files on one action.
pub const MAX_FILES: i64 = 10;

/// The first year a visit or an action may be dated (the first BLKK opened in 2017); a visit
/// is planned at most for next year, an action falls due at most the year after.
pub use crate::features::centres::model::FIRST_AID_YEAR as FIRST_YEAR;

/// An answer to a visit question, as the API documents it: `ya`/`tidak` or text, a score
/// from 1 to 5, or `null` for none (answers are kept as JSON values and checked against their
/// question).
pub struct Answer;

impl utoipa::PartialSchema for Answer {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{SchemaType, Type};
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([
                Type::String,
                Type::Integer,
                Type::Null,
            ]))
            .into()
    }
}

impl utoipa::ToSchema for Answer {}

code_enum! {
    pub enum VisitStatus {
        /// Planned.
        Rencana = "rencana",
        /// Done.
        Selesai = "selesai",
        /// Called off.
        Batal = "batal",
    }
}

code_enum! {
    pub enum Severity {
        Rendah = "rendah",
        Sedang = "sedang",
        Tinggi = "tinggi",
    }
}

code_enum! {
    pub enum ActionStatus {
        /// Waiting for the BLKK.
        Terbuka = "terbuka",
        /// Answered by the BLKK, waiting for the pembina.
        Dijawab = "dijawab",
        /// Closed by the pembina.
        Selesai = "selesai",
    }
}

code_enum! {
    /// How a question is answered.
    pub enum QuestionKind {
        /// `ya` or `tidak`.
        YaTidak = "ya_tidak",
        /// A score from 1 to 5.
        Skor = "skor",
        /// Free text.
        Teks = "teks",
    }
}

/// A question of the monitoring instrument.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Question {
    pub code: String,
    pub label_id: String,
    pub label_en: String,
    pub kind: QuestionKind,
}

/// Checks answers against the instrument: known codes, `ya`/`tidak`, 1–5, text up to 1,000
/// characters (errors as `answers.<code>`). Empty answers are left out.
pub fn check_answers(
    questions: &[Question],
    given: &BTreeMap<String, Value>,
) -> Result<BTreeMap<String, Value>, FieldErrors> {
    let mut e = FieldErrors::new();
    let mut out = BTreeMap::new();
    for (code, v) in given {
        let field = format!("answers.{code}");
        let Some(q) = questions.iter().find(|q| &q.code == code) else {
            e.add(field, "unknown_question");
            continue;
        };
        let text = match v {
            Value::Null => continue,
            Value::String(s) => s.trim().to_owned(),
            Value::Number(n) => n.to_string(),
            _ => {
                e.add(field, "invalid_choice");
                continue;
            }
        };
        if text.is_empty() {
            continue;
        }
        match q.kind {
            QuestionKind::YaTidak if text == "ya" || text == "tidak" => {
                out.insert(code.clone(), Value::String(text));
            }
            QuestionKind::YaTidak => e.add(field, "invalid_choice"),
            QuestionKind::Skor => match check::int_in(&text, 1, 5) {
                Ok(Some(n)) => {
                    out.insert(code.clone(), Value::from(n));
                }
                Ok(None) => {}
                Err(p) => e.add(field, p),
            },
            QuestionKind::Teks => match check::optional(&text, 1000) {
                Ok(t) => {
                    out.insert(code.clone(), Value::String(t));
                }
                Err(p) => e.add(field, p),
            },
        }
    }
    e.finish(out)
}

/// A visit to plan.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NewVisit {
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[schema(minimum = 1)]
    pub centre_id: Option<i64>,
    /// `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub planned_date: String,
    #[schema(min_length = 1, max_length = 500)]
    pub purpose: String,
    /// The aid program it checks, if any.
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[schema(minimum = 1)]
    pub aid_program_id: Option<i64>,
}

/// What a visit records on the spot: when it happened, the answers, a summary, and its
/// status (`selesai` when done, `batal` when called off).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct VisitUpdate {
    /// The version read.
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[schema(minimum = 1)]
    pub version: Option<i64>,
    /// `YYYY-MM-DD`, not in the future.
    #[schema(format = Date)]
    pub visited_date: Option<String>,
    /// By question code: `ya`/`tidak`, 1–5, or text.
    #[schema(value_type = BTreeMap<String, Answer>)]
    pub answers: BTreeMap<String, Value>,
    #[schema(max_length = 4000)]
    pub summary: Option<String>,
    pub status: Option<VisitStatus>,
}

/// A visit as stored and shown.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct VisitRecord {
    pub id: i64,
    pub centre_id: i64,
    pub centre_name: String,
    pub pembina_id: i64,
    pub pembina_name: String,
    pub aid_program_id: Option<i64>,
    pub aid_program_name: Option<String>,
    pub purpose: String,
    #[serde(with = "crate::kernel::time::ymd")]
    #[schema(value_type = String, format = Date)]
    pub planned_date: Date,
    #[serde(with = "crate::kernel::time::ymd::option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub visited_date: Option<Date>,
    pub status: VisitStatus,
    /// By question code.
    #[sqlx(skip)]
    #[schema(value_type = BTreeMap<String, Answer>)]
    pub answers: BTreeMap<String, Value>,
    #[serde(skip)]
    pub answers_json: String,
    pub summary: String,
    /// Actions still open, and of those past their due date.
    pub open_actions: i64,
    pub overdue_actions: i64,
    pub version: i64,
}

/// A follow-up action as given with a finding.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NewAction {
    #[schema(min_length = 1, max_length = 1000)]
    pub text: String,
    /// Who at the BLKK does it.
    #[schema(min_length = 1, max_length = 200)]
    pub owner: String,
    /// `YYYY-MM-DD`, not before the visit.
    #[schema(format = Date)]
    pub due_date: String,
}

/// A finding and the actions agreed on it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NewFinding {
    #[schema(min_length = 1, max_length = 2000)]
    pub text: String,
    #[schema(value_type = Severity)]
    pub severity: String,
    pub actions: Vec<NewAction>,
}

/// A checked action.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionDraft {
    pub text: String,
    pub owner: String,
    pub due_date: Date,
}

impl NewFinding {
    /// Checks a finding made at a visit on `visit_day`: its actions fall due on or after it.
    pub fn validate(
        &self,
        visit_day: Date,
    ) -> Result<(String, Severity, Vec<ActionDraft>), FieldErrors> {
        let mut e = FieldErrors::new();
        let text = e.take("text", check::required(&self.text, 2000));
        let severity = match Severity::parse(self.severity.trim()) {
            Some(s) => Some(s),
            None => {
                e.add(
                    "severity",
                    if self.severity.trim().is_empty() {
                        "required"
                    } else {
                        "invalid_choice"
                    },
                );
                None
            }
        };
        let mut actions = Vec::new();
        for (i, a) in self.actions.iter().enumerate() {
            let f = |name: &str| format!("actions.{i}.{name}");
            let mut required = |name: &str, v: &str, max: usize| match check::required(v, max) {
                Ok(t) => t,
                Err(p) => {
                    e.add(f(name), p);
                    String::new()
                }
            };
            let text = required("text", &a.text, 1000);
            let owner = required("owner", &a.owner, 200);
            let last = crate::kernel::time::this_year() + 2;
            let due = match check::date_in(&a.due_date, FIRST_YEAR, last) {
                Ok(Some(d)) if d < visit_day => {
                    e.add(f("due_date"), "due_before_visit");
                    None
                }
                Ok(Some(d)) => Some(d),
                Ok(None) => {
                    e.add(f("due_date"), "required");
                    None
                }
                Err(p) => {
                    e.add(f("due_date"), p);
                    None
                }
            };
            if let Some(due_date) = due {
                actions.push(ActionDraft {
                    text,
                    owner,
                    due_date,
                });
            }
        }
        match severity {
            Some(s) if e.is_empty() => Ok((text, s, actions)),
            _ => Err(e),
        }
    }
}

/// An action as stored and shown.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ActionRecord {
    pub id: i64,
    pub finding_id: i64,
    pub visit_id: i64,
    pub centre_id: i64,
    pub centre_name: String,
    pub pembina_id: i64,
    pub text: String,
    pub owner: String,
    #[serde(with = "crate::kernel::time::ymd")]
    #[schema(value_type = String, format = Date)]
    pub due_date: Date,
    pub status: ActionStatus,
    pub response: String,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub responded_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub closed_at: Option<OffsetDateTime>,
    pub version: i64,
}

impl ActionRecord {
    pub fn overdue(&self, today: Date) -> bool {
        self.status != ActionStatus::Selesai && self.due_date < today
    }
}

/// A finding with its actions.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FindingRecord {
    pub id: i64,
    pub visit_id: i64,
    pub text: String,
    pub severity: Severity,
    pub actions: Vec<ActionRecord>,
    pub photos: Vec<crate::kernel::attachments::Attachment>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

/// A change to an action: the BLKK answers it (`response`), the pembina closes or reopens it
/// (`status`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ActionUpdate {
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[schema(minimum = 1)]
    pub version: Option<i64>,
    /// The BLKK's answer: what it did.
    #[schema(max_length = 2000)]
    pub response: Option<String>,
    /// `selesai` (close) or `terbuka` (reopen): the pembina.
    pub status: Option<ActionStatus>,
}

// ---- Who may do what -----------------------------------------------------------------

/// May plan and record visits to a BLKK supervised by `pembina_id`: that UPTP's users.
pub fn can_visit(actor: &Actor, pembina_id: Option<i64>) -> bool {
    actor.role == Role::Pembina && pembina_id.is_some() && actor.org_id == pembina_id
}

/// May answer a BLKK's actions: its own manager.
pub fn can_answer(actor: &Actor, centre_id: i64) -> bool {
    actor.role == Role::Pengelola && actor.org_id == Some(centre_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn questions() -> Vec<Question> {
        let q = |code: &str, kind| Question {
            code: code.into(),
            label_id: code.into(),
            label_en: code.into(),
            kind,
        };
        vec![
            q("sarana", QuestionKind::YaTidak),
            q("mutu", QuestionKind::Skor),
            q("catatan", QuestionKind::Teks),
        ]
    }

    #[test]
    fn answers_follow_the_instrument() {
        let given: BTreeMap<String, Value> = [
            ("sarana".to_owned(), json!("ya")),
            ("mutu".to_owned(), json!(4)),
            ("catatan".to_owned(), json!("  rapi ")),
        ]
        .into();
        let a = check_answers(&questions(), &given).unwrap();
        assert_eq!(a["mutu"], json!(4));
        assert_eq!(a["catatan"], json!("rapi"));
        let bad: BTreeMap<String, Value> = [
            ("sarana".to_owned(), json!("mungkin")),
            ("mutu".to_owned(), json!(9)),
            ("warna".to_owned(), json!("biru")),
        ]
        .into();
        let e = check_answers(&questions(), &bad).unwrap_err();
        assert_eq!(e.get("answers.sarana"), Some("invalid_choice"));
        assert_eq!(e.get("answers.mutu"), Some("out_of_range"));
        assert_eq!(e.get("answers.warna"), Some("unknown_question"));
    }

    #[test]
    fn an_action_is_not_due_before_its_visit() {
        let visit = Date::from_calendar_date(2024, time::Month::September, 11).unwrap();
        let f = NewFinding {
            text: "Mesin jahit rusak".into(),
            severity: "sedang".into(),
            actions: vec![NewAction {
                text: "Perbaiki".into(),
                owner: "Kepala BLKK".into(),
                due_date: "2024-09-10".into(),
            }],
        };
        assert_eq!(
            f.validate(visit).unwrap_err().get("actions.0.due_date"),
            Some("due_before_visit")
        );
    }
}
