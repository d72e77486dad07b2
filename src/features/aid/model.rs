//! Aid programs (bantuan): the ministry's programs of a budget year (PBK, equipment,
//! incubator, TKM groups), the report types their recipients must send, each BLKK's
//! allocation, and what was realised against it. No I/O here.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::code_enum;
use crate::kernel::code::Rupiah;
use crate::kernel::validate::{FieldErrors, Num, Problem, check};

/// What the audit trail files programs and allocations under.
pub const AID_PROGRAM: &str = "aid_program";
pub const MAX_RUPIAH: i64 = 100_000_000_000;

code_enum! {
    pub enum AidKind {
        /// Pelatihan Berbasis Kompetensi: training packages.
        Pbk = "pbk",
        /// Equipment for a workshop.
        Peralatan = "peralatan",
        /// Business incubator aid.
        Inkubator = "inkubator",
        /// Tenaga Kerja Mandiri: groups of new entrepreneurs.
        Tkm = "tkm",
    }
}

/// A program as given (a form or an API call).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ProgramInput {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(value_type = AidKind)]
    pub kind: String,
    /// From 2017 to next year.
    #[schema(value_type = i64, minimum = 2017)]
    pub budget_year: Num,
    /// A province (`36`) or regency (`36.03`) code: allocations only to BLKK there.
    pub area_code: Option<String>,
    #[schema(max_length = 2000)]
    pub description: String,
    /// The report types recipients must send.
    #[serde(deserialize_with = "crate::kernel::validate::whole_list")]
    pub obligations: Vec<i64>,
}

/// A validated program.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Program {
    pub name: String,
    pub kind: AidKind,
    pub budget_year: i64,
    pub area_code: Option<String>,
    pub description: String,
    pub obligations: Vec<i64>,
}

impl ProgramInput {
    pub fn validate(&self) -> Result<Program, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = e.take("name", check::required(&self.name, 200));
        let kind = match AidKind::parse(self.kind.trim()) {
            Some(k) => Some(k),
            None => {
                e.add(
                    "kind",
                    if self.kind.trim().is_empty() {
                        "required"
                    } else {
                        "invalid_choice"
                    },
                );
                None
            }
        };
        let budget_year = e.take(
            "budget_year",
            check::int_in(
                self.budget_year.text(),
                crate::features::centres::model::FIRST_AID_YEAR,
                crate::kernel::time::this_year() + 1,
            )
            .and_then(|v| v.ok_or_else(|| "required".into())),
        );
        let area_code = self
            .area_code
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        if let Some(a) = &area_code
            && !(a.len() == 2 || a.len() == 5)
        {
            e.add("area_code", "invalid_choice");
        }
        let description = e.take("description", check::optional(&self.description, 2000));
        let mut obligations = self.obligations.clone();
        obligations.sort_unstable();
        obligations.dedup();
        match kind {
            Some(kind) if e.is_empty() => Ok(Program {
                name,
                kind,
                budget_year,
                area_code,
                description,
                obligations,
            }),
            _ => Err(e),
        }
    }
}

/// A program as stored and shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProgramRecord {
    pub id: i64,
    #[serde(flatten)]
    pub program: Program,
    /// The region's name, when it has one.
    pub area_name: Option<String>,
    /// Allocations, and their sum.
    pub allocations: i64,
    pub allocated_rupiah: i64,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

/// An allocation as given.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AllocationInput {
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[schema(minimum = 1)]
    pub centre_id: Option<i64>,
    /// Whole rupiah, 0 to 100,000,000,000.
    #[schema(value_type = i64, minimum = 0, maximum = 100000000000_i64)]
    pub amount_rupiah: Num,
    /// Training packages (PBK), 0 to 100.
    #[schema(value_type = i64, minimum = 0, maximum = 100)]
    pub packages: Num,
    /// Trainees expected, 0 to 10,000.
    #[schema(value_type = i64, minimum = 0, maximum = 10000)]
    pub trainees_target: Num,
    /// A kejuruan code, when the aid is for one.
    #[schema(max_length = 40)]
    pub kejuruan: String,
}

/// A validated allocation.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Allocation {
    pub centre_id: i64,
    pub amount_rupiah: i64,
    pub packages: i64,
    pub trainees_target: i64,
    pub kejuruan: String,
}

fn count(v: &Num, max: i64) -> Result<i64, Problem> {
    Ok(check::int_in(v.text(), 0, max)?.unwrap_or(0))
}

