//! Public applications: upcoming batches as the public sees them, an application and its
//! reference code. No I/O here.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::code_enum;
use crate::features::trainings::trainees::model::Sex;

pub const APPLICATION: &str = "application";

/// The letters of an application's reference code: Crockford's base 32 (no I, L, O or U,
/// which are misread as 1, 0 or V).
const CODE_LETTERS: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A new application's reference code, `K7M2Q-9XD4H`: 50 random bits, so codes cannot be
/// guessed from one another.
pub fn new_application_code(rng: &mut impl rand::Rng) -> String {
    let mut half = || -> String {
        (0..5)
            .map(|_| char::from(CODE_LETTERS[rng.random_range(0..CODE_LETTERS.len())]))
            .collect()
    };
    let first = half();
    format!("{first}-{}", half())
}

/// Whether a text has the shape of a reference code (for showing one back).
pub fn is_application_code(s: &str) -> bool {
    let (a, b) = s.split_once('-').unwrap_or_default();
    [a, b]
        .iter()
        .all(|h| h.len() == 5 && h.bytes().all(|c| CODE_LETTERS.contains(&c)))
}

code_enum! {
    pub enum ApplicationStatus {
        Menunggu = "menunggu",
        Diterima = "diterima",
        Ditolak = "ditolak",
    }
}

/// A public application, as the BLKK sees it: only what the applicant typed (never what
/// another BLKK stored about the same NIK).
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Application {
    pub id: i64,
    /// The reference the applicant was given (`K7M2Q-9XD4H`).
    pub code: Option<String>,
    /// Send back as `version` with the decision.
    pub version: i64,
    pub training_id: i64,
    pub person_id: i64,
    pub name: String,
    pub sex: Sex,
    /// In full for the BLKK's users, else masked.
    pub nik: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub email: Option<String>,
    /// The NIK was new to Simandiri when the applicant applied.
    #[serde(skip)]
    pub new_person: bool,
    pub motivation: String,
    pub status: ApplicationStatus,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

/// A batch as the public sees it (no internal details).
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct PublicTraining {
    pub id: i64,
    pub title: String,
    pub kejuruan: String,
    pub kejuruan_name: String,
    pub centre_id: i64,
    pub centre_name: String,
    pub province_code: String,
    pub regency_code: String,
    pub regency_name: String,
    #[serde(with = "crate::kernel::time::ymd")]
    #[schema(value_type = String, format = Date)]
    pub start_date: Date,
    #[serde(with = "crate::kernel::time::ymd")]
    #[schema(value_type = String, format = Date)]
    pub end_date: Date,
    pub hours: i64,
    pub quota: i64,
    pub enrolled: i64,
    pub fee: i64,
    pub venue: String,
}

impl PublicTraining {
    pub fn seats_left(&self) -> i64 {
        (self.quota - self.enrolled).max(0)
    }
}

/// The public search's filters.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PublicFilter {
    pub province: String,
    pub regency: String,
    pub kejuruan: String,
    /// Starting on or after this date (`YYYY-MM-DD`); default today.
    pub from: String,
    /// Starting on or before this date.
    pub to: String,
    /// `gratis` (free) or `berbayar` (paid).
    pub cost: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn application_codes_are_random_and_recognised() {
        let mut rng = rand::rng();
        let a = new_application_code(&mut rng);
        let b = new_application_code(&mut rng);
        assert_ne!(a, b);
        assert_eq!(a.len(), 11, "{a}");
        assert!(is_application_code(&a), "{a}");
        assert!(!is_application_code("ABCDE-FGHIL"));
        assert!(!is_application_code("ABCDEFGHJK"));
        assert!(!is_application_code("<b>x</b>-12345"));
    }
}
