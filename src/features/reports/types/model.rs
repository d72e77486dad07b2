//! Report types as the ministry defines them: their indicators (data, not code), the figures
//! an indicator may be filled from, and which BLKK must send them. No I/O here.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::code_enum;
use crate::features::reports::period::Frequency;
use crate::kernel::access::CentreFacts;
use crate::kernel::validate::{FieldErrors, Problem, check};

/// What the audit trail files report types and reports under.
pub const REPORT_TYPE: &str = "report_type";

/// Bounds of what a report type may say.
pub const MAX_INDICATORS: usize = 60;

pub const MAX_CHOICES: usize = 30;

pub const MAX_DUE_DAY: i64 = 90;

pub const MAX_GRACE_DAYS: i64 = 365;

code_enum! {
    /// What an indicator holds.
    pub enum IndicatorKind {
        /// A whole number of things (batches, people).
        Count = "count",
        /// Whole rupiah.
        Rupiah = "rupiah",
        /// 0 to 100, two decimals.
        Percent = "percent",
        Text = "text",
        /// One of the indicator's choices.
        Choice = "choice",
    }
}

code_enum! {
    /// A figure the system already knows for a BLKK and period, an indicator's prefill.
    pub enum Source {
        /// Batches running at any time in the period.
        BatchesHeld = "batches_held",
        /// Trainees of the batches that started in the period.
        Trainees = "trainees",
        /// Results of the batches that ended in the period.
        GraduatesKompeten = "graduates_kompeten",
        GraduatesBelumKompeten = "graduates_belum_kompeten",
        Withdrawn = "withdrawn",
        /// Graduates reported working, or running a business, by an outcome dated in the
        /// period.
        PlacedBekerja = "placed_bekerja",
        PlacedWirausaha = "placed_wirausaha",
        /// Of the graduates of batches that ended in the twelve months up to the period's
        /// end, the share with any outcome recorded (percent).
        TracerResponseRate = "tracer_response_rate",
        /// Own income (all but government money) recorded for the period's months, rupiah.
        IncomeOwn = "income_own",
        /// All income recorded for the period's months, rupiah.
        IncomeTotal = "income_total",
        /// Active agreements the BLKK takes part in on the period's last day.
        PartnershipsActive = "partnerships_active",
        /// Follow-up actions from monitoring visits not closed by the period's end.
        OpenActions = "open_actions",
    }
}

impl Source {
    /// The kind of value it computes.
    pub fn kind(self) -> IndicatorKind {
        match self {
            Source::TracerResponseRate => IndicatorKind::Percent,
            Source::IncomeOwn | Source::IncomeTotal => IndicatorKind::Rupiah,
            _ => IndicatorKind::Count,
        }
    }
}

code_enum! {
    /// Which BLKK must send a report type.
    pub enum Audience {
        /// Every active BLKK.
        Semua = "semua",
        /// Active BLKK that received their aid (were founded) in `audience_year`.
        Angkatan = "angkatan",
        /// Active BLKK in the province or regency `audience_area`.
        Wilayah = "wilayah",
        /// The active BLKK listed in `audience_centres`.
        Daftar = "daftar",
    }
}

// ---- Report types --------------------------------------------------------------------

/// One indicator of a report type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// Short code, unique in the type: lower-case letters, digits and `_`.
    pub code: String,
    pub label_id: String,
    pub label_en: String,
    pub kind: IndicatorKind,
    #[serde(default)]
    pub required: bool,
    /// The figure it is filled from, if the system knows it.
    #[serde(default)]
    pub source: Option<Source>,
    /// The allowed answers of a `choice` indicator.
    #[serde(default)]
    pub choices: Vec<String>,
}

/// A report type as the ministry defines it.
/// (Unknown fields are ignored rather than refused: the stored type is answered with these
/// fields flattened beside its `id`.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportTypeInput {
    /// Short code, unique: lower-case letters, digits and `_`.
    pub code: String,
    pub name_id: String,
    pub name_en: String,
    pub frequency: Frequency,
    /// Days after the period ends that the report is due (0-90).
    #[serde(deserialize_with = "crate::kernel::validate::whole")]
    pub due_day: i64,
    /// Days after the due date that a late report may still be sent (0-365).
    #[serde(default, deserialize_with = "crate::kernel::validate::whole")]
    pub grace_days: i64,
    pub audience: Audience,
    /// For `angkatan`: the aid year.
    #[serde(default, deserialize_with = "crate::kernel::validate::whole_number")]
    pub audience_year: Option<i64>,
    /// For `wilayah`: a province (`32`) or regency (`32.04`) code.
    #[serde(default)]
    pub audience_area: Option<String>,
    /// For `daftar`: the BLKK (organisation ids).
    #[serde(default, deserialize_with = "crate::kernel::validate::whole_list")]
    pub audience_centres: Vec<i64>,
    pub indicators: Vec<Indicator>,
}

/// A stored report type.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ReportType {
    pub id: i64,
    #[serde(flatten)]
    pub input: ReportTypeInput,
    pub active: bool,
}

fn valid_code(code: &str) -> bool {
    (1..=40).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && code.as_bytes()[0].is_ascii_lowercase()
}

