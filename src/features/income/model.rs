//! Income by source: what a BLKK earned in a month from each source, in whole rupiah; which
//! sources are its own (not government money); the self-funding share; who may record it.
//! No I/O here.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::{Date, Month, OffsetDateTime};

use crate::code_enum;
use crate::features::centres::model::FIRST_AID_YEAR as FIRST_YEAR;
use crate::kernel::access::{Actor, Role};
use crate::kernel::code::Rupiah;
use crate::kernel::validate::{FieldErrors, Problem, check};

/// What the audit trail files a BLKK's month of income under.
pub const INCOME_MONTH: &str = "income_month";
/// The most one source may bring in a month (Rp 100 miliar): beyond it, a typing mistake.
pub const MAX_RUPIAH: i64 = 100_000_000_000;
/// At most this many evidence files on one month.
pub const MAX_ATTACHMENTS: i64 = 10;

code_enum! {
    /// Where money came from.
    pub enum IncomeSource {
        /// Fees of self-paid and company-paid trainings.
        BiayaPelatihan = "biaya_pelatihan",
        /// Contracts with companies and partners.
        Kontrak = "kontrak",
        /// Sales of products and services (the incubator, the workshop).
        Penjualan = "penjualan",
        /// Renting out rooms and equipment.
        Sewa = "sewa",
        Donasi = "donasi",
        /// Ministry aid (Pelatihan Berbasis Kompetensi).
        Pbk = "pbk",
        /// Regional budget.
        Apbd = "apbd",
        /// Other government money.
        PemerintahLain = "pemerintah_lain",
    }
}

impl IncomeSource {
    /// The BLKK's own income (not government money): what the self-funding share counts.
    pub fn own(self) -> bool {
        !matches!(
            self,
            IncomeSource::Pbk | IncomeSource::Apbd | IncomeSource::PemerintahLain
        )
    }
}

/// A month written `2026-03`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct YearMonth {
    pub year: i32,
    pub month: u8,
}

impl YearMonth {
    pub fn parse(s: &str) -> Option<YearMonth> {
        let (y, m) = s.trim().split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        let year: i32 = y.parse().ok()?;
        let month: u8 = m.parse().ok()?;
        ((2000..=2100).contains(&year) && (1..=12).contains(&month))
            .then_some(YearMonth { year, month })
    }

    pub fn of(d: Date) -> YearMonth {
        YearMonth {
            year: d.year(),
            month: d.month() as u8,
        }
    }

    pub fn first_day(self) -> Date {
        Date::from_calendar_date(
            self.year,
            Month::try_from(self.month).unwrap_or(Month::January),
            1,
        )
        .unwrap_or(Date::MIN)
    }

    pub fn last_day(self) -> Date {
        let next = if self.month == 12 {
            YearMonth {
                year: self.year + 1,
                month: 1,
            }
        } else {
            YearMonth {
                year: self.year,
                month: self.month + 1,
            }
        };
        next.first_day().previous_day().unwrap_or(Date::MIN)
    }
}

impl std::fmt::Display for YearMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A BLKK's month of income as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct IncomeMonth {
    pub id: i64,
    pub centre_id: i64,
    /// `2026-03`.
    pub month: String,
    /// Whole rupiah by source; sources not given are 0.
    #[schema(value_type = Object)]
    pub amounts: BTreeMap<IncomeSource, i64>,
    /// Of which the BLKK's own (not government money).
    pub own: i64,
    pub total: i64,
    pub note: String,
    pub version: i64,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

/// What a form or an API call gives for a month: every source's amount (absent or empty is
/// 0), a note, and the version read when changing a month already recorded.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct IncomeInput {
    /// The BLKK; required from admins, else the user's own.
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[schema(minimum = 1)]
    pub centre_id: Option<i64>,
    /// `YYYY-MM`, not in the future.
    pub month: String,
    /// Whole rupiah by source code, 0 to 100,000,000,000 each.
    #[schema(value_type = BTreeMap<String, i64>)]
    pub amounts: BTreeMap<String, serde_json::Value>,
    #[schema(max_length = 500)]
    pub note: String,
    /// The version last read; refused (409) if the month changed since.
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[schema(minimum = 1)]
    pub version: Option<i64>,
}

/// A validated month: its month, amounts by source (zeros left out) and note.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckedMonth {
    #[serde(skip)]
    pub month: YearMonth,
    pub amounts: BTreeMap<IncomeSource, i64>,
    pub note: String,
}

fn amount(v: &serde_json::Value) -> Result<i64, Problem> {
    let text = match v {
        serde_json::Value::Null => return Ok(0),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            None if n
                .as_f64()
                .is_some_and(|f| f.fract() == 0.0 && f.abs() < 1e15) =>
            {
                format!("{}", n.as_f64().unwrap_or_default() as i64)
            }
            None => return Err("not_a_whole_number".into()),
        },
        serde_json::Value::String(s) => s.clone(),
        _ => return Err("not_a_number".into()),
    };
    match text.trim() {
        "" => Ok(0),
        t => match Rupiah::parse(t) {
            Some(Rupiah(n)) if (0..=MAX_RUPIAH).contains(&n) => Ok(n),
            Some(_) => Err(Problem::out_of_range(0, MAX_RUPIAH)),
            None => Err("not_a_number".into()),
        },
    }
}

