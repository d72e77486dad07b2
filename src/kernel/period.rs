//! Reporting periods: a month (`2026-03`), a quarter (`2026-Q1`), a half year (`2026-S1`)
//! or a year (`2026`), with the dates a report of that period covers and falls due. No I/O.

use std::fmt;
use std::str::FromStr;

use time::{Date, Duration, Month};

use crate::code_enum;

code_enum! {
    /// How often a report type falls due.
    pub enum Frequency {
        Bulanan = "bulanan",
        Triwulan = "triwulan",
        Semester = "semester",
        Tahunan = "tahunan",
    }
}

impl Frequency {
    /// Months in one period.
    pub fn months(self) -> u8 {
        match self {
            Frequency::Bulanan => 1,
            Frequency::Triwulan => 3,
            Frequency::Semester => 6,
            Frequency::Tahunan => 12,
        }
    }

    /// Periods in a year.
    fn per_year(self) -> u8 {
        12 / self.months()
    }
}

/// One reporting period: the `index`th (from 1) period of `frequency` in `year`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    pub year: i32,
    pub frequency: Frequency,
    pub index: u8,
}

/// Periods are accepted from this year to [`LAST_YEAR`].
pub const FIRST_YEAR: i32 = 2000;
pub const LAST_YEAR: i32 = 2100;

impl Period {
    /// The period of `frequency` that contains `day`.
    pub fn containing(frequency: Frequency, day: Date) -> Period {
        Period {
            year: day.year(),
            frequency,
            index: (u8::from(day.month()) - 1) / frequency.months() + 1,
        }
    }

    /// Parses `2026-03`, `2026-Q1`, `2026-S1` or `2026`.
    pub fn parse(text: &str) -> Option<Period> {
        let text = text.trim();
        let (year, rest) = match text.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (text, None),
        };
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: i32 = year.parse().ok()?;
        if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
            return None;
        }
        let number = |s: &str, max: u8| -> Option<u8> {
            let n: u8 = s
                .parse()
                .ok()
                .filter(|_| s.bytes().all(|b| b.is_ascii_digit()))?;
            (1..=max).contains(&n).then_some(n)
        };
        let (frequency, index) = match rest {
            None => (Frequency::Tahunan, 1),
            Some(r) if r.len() == 2 && r.starts_with('Q') => {
                (Frequency::Triwulan, number(&r[1..], 4)?)
            }
            Some(r) if r.len() == 2 && r.starts_with('S') => {
                (Frequency::Semester, number(&r[1..], 2)?)
            }
            Some(r) if r.len() == 2 => (Frequency::Bulanan, number(r, 12)?),
            Some(_) => return None,
        };
        Some(Period {
            year,
            frequency,
            index,
        })
    }

    /// The first day of the period.
    pub fn start(self) -> Date {
        let month = (self.index - 1) * self.frequency.months() + 1;
        Date::from_calendar_date(self.year, month_of(month), 1).unwrap_or(Date::MIN)
    }

    /// The last day of the period.
    pub fn end(self) -> Date {
        self.next().start() - Duration::days(1)
    }

    /// The day a report is due: `due_day` days after the period ends.
    pub fn due(self, due_day: i64) -> Date {
        self.end() + Duration::days(due_day)
    }

    /// The period after this one.
    pub fn next(self) -> Period {
        if self.index == self.frequency.per_year() {
            Period {
                year: self.year + 1,
                index: 1,
                ..self
            }
        } else {
            Period {
                index: self.index + 1,
                ..self
            }
        }
    }

    /// The period before this one.
    pub fn previous(self) -> Period {
        if self.index == 1 {
            Period {
                year: self.year - 1,
                index: self.frequency.per_year(),
                ..self
            }
        } else {
            Period {
                index: self.index - 1,
                ..self
            }
        }
    }

    /// This period and the `n - 1` before it, oldest first.
    pub fn last(self, n: usize) -> Vec<Period> {
        let mut out = Vec::with_capacity(n);
        let mut p = self;
        for _ in 0..n {
            out.push(p);
            if p.year <= FIRST_YEAR && p.index == 1 {
                break;
            }
            p = p.previous();
        }
        out.reverse();
        out
    }

    /// The periods of `frequency` lying wholly inside this one (a semester's six months).
    pub fn parts(self, frequency: Frequency) -> Vec<Period> {
        let mut out = Vec::new();
        let mut p = Period::containing(frequency, self.start());
        while p.end() <= self.end() {
            if p.start() >= self.start() {
                out.push(p);
            }
            p = p.next();
        }
        out
    }
}

fn month_of(n: u8) -> Month {
    Month::try_from(n).unwrap_or(Month::January)
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.frequency {
            Frequency::Bulanan => write!(f, "{}-{:02}", self.year, self.index),
            Frequency::Triwulan => write!(f, "{}-Q{}", self.year, self.index),
            Frequency::Semester => write!(f, "{}-S{}", self.year, self.index),
            Frequency::Tahunan => write!(f, "{}", self.year),
        }
    }
}

impl FromStr for Period {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Period::parse(s).ok_or(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn periods_are_written_and_read_back() {
        for text in [
            "2026-03", "2026-12", "2026-Q1", "2026-Q4", "2026-S2", "2026",
        ] {
            let p = Period::parse(text).expect(text);
            assert_eq!(p.to_string(), text);
        }
        for bad in [
            "",
            "2026-13",
            "2026-00",
            "2026-3",
            "2026-Q5",
            "2026-Q0",
            "2026-S3",
            "26-01",
            "1999",
            "2101-01",
            "2026-q1",
            "2026-01-01",
            "+202-01",
            "2026-Q+",
        ] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_period_knows_its_days_and_due_date() {
        let feb = Period::parse("2024-02").unwrap();
        assert_eq!(
            (feb.start(), feb.end()),
            (date!(2024 - 02 - 01), date!(2024 - 02 - 29))
        );
        assert_eq!(feb.due(10), date!(2024 - 03 - 10));
        let q4 = Period::parse("2025-Q4").unwrap();
        assert_eq!(
            (q4.start(), q4.end()),
            (date!(2025 - 10 - 01), date!(2025 - 12 - 31))
        );
        assert_eq!(q4.next().to_string(), "2026-Q1");
        assert_eq!(
            Period::parse("2026-01").unwrap().previous().to_string(),
            "2025-12"
        );
        let s1 = Period::parse("2025-S1").unwrap();
        assert_eq!(s1.end(), date!(2025 - 06 - 30));
        assert_eq!(
            Period::containing(Frequency::Semester, date!(2025 - 07 - 01)).to_string(),
            "2025-S2"
        );
        let months: Vec<String> = s1
            .parts(Frequency::Bulanan)
            .iter()
            .map(Period::to_string)
            .collect();
        assert_eq!(
            months,
            [
                "2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"
            ]
        );
        let trend: Vec<String> = Period::parse("2026-02")
            .unwrap()
            .last(3)
            .iter()
            .map(Period::to_string)
            .collect();
        assert_eq!(trend, ["2025-12", "2026-01", "2026-02"]);
    }
}
