//! The tracer study: what became of graduates (outcomes) and the follow-up schedule the
//! ministry sets. No I/O here.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::code_enum;
// The first year an outcome may be dated: the first BLKK opened in 2017.
use crate::features::centres::model::FIRST_AID_YEAR as FIRST_YEAR;
use crate::kernel::validate::{FieldErrors, Flag, Num, Patch, Problem, check};

/// The audit entity of the follow-up schedule (one, id 1).
pub const SCHEDULE: &str = "tracer_schedule";

/// Follow-up points: at most this many, each 1 to 60 months after a batch ends.
pub const SCHEDULE_MAX_POINTS: usize = 12;

pub const SCHEDULE_MAX_MONTHS: i64 = 60;

code_enum! {
    /// What a graduate is doing, as last reported.
    pub enum OutcomeStatus {
        Bekerja = "bekerja",
        Wirausaha = "wirausaha",
        Melanjutkan = "melanjutkan",
        BelumBekerja = "belum_bekerja",
        /// Could not be reached.
        TidakTerlacak = "tidak_terlacak",
    }
}

code_enum! {
    /// Who reported an outcome.
    pub enum Reporter {
        Blkk = "blkk",
        Alumni = "alumni",
        Mitra = "mitra",
    }
}

/// An outcome (tracer study answer) as given.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OutcomeInput {
    #[schema(value_type = OutcomeStatus)]
    pub status: Patch<String>,
    /// When this was true (`YYYY-MM-DD`): not before the batch ended, not in the future.
    #[schema(value_type = String, format = Date)]
    pub date: Patch<String>,
    /// For `bekerja`: the employer.
    #[schema(value_type = Option<String>, max_length = 200)]
    pub employer: Patch<String>,
    /// For `bekerja`: the employer, when it is a partner organisation.
    #[schema(value_type = Option<i64>, minimum = 1)]
    pub partner_id: Patch<Num>,
    #[schema(value_type = Option<String>, max_length = 100)]
    pub sector: Patch<String>,
    /// For `bekerja`: whether the job matches the training.
    #[schema(value_type = Option<bool>)]
    pub matches_training: Patch<Flag>,
    /// For `wirausaha`.
    #[schema(value_type = Option<String>, max_length = 200)]
    pub business_name: Patch<String>,
    #[schema(value_type = Option<String>, max_length = 100)]
    pub business_kind: Patch<String>,
    /// For `wirausaha`: people employed.
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 10000)]
    pub employees: Patch<Num>,
    /// For `melanjutkan`: the further study or training.
    #[schema(value_type = Option<String>, max_length = 200)]
    pub study: Patch<String>,
    /// `blkk`, `alumni` or `mitra`; set from the reporter's role when absent.
    #[schema(value_type = Option<Reporter>)]
    pub reported_by: Patch<String>,
}

/// A validated outcome.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Outcome {
    pub status: OutcomeStatus,
    #[serde(with = "crate::kernel::time::ymd")]
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    pub employer: String,
    pub partner_id: Option<i64>,
    pub sector: String,
    pub matches_training: Option<bool>,
    pub business_name: String,
    pub business_kind: String,
    pub employees: Option<i64>,
    pub study: String,
    pub reported_by: Reporter,
}

/// An outcome as stored.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct OutcomeRecord {
    pub id: i64,
    pub enrolment_id: i64,
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub outcome: Outcome,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

impl OutcomeInput {
    /// Checks an outcome for a graduate of a batch that ended `end_date`; `reporter` is who
    /// is reporting when the input does not say.
    pub fn validate(
        &self,
        end_date: Date,
        today: Date,
        reporter: Reporter,
    ) -> Result<Outcome, FieldErrors> {
        let mut e = FieldErrors::new();
        let status = match self.status.text().trim() {
            "" => {
                e.add("status", "required");
                None
            }
            s => OutcomeStatus::parse(s).or_else(|| {
                e.add("status", "invalid_choice");
                None
            }),
        };
        let date = match check::date_in(self.date.text(), FIRST_YEAR, i64::from(today.year())) {
            Ok(Some(d)) if d < end_date => {
                e.add("date", "before_batch_end");
                None
            }
            Ok(Some(d)) if d > today => {
                e.add("date", "in_future");
                None
            }
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                e.add("date", "required");
                None
            }
            Err(p) => {
                e.add("date", p);
                None
            }
        };
        let employer = e.take("employer", check::optional(self.employer.text(), 200));
        let partner_id = e.take(
            "partner_id",
            check::int_in(self.partner_id.text(), 1, i64::MAX),
        );
        let sector = e.take("sector", check::optional(self.sector.text(), 100));
        let business_name = e.take(
            "business_name",
            check::optional(self.business_name.text(), 200),
        );
        let business_kind = e.take(
            "business_kind",
            check::optional(self.business_kind.text(), 100),
        );
        let employees = e.take("employees", check::int_in(self.employees.text(), 0, 10_000));
        let study = e.take("study", check::optional(self.study.text(), 200));
        let reported_by = match self.reported_by.text().trim() {
            "" => Some(reporter),
            s => Reporter::parse(s).or_else(|| {
                e.add("reported_by", "invalid_choice");
                None
            }),
        };
        let matches_training = match &self.matches_training {
            Patch::Set(Flag(b)) => Some(*b),
            _ => None,
        };
        match status {
            Some(OutcomeStatus::Bekerja) if employer.is_empty() && partner_id.is_none() => {
                e.add("employer", "required")
            }
            Some(OutcomeStatus::Wirausaha) if business_name.is_empty() => {
                e.add("business_name", "required")
            }
            Some(OutcomeStatus::Melanjutkan) if study.is_empty() => e.add("study", "required"),
            _ => {}
        }
        let bekerja = status == Some(OutcomeStatus::Bekerja);
        let wirausaha = status == Some(OutcomeStatus::Wirausaha);
        match (status, date, reported_by) {
            (Some(status), Some(date), Some(reported_by)) if e.is_empty() => Ok(Outcome {
                status,
                date,
                employer: if bekerja { employer } else { String::new() },
                partner_id: partner_id.filter(|_| bekerja),
                sector: if bekerja || wirausaha {
                    sector
                } else {
                    String::new()
                },
                matches_training: matches_training.filter(|_| bekerja),
                business_name: if wirausaha {
                    business_name
                } else {
                    String::new()
                },
                business_kind: if wirausaha {
                    business_kind
                } else {
                    String::new()
                },
                employees: employees.filter(|_| wirausaha),
                study: if status == OutcomeStatus::Melanjutkan {
                    study
                } else {
                    String::new()
                },
                reported_by,
            }),
            _ => Err(e),
        }
    }
}