impl AllocationInput {
    pub fn validate(&self) -> Result<Allocation, FieldErrors> {
        let mut e = FieldErrors::new();
        let centre_id = self.centre_id.filter(|c| *c > 0);
        if centre_id.is_none() {
            e.add("centre_id", "required");
        }
        let amount_rupiah = e.take(
            "amount_rupiah",
            match self.amount_rupiah.text().trim() {
                "" => Ok(0),
                t => match Rupiah::parse(t) {
                    Some(Rupiah(n)) if (0..=MAX_RUPIAH).contains(&n) => Ok(n),
                    Some(_) => Err(Problem::out_of_range(0, MAX_RUPIAH)),
                    None => Err("not_a_number".into()),
                },
            },
        );
        let packages = e.take("packages", count(&self.packages, 100));
        let trainees_target = e.take("trainees_target", count(&self.trainees_target, 10_000));
        let kejuruan = e.take("kejuruan", check::optional(&self.kejuruan, 40));
        match centre_id {
            Some(centre_id) if e.is_empty() => Ok(Allocation {
                centre_id,
                amount_rupiah,
                packages,
                trainees_target,
                kejuruan,
            }),
            _ => Err(e),
        }
    }
}

/// What an allocation realised, from the records.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AllocationRealisation {
    /// Batches of the BLKK funded as the program's kind (PBK batches for a PBK program)
    /// starting in its budget year, in the allocation's kejuruan when it names one.
    pub batches: i64,
    pub trainees: i64,
    /// Trainees of those batches with a result other than withdrawn.
    pub graduated: i64,
    /// Reports of the program's obligations sent for periods of its budget year.
    pub reports_sent: i64,
    /// Monitoring visits to the BLKK about this program, done.
    pub visits_done: i64,
}

/// An allocation as stored and shown, with its realisation.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AllocationRecord {
    pub id: i64,
    pub program_id: i64,
    #[serde(flatten)]
    pub allocation: Allocation,
    pub centre_name: String,
    pub province_code: String,
    pub realisation: AllocationRealisation,
    /// How far the realisation lags the time elapsed of the budget year, in percentage
    /// points (trainees against the target; batches against the packages when there is no
    /// trainee target): positive when behind. `null` without a target.
    pub lag: Option<f64>,
    /// Behind schedule: lagging by [`BEHIND_POINTS`] or more.
    pub behind: bool,
}

/// An allocation lagging the time elapsed by this many percentage points or more is behind
/// schedule.
pub const BEHIND_POINTS: f64 = 25.0;

/// The share of `year` elapsed by `day`: 0 before it begins, 1 once it has ended.
pub fn elapsed(year: i64, day: time::Date) -> f64 {
    let y = i64::from(day.year());
    match y.cmp(&year) {
        std::cmp::Ordering::Less => 0.0,
        std::cmp::Ordering::Greater => 1.0,
        std::cmp::Ordering::Equal => {
            let days = if time::util::is_leap_year(day.year()) {
                366.0
            } else {
                365.0
            };
            f64::from(day.ordinal()) / days
        }
    }
}

/// How far `r` lags `elapsed` (a share of the year), in percentage points to one decimal.
pub fn lag(elapsed: f64, a: &Allocation, r: &AllocationRealisation) -> Option<f64> {
    let done = if a.trainees_target > 0 {
        r.trainees as f64 / a.trainees_target as f64
    } else if a.packages > 0 {
        r.batches as f64 / a.packages as f64
    } else {
        return None;
    };
    Some(((elapsed - done.min(1.0)) * 1000.0).round() / 10.0)
}

impl AllocationRecord {
    /// Trained against the target, in percent.
    pub fn progress(&self) -> Option<f64> {
        let t = self.allocation.trainees_target;
        (t > 0).then(|| self.realisation.trainees as f64 * 100.0 / t as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_program_and_an_allocation_are_checked() {
        let p = ProgramInput {
            name: "PBK 2024".into(),
            kind: "pbk".into(),
            budget_year: Num("2024".into()),
            area_code: Some("36".into()),
            obligations: vec![2, 1, 2],
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(p.obligations, [1, 2]);
        let e = ProgramInput {
            kind: "hibah".into(),
            budget_year: Num("1999".into()),
            area_code: Some("3".into()),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(e.get("name"), Some("required"));
        assert_eq!(e.get("kind"), Some("invalid_choice"));
        assert_eq!(e.get("budget_year"), Some("out_of_range"));
        assert_eq!(e.get("area_code"), Some("invalid_choice"));
        let e = AllocationInput {
            amount_rupiah: Num("100000000001".into()),
            packages: Num("-1".into()),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(e.get("centre_id"), Some("required"));
        assert_eq!(e.get("amount_rupiah"), Some("out_of_range"));
        assert_eq!(e.get("packages"), Some("out_of_range"));
    }
}
