//! Time: "now" for stored timestamps (always UTC), and times as Indonesians read them, in
//! the zone of the place they are about (WIB, WITA, WIT).

use time::{Date, Month, OffsetDateTime, UtcOffset};

/// "Now" for stored timestamps: always UTC, to the microsecond (what PostgreSQL keeps, so
/// a record returned after a write equals the record read back).
pub fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(t.nanosecond() / 1_000 * 1_000)
        .unwrap_or(t)
}

/// Today in Western Indonesia (the latest of the three zones' dates is never earlier).
pub fn today() -> Date {
    now().to_offset(Zone::Wib.offset()).date()
}

/// The current year, for validating years typed into forms.
pub fn this_year() -> i64 {
    i64::from(now().year())
}

/// Indonesia's three time zones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// Waktu Indonesia Barat, UTC+7: Sumatra, Java, West and Central Kalimantan.
    Wib,
    /// Waktu Indonesia Tengah, UTC+8: Bali, Nusa Tenggara, the rest of Kalimantan, Sulawesi.
    Wita,
    /// Waktu Indonesia Timur, UTC+9: Maluku and Papua.
    Wit,
}

impl Zone {
    /// The zone of a province (the first two digits of any area code inside it); WIB when
    /// unknown.
    pub fn of_area(code: &str) -> Zone {
        match code.get(..2) {
            Some(
                "51" | "52" | "53" | "63" | "64" | "65" | "71" | "72" | "73" | "74" | "75" | "76",
            ) => Zone::Wita,
            Some(p) if p.starts_with('8') || p.starts_with('9') => Zone::Wit,
            _ => Zone::Wib,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Zone::Wib => "WIB",
            Zone::Wita => "WITA",
            Zone::Wit => "WIT",
        }
    }

    pub fn offset(self) -> UtcOffset {
        let hours = match self {
            Zone::Wib => 7,
            Zone::Wita => 8,
            Zone::Wit => 9,
        };
        UtcOffset::from_hms(hours, 0, 0).unwrap_or(UtcOffset::UTC)
    }
}

const MONTHS_ID: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
];
const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn month_name(m: Month, english: bool) -> &'static str {
    let i = u8::from(m) as usize - 1;
    if english { MONTHS_EN[i] } else { MONTHS_ID[i] }
}

/// `23 Nov 2026` (`23 Agu 2026` in Indonesian).
pub fn format_date(d: Date, english: bool) -> String {
    format!(
        "{} {} {}",
        d.day(),
        month_name(d.month(), english),
        d.year()
    )
}

/// `23 Nov 2026 14.05 WIB` in Indonesian, `23 Nov 2026 14:05 WIB` in English.
pub fn format_datetime(at: OffsetDateTime, zone: Zone, english: bool) -> String {
    let t = at.to_offset(zone.offset());
    let sep = if english { ':' } else { '.' };
    format!(
        "{} {:02}{sep}{:02} {}",
        format_date(t.date(), english),
        t.hour(),
        t.minute(),
        zone.name()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn zones_follow_the_provinces() {
        assert_eq!(Zone::of_area("36.01.06.2002"), Zone::Wib);
        assert_eq!(Zone::of_area("73.71"), Zone::Wita);
        assert_eq!(Zone::of_area("51"), Zone::Wita);
        assert_eq!(Zone::of_area("61"), Zone::Wib);
        assert_eq!(Zone::of_area("64.72"), Zone::Wita);
        assert_eq!(Zone::of_area("81.71"), Zone::Wit);
        assert_eq!(Zone::of_area("96"), Zone::Wit);
    }

    #[test]
    fn dates_read_naturally() {
        let at = datetime!(2026-08-23 17:05 UTC);
        assert_eq!(format_date(at.date(), false), "23 Agu 2026");
        assert_eq!(
            format_datetime(at, Zone::Wib, false),
            "24 Agu 2026 00.05 WIB"
        );
        assert_eq!(
            format_datetime(at, Zone::Wita, true),
            "24 Aug 2026 01:05 WITA"
        );
    }
}

// Dates in JSON as `YYYY-MM-DD` (`#[serde(with = "crate::kernel::time::ymd")]`, or
// `ymd::option` for an `Option<Date>`).
time::serde::format_description!(pub ymd, Date, "[year]-[month]-[day]");
