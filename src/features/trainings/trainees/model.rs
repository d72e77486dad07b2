//! A trainee or an applicant (`Person`): found by NIK, never duplicated, with the notice
//! they agree to. No I/O here.

use serde::{Deserialize, Serialize};
use time::Date;

use super::nik;
use crate::code_enum;
use crate::kernel::validate::{FieldErrors, Flag, Patch, check};

pub const PERSON: &str = "person";

/// The version of the personal-data notice people agree to (shown on every form that asks).
pub const NOTICE_VERSION: &str = "2026-11";

code_enum! {
    /// Sex as the NIK records it: laki-laki, perempuan.
    pub enum Sex {
        L = "L",
        P = "P",
    }
}

code_enum! {
    /// What a person consented to, under which notice.
    pub enum ConsentPurpose {
        /// Applying for a training (the public application).
        Pendaftaran = "pendaftaran",
        /// Being enrolled and trained.
        Pelatihan = "pelatihan",
    }
}

code_enum! {
    /// What someone did with a person's data, in that person's access log.
    pub enum AccessAction {
        View = "view",
        Export = "export",
        Correct = "correct",
    }
}

/// A person's fields (a trainee or an applicant), validated.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Person {
    /// `None` once erased.
    pub nik: Option<String>,
    pub name: String,
    pub sex: Sex,
    #[serde(with = "crate::kernel::time::ymd::option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub birth_date: Option<Date>,
    pub phone: String,
    pub address: String,
    pub email: String,
}

/// A person to enrol, or an applicant, as given: found by NIK when already known.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PersonInput {
    /// 16 digits: district, birth date (day + 40 for women), serial.
    #[schema(value_type = String, min_length = 16, max_length = 19)]
    pub nik: Patch<String>,
    #[schema(value_type = String, min_length = 1, max_length = 120)]
    pub name: Patch<String>,
    /// `L` or `P`; read from the NIK when absent, and must agree with it.
    #[schema(value_type = Option<Sex>, nullable = false)]
    pub sex: Patch<String>,
    /// `YYYY-MM-DD`; read from the NIK when absent, and must agree with it.
    #[schema(value_type = Option<String>, nullable = false, format = Date)]
    pub birth_date: Patch<String>,
    #[schema(value_type = Option<String>, max_length = 30)]
    pub phone: Patch<String>,
    #[schema(value_type = Option<String>, max_length = 300)]
    pub address: Patch<String>,
    /// For the trainee's account (role peserta), invited when accepted.
    #[schema(value_type = Option<String>, max_length = 254)]
    pub email: Patch<String>,
    /// For applications: why they want to join.
    #[schema(value_type = Option<String>, max_length = 1000)]
    pub motivation: Patch<String>,
    /// Agrees to the personal-data notice (version [`NOTICE_VERSION`]); must be `true`.
    #[schema(value_type = bool)]
    pub consent: Patch<Flag>,
}

/// A valid person and the district their NIK names (checked against the area data by the
/// service).
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedPerson {
    pub person: Person,
    pub district: String,
    pub motivation: String,
}

impl PersonInput {
    pub fn validate(&self, today: Date) -> Result<CheckedPerson, FieldErrors> {
        let mut e = FieldErrors::new();
        let facts = match nik::parse(self.nik.text(), today) {
            Ok(f) => Some(f),
            Err(_) if self.nik.text().trim().is_empty() => {
                e.add("nik", "required");
                None
            }
            Err(p) => {
                e.add("nik", p);
                None
            }
        };
        let name = e.take("name", check::required(self.name.text(), 120));
        let sex = match (self.sex.text().trim(), &facts) {
            ("", Some(f)) => Some(if f.female { Sex::P } else { Sex::L }),
            ("", None) => None,
            (s, f) => match Sex::parse(&s.to_uppercase()) {
                Some(sex) if f.as_ref().is_some_and(|f| f.female != (sex == Sex::P)) => {
                    e.add("sex", "nik_mismatch");
                    None
                }
                Some(sex) => Some(sex),
                None => {
                    e.add("sex", "invalid_choice");
                    None
                }
            },
        };
        let birth_date = match (check::date(self.birth_date.text()), &facts) {
            (Ok(None), Some(f)) => Some(f.birth_date),
            (Ok(Some(d)), Some(f)) if d != f.birth_date => {
                e.add("birth_date", "nik_mismatch");
                None
            }
            (Ok(d), _) => d,
            (Err(p), _) => {
                e.add("birth_date", p);
                None
            }
        };
        if birth_date.is_some_and(|d| d > today) {
            e.add("nik", "nik_birth_date");
        }
        let phone = e.take("phone", check::phone(self.phone.text()));
        let address = e.take("address", check::optional(self.address.text(), 300));
        let email = e.take("email", check::email(self.email.text()));
        let motivation = e.take("motivation", check::optional(self.motivation.text(), 1000));
        if !matches!(self.consent, Patch::Set(Flag(true))) {
            e.add("consent", "consent_required");
        }
        match (facts, sex) {
            (Some(f), Some(sex)) if e.is_empty() => Ok(CheckedPerson {
                person: Person {
                    nik: Some(f.nik),
                    name,
                    sex,
                    birth_date,
                    phone,
                    address,
                    email,
                },
                district: f.district,
                motivation,
            }),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_person_agrees_with_their_nik() {
        let today = date!(2026 - 11 - 27);
        let input = |sex: &str, birth: &str| PersonInput {
            nik: Patch::Set("3601014508990003".into()),
            name: Patch::Set("Siti Aminah".into()),
            sex: Patch::Set(sex.into()),
            birth_date: Patch::Set(birth.into()),
            consent: Patch::Set(Flag(true)),
            ..Default::default()
        };
        let p = input("", "").validate(today).unwrap();
        assert_eq!(p.person.sex, Sex::P);
        assert_eq!(p.person.birth_date, Some(date!(1999 - 08 - 05)));
        assert_eq!(p.district, "36.01.01");
        let e = input("L", "1999-08-06").validate(today).unwrap_err();
        assert_eq!(e.get("sex"), Some("nik_mismatch"));
        assert_eq!(e.get("birth_date"), Some("nik_mismatch"));
        let mut no_consent = input("P", "1999-08-05");
        no_consent.consent = Patch::Absent;
        assert_eq!(
            no_consent.validate(today).unwrap_err().get("consent"),
            Some("consent_required")
        );
    }
}