impl IncomeInput {
    /// Checks a month's income against `today` (no month in the future).
    pub fn validate(&self, today: Date) -> Result<CheckedMonth, FieldErrors> {
        let mut e = FieldErrors::new();
        let month = match YearMonth::parse(&self.month) {
            None if self.month.trim().is_empty() => {
                e.add("month", "required");
                None
            }
            None => {
                e.add("month", "invalid_month");
                None
            }
            Some(m) if m > YearMonth::of(today) => {
                e.add("month", "future_month");
                None
            }
            Some(m) => match check::within(m.first_day(), FIRST_YEAR, i64::from(today.year())) {
                Ok(_) => Some(m),
                Err(p) => {
                    e.add("month", p);
                    None
                }
            },
        };
        let mut amounts = BTreeMap::new();
        for (code, v) in &self.amounts {
            let field = format!("amounts.{code}");
            let Some(source) = IncomeSource::parse(code) else {
                e.add(field, "invalid_choice");
                continue;
            };
            match amount(v) {
                Ok(0) => {}
                Ok(n) => {
                    amounts.insert(source, n);
                }
                Err(p) => e.add(field, p),
            }
        }
        let note = e.take("note", check::optional(&self.note, 500));
        match month {
            Some(month) if e.is_empty() => Ok(CheckedMonth {
                month,
                amounts,
                note,
            }),
            _ => Err(e),
        }
    }
}

/// Own and total income.
pub fn split(amounts: &BTreeMap<IncomeSource, i64>) -> (i64, i64) {
    amounts.iter().fold((0, 0), |(own, total), (s, n)| {
        (if s.own() { own + n } else { own }, total + n)
    })
}

/// The self-funding share in percent (own over all income), `None` without income.
pub fn share(own: i64, total: i64) -> Option<f64> {
    (total > 0).then(|| own as f64 * 100.0 / total as f64)
}

/// May record a BLKK's income: its own manager, or a ministry admin.
pub fn can_write(actor: &Actor, centre_id: i64) -> bool {
    match actor.role {
        Role::Admin => true,
        Role::Pengelola => actor.org_id == Some(centre_id),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn day() -> Date {
        Date::from_calendar_date(2026, Month::November, 27).unwrap()
    }

    #[test]
    fn months_are_checked() {
        assert_eq!(YearMonth::parse("2026-03").unwrap().to_string(), "2026-03");
        assert_eq!(YearMonth::parse("2026-13"), None);
        assert_eq!(YearMonth::parse("26-03"), None);
        let m = YearMonth::parse("2024-02").unwrap();
        assert_eq!(m.last_day().to_string(), "2024-02-29");
        let input = |month: &str| IncomeInput {
            month: month.into(),
            ..Default::default()
        };
        assert_eq!(
            input("2026-12").validate(day()).unwrap_err().get("month"),
            Some("future_month")
        );
        assert!(input("2026-11").validate(day()).is_ok());
        assert_eq!(
            input("maret").validate(day()).unwrap_err().get("month"),
            Some("invalid_month")
        );
    }

    #[test]
    fn amounts_are_whole_rupiah_within_bounds() {
        let i = IncomeInput {
            month: "2026-10".into(),
            amounts: [
                ("penjualan".to_owned(), json!("Rp 1.500.000")),
                ("pbk".to_owned(), json!(48_000_000)),
                ("sewa".to_owned(), json!(0)),
            ]
            .into(),
            ..Default::default()
        };
        let m = i.validate(day()).unwrap();
        assert_eq!(m.amounts.len(), 2);
        assert_eq!(split(&m.amounts), (1_500_000, 49_500_000));
        let bad = IncomeInput {
            month: "2026-10".into(),
            amounts: [
                ("penjualan".to_owned(), json!(-1)),
                ("kontrak".to_owned(), json!(100_000_000_001i64)),
                ("hibah".to_owned(), json!(5)),
                ("sewa".to_owned(), json!(1.5)),
            ]
            .into(),
            ..Default::default()
        };
        let e = bad.validate(day()).unwrap_err();
        assert_eq!(e.get("amounts.penjualan"), Some("out_of_range"));
        assert_eq!(e.get("amounts.kontrak"), Some("out_of_range"));
        assert_eq!(e.get("amounts.hibah"), Some("invalid_choice"));
        assert_eq!(e.get("amounts.sewa"), Some("not_a_whole_number"));
    }

    #[test]
    fn the_share_is_own_over_all() {
        assert_eq!(share(25, 100), Some(25.0));
        assert_eq!(share(0, 0), None);
    }
}
