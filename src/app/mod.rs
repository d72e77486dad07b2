//! Use cases: each checks access, validates, and stores in one transaction with its audit
//! record. Pages, the API and the CLI all call these, so a rule is enforced once.

pub mod auth;
pub mod centres;
mod error;
pub mod orgs;
pub mod users;

pub use error::AppError;

/// "Now" for stored timestamps: always UTC.
pub fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

/// The current year, for validating years typed into forms.
pub fn this_year() -> i64 {
    i64::from(now().year())
}
