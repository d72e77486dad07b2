//! The NIK (Nomor Induk Kependudukan), Indonesia's 16-digit personal number:
//! `PPKKCC DDMMYY SSSS` — the district (kecamatan) where it was issued, the birth date (the
//! day plus 40 for women) and a serial. Checked here for its form and date; the service
//! checks that the district exists in the area data.

use time::{Date, Month};

use crate::kernel::validate::Problem;

/// What a valid NIK says about its holder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NikFacts {
    /// The 16 digits.
    pub nik: String,
    /// The district code as the area data writes it: `36.01.01`.
    pub district: String,
    pub birth_date: Date,
    pub female: bool,
}

/// Checks a NIK as typed (spaces and dots ignored). Two-digit years are read as the latest
/// year that makes the holder at least 10 years old on `today`.
pub fn parse(typed: &str, today: Date) -> Result<NikFacts, Problem> {
    let nik: String = typed
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect();
    if nik.len() != 16 || !nik.bytes().all(|b| b.is_ascii_digit()) {
        return Err("nik_format".into());
    }
    let num = |from: usize| -> u8 { nik[from..from + 2].parse().unwrap_or(0) };
    let (province, regency, district) = (num(0), num(2), num(4));
    if province < 11 || regency == 0 || district == 0 {
        return Err("nik_area".into());
    }
    if &nik[12..] == "0000" {
        return Err("nik_format".into());
    }
    let (mut day, month, yy) = (num(6), num(8), i32::from(num(10)));
    let female = day > 40;
    if female {
        day -= 40;
    }
    let month = Month::try_from(month).map_err(|_| Problem::from("nik_birth_date"))?;
    let century = if 2000 + yy <= today.year() - 10 {
        2000
    } else {
        1900
    };
    let birth_date = Date::from_calendar_date(century + yy, month, day)
        .map_err(|_| Problem::from("nik_birth_date"))?;
    Ok(NikFacts {
        district: format!("{}.{}.{}", &nik[0..2], &nik[2..4], &nik[4..6]),
        nik,
        birth_date,
        female,
    })
}

/// The NIK as those without access to personal data see it: `3601********0003`.
pub fn mask(nik: &str) -> String {
    if nik.len() != 16 || !nik.is_ascii() {
        return "*".repeat(16);
    }
    format!("{}********{}", &nik[..4], &nik[12..])
}

/// A NIK for synthetic data: valid for `district` (`36.01.01`), `birth_date` and sex.
pub fn synthetic(district: &str, birth_date: Date, female: bool, serial: u16) -> String {
    let day = birth_date.day() + if female { 40 } else { 0 };
    format!(
        "{}{:02}{:02}{:02}{:04}",
        district.replace('.', ""),
        day,
        u8::from(birth_date.month()),
        birth_date.year().rem_euclid(100),
        serial.clamp(1, 9999)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 27);

    #[test]
    fn reads_district_birth_date_and_sex() {
        let f = parse("3601 0145 0899 0003", TODAY).unwrap();
        assert_eq!(f.nik, "3601014508990003");
        assert_eq!(f.district, "36.01.01");
        assert_eq!(f.birth_date, date!(1999 - 08 - 05));
        assert!(f.female);
        let m = parse("3273022512050001", TODAY).unwrap();
        assert_eq!(m.birth_date, date!(2005 - 12 - 25));
        assert!(!m.female);
    }

    #[test]
    fn refuses_what_cannot_be_a_nik() {
        let code = |s: &str| parse(s, TODAY).unwrap_err().code;
        assert_eq!(code("360101450899000"), "nik_format");
        assert_eq!(code("36010145089900031"), "nik_format");
        assert_eq!(code("36010145O8990003"), "nik_format");
        assert_eq!(code("3601014508990000"), "nik_format");
        assert_eq!(code("0601014508990003"), "nik_area");
        assert_eq!(code("3600014508990003"), "nik_area");
        assert_eq!(code("3601013208990003"), "nik_birth_date");
        assert_eq!(code("3601017208990003"), "nik_birth_date");
        assert_eq!(code("3601010513990003"), "nik_birth_date");
        assert_eq!(code("3601013102990003"), "nik_birth_date");
    }

    #[test]
    fn masks_all_but_the_ends() {
        assert_eq!(mask("3601014508990003"), "3601********0003");
        assert_eq!(mask("123"), "****************");
    }

    #[test]
    fn synthetic_niks_are_valid_and_say_what_they_were_made_from() {
        for (birth, female) in [
            (date!(1998 - 02 - 28), true),
            (date!(2004 - 10 - 01), false),
        ] {
            let nik = synthetic("73.15.02", birth, female, 17);
            let f = parse(&nik, TODAY).unwrap();
            assert_eq!(
                (f.district.as_str(), f.birth_date, f.female),
                ("73.15.02", birth, female)
            );
        }
    }
}