/// The tracer study's follow-up schedule: months after a batch ends, as the ministry sets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// Months after the batch ends, each 1-60; at least one, at most 12 (kept sorted).
    #[schema(min_items = 1, max_items = 12)]
    #[serde(deserialize_with = "crate::kernel::validate::whole_list")]
    pub months: Vec<i64>,
    /// The schedule's version: returned with it, sent back (or as `If-Match`) to change it.
    #[serde(default, deserialize_with = "crate::kernel::validate::whole_number")]
    #[schema(minimum = 1)]
    pub version: Option<i64>,
}

impl crate::kernel::web::version::Versioned for Schedule {
    fn version(&self) -> i64 {
        self.version.unwrap_or(1)
    }
}

impl Schedule {
    /// Sorted, without repeats; a field error for none, too many, or one out of range.
    pub fn validate(&self) -> Result<Vec<i64>, FieldErrors> {
        let mut months = self.months.clone();
        months.sort_unstable();
        months.dedup();
        let problem = if months.is_empty() {
            Some(Problem::from("required"))
        } else if months.len() > SCHEDULE_MAX_POINTS {
            Some(Problem {
                code: "too_many",
                args: vec![("max", SCHEDULE_MAX_POINTS.to_string())],
            })
        } else if months
            .iter()
            .any(|m| !(1..=SCHEDULE_MAX_MONTHS).contains(m))
        {
            Some(Problem::out_of_range(1, SCHEDULE_MAX_MONTHS))
        } else {
            None
        };
        match problem {
            Some(p) => Err(FieldErrors::single("months", p)),
            None => Ok(months),
        }
    }

    /// From a form's text, e.g. `1, 6, 12` (commas or spaces between the numbers), and the
    /// version the form was read at.
    pub fn parse(text: &str, version: Option<i64>) -> Result<Schedule, FieldErrors> {
        text.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .filter(|p| !p.is_empty())
            .map(|p| p.parse::<i64>())
            .collect::<Result<Vec<_>, _>>()
            .map(|months| Schedule { months, version })
            .map_err(|_| FieldErrors::single("months", "not_a_number"))
    }

    /// As a form shows it: `1, 6, 12`.
    pub fn text(&self) -> String {
        let parts: Vec<String> = self.months.iter().map(i64::to_string).collect();
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn outcomes_fall_between_the_end_of_the_batch_and_today() {
        let o = |status: &str, d: &str| OutcomeInput {
            status: Patch::Set(status.into()),
            date: Patch::Set(d.into()),
            employer: Patch::Set("PT Maju".into()),
            ..Default::default()
        };
        let (end, today) = (date!(2026 - 04 - 10), date!(2026 - 11 - 27));
        assert_eq!(
            o("bekerja", "2026-04-01")
                .validate(end, today, Reporter::Blkk)
                .unwrap_err()
                .get("date"),
            Some("before_batch_end")
        );
        assert_eq!(
            o("bekerja", "2026-12-01")
                .validate(end, today, Reporter::Blkk)
                .unwrap_err()
                .get("date"),
            Some("in_future")
        );
        let ok = o("belum_bekerja", "2026-05-10")
            .validate(end, today, Reporter::Alumni)
            .unwrap();
        assert_eq!(
            (ok.employer.as_str(), ok.reported_by),
            ("", Reporter::Alumni)
        );
        let e = o("wirausaha", "2026-05-10")
            .validate(end, today, Reporter::Blkk)
            .unwrap_err();
        assert_eq!(e.get("business_name"), Some("required"));
    }
}