impl ReportTypeInput {
    /// Checks every field; indicator problems are named `indicators.<n>.<field>`.
    pub fn validate(mut self) -> Result<ReportTypeInput, FieldErrors> {
        let mut e = FieldErrors::new();
        self.code = self.code.trim().to_owned();
        if !valid_code(&self.code) {
            e.add("code", "invalid_code");
        }
        self.name_id = e.take("name_id", check::required(&self.name_id, 200));
        self.name_en = e.take("name_en", check::required(&self.name_en, 200));
        if !(0..=MAX_DUE_DAY).contains(&self.due_day) {
            e.add("due_day", Problem::out_of_range(0, MAX_DUE_DAY));
        }
        if !(0..=MAX_GRACE_DAYS).contains(&self.grace_days) {
            e.add("grace_days", Problem::out_of_range(0, MAX_GRACE_DAYS));
        }
        match self.audience {
            Audience::Angkatan => match self.audience_year {
                Some(y) if (2000..=2100).contains(&y) => {}
                Some(_) => e.add("audience_year", Problem::out_of_range(2000, 2100)),
                None => e.add("audience_year", "required"),
            },
            Audience::Wilayah => {
                let area = self
                    .audience_area
                    .as_deref()
                    .unwrap_or("")
                    .trim()
                    .to_owned();
                if area.is_empty() {
                    e.add("audience_area", "required");
                }
                self.audience_area = Some(area);
            }
            Audience::Daftar => {
                self.audience_centres.sort_unstable();
                self.audience_centres.dedup();
                if self.audience_centres.is_empty() {
                    e.add("audience_centres", "required");
                } else if self.audience_centres.len() > 5000 {
                    e.add(
                        "audience_centres",
                        Problem {
                            code: "too_many",
                            args: vec![("max", "5000".to_owned())],
                        },
                    );
                }
            }
            Audience::Semua => {}
        }
        if self.audience != Audience::Angkatan {
            self.audience_year = None;
        }
        if self.audience != Audience::Wilayah {
            self.audience_area = None;
        }
        if self.audience != Audience::Daftar {
            self.audience_centres.clear();
        }
        if self.indicators.is_empty() {
            e.add("indicators", "required");
        } else if self.indicators.len() > MAX_INDICATORS {
            e.add(
                "indicators",
                Problem {
                    code: "too_many",
                    args: vec![("max", MAX_INDICATORS.to_string())],
                },
            );
        }
        let mut seen = HashSet::new();
        for (n, i) in self.indicators.iter_mut().enumerate() {
            let f = |name: &str| format!("indicators.{n}.{name}");
            i.code = i.code.trim().to_owned();
            if !valid_code(&i.code) {
                e.add(f("code"), "invalid_code");
            } else if !seen.insert(i.code.clone()) {
                e.add(f("code"), "duplicate");
            }
            for (name, label) in [("label_id", &mut i.label_id), ("label_en", &mut i.label_en)] {
                match check::required(label, 300) {
                    Ok(v) => *label = v,
                    Err(p) => e.add(f(name), p),
                }
            }
            if let Some(s) = i.source
                && s.kind() != i.kind
            {
                e.add(f("source"), "source_kind");
            }
            if i.kind == IndicatorKind::Choice {
                i.choices = i.choices.iter().map(|c| c.trim().to_owned()).collect();
                i.choices.retain(|c| !c.is_empty());
                i.choices.dedup();
                if i.choices.is_empty() {
                    e.add(f("choices"), "required");
                } else if i.choices.len() > MAX_CHOICES
                    || i.choices.iter().any(|c| c.chars().count() > 100)
                {
                    e.add(f("choices"), "too_long_list");
                }
            } else {
                i.choices.clear();
            }
        }
        e.finish(self)
    }

    /// Whether a BLKK must send this report type (its status aside).
    pub fn expects(&self, c: &CentreFacts, aid_year: i64) -> bool {
        match self.audience {
            Audience::Semua => true,
            Audience::Angkatan => self.audience_year == Some(aid_year),
            Audience::Wilayah => self
                .audience_area
                .as_deref()
                .is_some_and(|a| a == c.province_code || a == c.regency_code),
            Audience::Daftar => self.audience_centres.contains(&c.id),
        }
    }

    pub fn indicator(&self, code: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.code == code)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn indicator(code: &str, kind: IndicatorKind, source: Option<Source>) -> Indicator {
        Indicator {
            code: code.to_owned(),
            label_id: code.to_owned(),
            label_en: code.to_owned(),
            kind,
            required: true,
            source,
            choices: if kind == IndicatorKind::Choice {
                vec!["ya".to_owned(), "tidak".to_owned()]
            } else {
                vec![]
            },
        }
    }

    pub(crate) fn monthly() -> ReportTypeInput {
        ReportTypeInput {
            code: "bulanan".to_owned(),
            name_id: "Laporan bulanan".to_owned(),
            name_en: "Monthly report".to_owned(),
            frequency: Frequency::Bulanan,
            due_day: 10,
            grace_days: 20,
            audience: Audience::Semua,
            audience_year: None,
            audience_area: None,
            audience_centres: vec![],
            indicators: vec![
                indicator("peserta", IndicatorKind::Count, Some(Source::Trainees)),
                indicator("pendapatan", IndicatorKind::Rupiah, None),
                indicator(
                    "respons",
                    IndicatorKind::Percent,
                    Some(Source::TracerResponseRate),
                ),
                indicator("sarana", IndicatorKind::Choice, None),
            ],
        }
    }

    #[test]
    fn a_report_type_is_checked_field_by_field() {
        assert!(monthly().validate().is_ok());
        let mut bad = monthly();
        bad.code = "Bulanan!".to_owned();
        bad.due_day = 91;
        bad.indicators[1].code = "peserta".to_owned();
        bad.indicators[2].source = Some(Source::Trainees);
        bad.indicators[3].choices.clear();
        let e = bad.validate().unwrap_err();
        assert_eq!(e.get("code"), Some("invalid_code"));
        assert_eq!(e.get("due_day"), Some("out_of_range"));
        assert_eq!(e.get("indicators.1.code"), Some("duplicate"));
        assert_eq!(e.get("indicators.2.source"), Some("source_kind"));
        assert_eq!(e.get("indicators.3.choices"), Some("required"));
    }
}
