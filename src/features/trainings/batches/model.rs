//! Batches (`Training`): their plan, the trainees in them (enrolments), attendance, results
//! and certificate numbers, and who may plan, change and teach them. No I/O here.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::code_enum;
// The first year a batch may be dated: the first BLKK opened in 2017.
use crate::features::centres::model::FIRST_AID_YEAR as FIRST_YEAR;
use crate::features::trainings::tracer::model::OutcomeStatus;
use crate::features::trainings::trainees::model::Sex;
use crate::features::trainings::trainees::nik;
use crate::kernel::access::{Actor, Role};
use crate::kernel::code::Rupiah;
use crate::kernel::validate::{FieldErrors, Flag, Num, Patch, Problem, check};

/// What the audit trail files batches, enrolments and people under.
pub const TRAINING: &str = "training";

pub const ENROLMENT: &str = "enrolment";

/// A ministry-funded PBK class: the defaults a new batch form starts from.
pub const PBK_QUOTA: i64 = 16;

pub const PBK_HOURS: i64 = 240;

code_enum! {
    /// Who pays for a batch.
    pub enum Funding {
        /// Ministry aid (Pelatihan Berbasis Kompetensi).
        Pbk = "pbk",
        /// Other central budget.
        ApbnLain = "apbn_lain",
        /// Regional budget (Disnaker).
        Apbd = "apbd",
        /// A company (CSR or contract).
        Perusahaan = "perusahaan",
        /// A partner.
        Mitra = "mitra",
        /// The trainees themselves.
        Swadaya = "swadaya",
        Lainnya = "lainnya",
    }
}

code_enum! {
    /// A trainee's result.
    pub enum Competence {
        Kompeten = "kompeten",
        BelumKompeten = "belum_kompeten",
        /// Withdrew: not a graduate.
        MengundurkanDiri = "mengundurkan_diri",
    }
}

impl Competence {
    /// Finished the batch (whether judged competent or not): a graduate, traced afterwards.
    pub fn graduated(self) -> bool {
        self != Competence::MengundurkanDiri
    }
}

/// A validated batch: what is written and what the audit trail compares.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Training {
    pub centre_id: i64,
    /// A code from the kejuruan catalogue.
    pub kejuruan: String,
    pub title: String,
    #[serde(with = "crate::kernel::time::ymd")]
    #[schema(value_type = String, format = Date)]
    pub start_date: Date,
    #[serde(with = "crate::kernel::time::ymd")]
    #[schema(value_type = String, format = Date)]
    pub end_date: Date,
    /// Lesson hours (JP).
    pub hours: i64,
    pub quota: i64,
    /// Per trainee, whole rupiah; 0 is free.
    pub fee: i64,
    pub funding: Funding,
    /// The partner organisation behind the batch, if any.
    pub partner_id: Option<i64>,
    pub venue: String,
    /// Listed publicly and open to applications while it has not started.
    pub open_to_public: bool,
    /// The users (role instruktur of its BLKK) who teach it.
    #[sqlx(skip)]
    pub instructor_ids: Vec<i64>,
}

/// What a form or an API call gives to plan or change a batch. Absent fields keep their
/// value.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TrainingInput {
    /// The BLKK; required from admins, else the user's own BLKK. Never changes.
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[schema(minimum = 1)]
    pub centre_id: Option<i64>,
    /// A code from `GET /api/v1/kejuruan`.
    #[schema(value_type = Option<String>, nullable = false, min_length = 1, max_length = 40)]
    pub kejuruan: Patch<String>,
    #[schema(value_type = Option<String>, nullable = false, min_length = 1, max_length = 200)]
    pub title: Patch<String>,
    /// `YYYY-MM-DD`.
    #[schema(value_type = Option<String>, nullable = false, format = Date)]
    pub start_date: Patch<String>,
    /// `YYYY-MM-DD`, not before the start.
    #[schema(value_type = Option<String>, nullable = false, format = Date)]
    pub end_date: Patch<String>,
    /// Lesson hours (JP), 1 to 2000.
    #[schema(value_type = Option<i64>, nullable = false, minimum = 1, maximum = 2000)]
    pub hours: Patch<Num>,
    /// 1 to 500.
    #[schema(value_type = Option<i64>, nullable = false, minimum = 1, maximum = 500)]
    pub quota: Patch<Num>,
    /// Fee per trainee in whole rupiah; 0 is free.
    #[schema(value_type = Option<i64>, nullable = false, minimum = 0, maximum = 100000000)]
    pub fee: Patch<Num>,
    #[schema(value_type = Option<Funding>, nullable = false)]
    pub funding: Patch<String>,
    /// A partner organisation (kind `mitra`); `null` clears it.
    #[schema(value_type = Option<i64>, minimum = 1)]
    pub partner_id: Patch<Num>,
    #[schema(value_type = Option<String>, max_length = 200)]
    pub venue: Patch<String>,
    #[schema(value_type = Option<bool>, nullable = false)]
    pub open_to_public: Patch<Flag>,
    /// Users with the role instruktur of the same BLKK.
    #[schema(value_type = Option<Vec<i64>>, nullable = false)]
    pub instructor_ids: Patch<Vec<Num>>,
    /// The version last read; the change is refused (409) if the batch changed since.
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[schema(minimum = 1)]
    pub version: Option<i64>,
}

fn text(v: Option<&String>) -> &str {
    v.map_or("", String::as_str)
}

fn num(v: Option<&Num>) -> &str {
    v.map_or("", Num::text)
}

fn required_int(v: Option<&Num>, min: i64, max: i64) -> Result<i64, Problem> {
    check::int_in(num(v), min, max)?.ok_or_else(|| "required".into())
}

/// A batch runs at most this many years.
pub const MAX_BATCH_YEARS: i32 = 2;

/// A batch's start or end: from [`FIRST_YEAR`] to the year after next.
fn batch_date(v: Option<&String>) -> Result<Date, Problem> {
    let this_year = crate::kernel::time::this_year();
    check::date_in(text(v), FIRST_YEAR, this_year + 2)?.ok_or_else(|| "required".into())
}

impl TrainingInput {
    /// The fields a new batch must be given.
    pub fn required_to_create() -> Vec<String> {
        match TrainingInput::default().validate(None, 1) {
            Ok(_) => Vec::new(),
            Err(e) => e
                .iter()
                .filter(|f| f.code == "required")
                .map(|f| f.field.to_string())
                .collect(),
        }
    }

    /// The batch this input makes for BLKK `centre_id`, new or over a stored one.
    pub fn validate(
        &self,
        current: Option<&Training>,
        centre_id: i64,
    ) -> Result<Training, FieldErrors> {
        let mut e = FieldErrors::new();
        let cur = current;
        let kejuruan = e.take(
            "kejuruan",
            check::patched(&self.kejuruan, cur.map(|c| &c.kejuruan), |v| {
                check::required(text(v), 40)
            }),
        );
        let title = e.take(
            "title",
            check::patched(&self.title, cur.map(|c| &c.title), |v| {
                check::required(text(v), 200)
            }),
        );
        let start = check::patched(&self.start_date, cur.map(|c| &c.start_date), batch_date);
        let end = check::patched(&self.end_date, cur.map(|c| &c.end_date), batch_date);
        let (start_date, end_date) = match (start, end) {
            (Ok(s), Ok(en)) => {
                // The same day two years on (from 29 February: 28 February).
                let longest = s
                    .replace_year(s.year() + MAX_BATCH_YEARS)
                    .unwrap_or_else(|_| {
                        s.saturating_add(time::Duration::days(365 * i64::from(MAX_BATCH_YEARS)))
                    });
                if en < s {
                    e.add("end_date", "end_before_start");
                } else if en > longest {
                    e.add(
                        "end_date",
                        Problem {
                            code: "batch_too_long",
                            args: vec![("max", MAX_BATCH_YEARS.to_string())],
                        },
                    );
                }
                (s, en)
            }
            (s, en) => {
                let s: Option<Date> = e.take("start_date", s.map(Some));
                let en: Option<Date> = e.take("end_date", en.map(Some));
                (s.unwrap_or(Date::MIN), en.unwrap_or(Date::MIN))
            }
        };
        let hours = e.take(
            "hours",
            check::patched(&self.hours, cur.map(|c| &c.hours), |v| {
                required_int(v, 1, 2000)
            }),
        );
        let quota = e.take(
            "quota",
            check::patched(&self.quota, cur.map(|c| &c.quota), |v| {
                required_int(v, 1, 500)
            }),
        );
        let fee = e.take(
            "fee",
            check::patched(&self.fee, cur.map(|c| &c.fee), |v| match num(v).trim() {
                "" => Ok(0),
                t => match Rupiah::parse(t) {
                    Some(Rupiah(n)) if (0..=100_000_000).contains(&n) => Ok(n),
                    Some(_) => Err(Problem::out_of_range(0, 100_000_000)),
                    None => Err("not_a_number".into()),
                },
            }),
        );
        let current_funding = cur.map(|c| Some(c.funding));
        let funding = e.take(
            "funding",
            check::patched(&self.funding, current_funding.as_ref(), |v| {
                match text(v).trim() {
                    "" => Err("required".into()),
                    s => Funding::parse(s).map(Some).ok_or("invalid_choice".into()),
                }
            }),
        );
        let partner_id = e.take(
            "partner_id",
            check::patched(&self.partner_id, cur.map(|c| &c.partner_id), |v| {
                check::int_in(num(v), 1, i64::MAX)
            }),
        );
        let venue = e.take(
            "venue",
            check::patched(&self.venue, cur.map(|c| &c.venue), |v| {
                check::optional(text(v), 200)
            }),
        );
        let open_to_public = match (&self.open_to_public, cur) {
            (Patch::Set(Flag(b)), _) => *b,
            (_, Some(c)) => c.open_to_public,
            _ => true,
        };
        let instructor_ids = match (&self.instructor_ids, cur) {
            (Patch::Set(list), _) => {
                let mut ids = Vec::new();
                for n in list {
                    match check::int_in(n.text(), 1, i64::MAX) {
                        Ok(Some(id)) => ids.push(id),
                        Ok(None) => {}
                        Err(_) => e.add("instructor_ids", "invalid_choice"),
                    }
                }
                ids.sort_unstable();
                ids.dedup();
                ids
            }
            (Patch::Null, _) => Vec::new(),
            (Patch::Absent, Some(c)) => c.instructor_ids.clone(),
            (Patch::Absent, None) => Vec::new(),
        };
        match funding {
            Some(funding) if e.is_empty() => Ok(Training {
                centre_id,
                kejuruan,
                title,
                start_date,
                end_date,
                hours,
                quota,
                fee,
                funding,
                partner_id,
                venue,
                open_to_public,
                instructor_ids,
            }),
            _ => Err(e),
        }
    }
}

/// A batch as stored, with the names it refers to.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct TrainingRecord {
    pub id: i64,
    /// Send back as `version` to refuse overwriting someone else's change.
    pub version: i64,
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub training: Training,
    pub centre_name: String,
    pub kejuruan_name: String,
    pub partner_name: Option<String>,
    pub province_code: String,
    pub regency_code: String,
    /// Trainees enrolled (at most the quota).
    pub enrolled: i64,
    /// When the batch was closed: results final, no more enrolments.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub closed_at: Option<OffsetDateTime>,
}

impl TrainingRecord {
    pub fn is_closed(&self) -> bool {
        self.closed_at.is_some()
    }

    pub fn seats_left(&self) -> i64 {
        (self.training.quota - self.enrolled).max(0)
    }
}

/// The batch list's filters (a BLKK's list, or across a scope).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct TrainingFilter {
    /// Only this BLKK's batches.
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[param(minimum = 1)]
    pub centre: Option<i64>,
    /// Batches starting in this year.
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i64>,
    /// Province code (`36`).
    pub province: String,
    /// Regency code (`36.01`).
    pub regency: String,
    pub kejuruan: String,
    pub funding: Option<Funding>,
}

impl TrainingFilter {
    /// The documented bounds of the numeric filters.
    pub fn check(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if self.year.is_some_and(|y| !(2000..=2100).contains(&y)) {
            e.add("year", Problem::out_of_range(2000, 2100));
        }
        if self.centre.is_some_and(|c| c < 1) {
            e.add("centre", "not_found");
        }
        e.finish(())
    }
}

/// A trainee in a batch, as the viewer may see them: personal data only for those who may
/// (else the NIK masked and the rest absent).
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Enrolment {
    pub id: i64,
    /// Send back as `version` with a result.
    pub version: i64,
    pub training_id: i64,
    pub person_id: i64,
    pub name: String,
    pub sex: Sex,
    /// In full for those who may see personal data, else masked (`3601********0003`).
    pub nik: Option<String>,
    #[serde(with = "crate::kernel::time::ymd::option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub birth_date: Option<Date>,
    pub phone: Option<String>,
    pub address: Option<String>,
    /// The BLKK's record of this person is linked to the person's own data (they confirmed,
    /// or showed they were present); until then it holds only what the BLKK typed.
    pub linked: bool,
    pub result: Option<Competence>,
    pub certificate_no: Option<String>,
    pub bnsp_certificate_no: Option<String>,
    /// The last reported outcome, and when.
    pub latest_status: Option<OutcomeStatus>,
    #[serde(with = "crate::kernel::time::ymd::option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub latest_date: Option<Date>,
    /// When the next tracer follow-up falls due.
    #[serde(with = "crate::kernel::time::ymd::option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub next_due: Option<Date>,
    /// Sessions attended, of those recorded.
    pub present: i64,
    pub sessions: i64,
}

impl Enrolment {
    /// Hides personal data from a viewer without access.
    pub fn masked(mut self) -> Enrolment {
        self.nik = self.nik.as_deref().map(nik::mask);
        self.birth_date = None;
        self.phone = None;
        self.address = None;
        self
    }
}

/// A result to record for one trainee.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ResultInput {
    #[schema(value_type = Competence)]
    pub result: Patch<String>,
    /// The training certificate's number; unique.
    #[schema(value_type = Option<String>, max_length = 60)]
    pub certificate_no: Patch<String>,
    /// The BNSP competency certificate's number, where given; unique.
    #[schema(value_type = Option<String>, max_length = 60)]
    pub bnsp_certificate_no: Patch<String>,
    /// The enrolment's version last read; refused (409) if someone recorded since.
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[schema(minimum = 1)]
    pub version: Option<i64>,
}

/// A validated result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResultFields {
    pub result: Competence,
    pub certificate_no: Option<String>,
    pub bnsp_certificate_no: Option<String>,
}

fn certificate(v: &str) -> Result<Option<String>, Problem> {
    let t = check::optional(v, 60)?;
    Ok((!t.is_empty()).then_some(t))
}

impl ResultInput {
    /// Checks the result for a batch ending `end_date`, on `today`.
    pub fn validate(&self, end_date: Date, today: Date) -> Result<ResultFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let result = match self.result.text().trim() {
            "" => {
                e.add("result", "required");
                None
            }
            s => match Competence::parse(s) {
                // Withdrawing can happen any time; a result only once the batch has ended.
                Some(r) if r.graduated() && end_date > today => {
                    e.add("result", "before_batch_end");
                    None
                }
                Some(r) => Some(r),
                None => {
                    e.add("result", "invalid_choice");
                    None
                }
            },
        };
        let certificate_no = e.take("certificate_no", certificate(self.certificate_no.text()));
        let bnsp_certificate_no = e.take(
            "bnsp_certificate_no",
            certificate(self.bnsp_certificate_no.text()),
        );
        if result.is_some_and(|r| !r.graduated()) {
            if certificate_no.is_some() {
                e.add("certificate_no", "not_for_withdrawn");
            }
            if bnsp_certificate_no.is_some() {
                e.add("bnsp_certificate_no", "not_for_withdrawn");
            }
        }
        match result {
            Some(result) if e.is_empty() => Ok(ResultFields {
                result,
                certificate_no,
                bnsp_certificate_no,
            }),
            _ => Err(e),
        }
    }
}

/// May see a BLKK's batches and their figures: users whose scope covers it.
/// (Checked with the centre's facts by the service.)
///
/// May plan, change and close batches and enrol trainees at a BLKK: its managers, and
/// ministry admins.
pub fn can_manage(actor: &Actor, centre_id: i64) -> bool {
    actor.is_admin() || (actor.role == Role::Pengelola && actor.org_id == Some(centre_id))
}

/// May plan batches at all: BLKK managers and ministry admins.
pub fn can_plan(actor: &Actor) -> bool {
    actor.is_admin() || actor.role == Role::Pengelola
}

/// May record attendance and results in a batch: those who manage it, and its instructors.
pub fn can_teach(actor: &Actor, t: &Training) -> bool {
    can_manage(actor, t.centre_id)
        || (actor.role == Role::Instruktur
            && actor.org_id == Some(t.centre_id)
            && t.instructor_ids.contains(&actor.user_id))
}

/// May see trainees' personal data (NIK, birth date, phone, address) at a BLKK: its own
/// users and ministry admins (the trainee themself sees their own through their account).
pub fn sees_personal_data(actor: &Actor, centre_id: i64) -> bool {
    actor.is_admin()
        || (matches!(actor.role, Role::Pengelola | Role::Instruktur)
            && actor.org_id == Some(centre_id))
}

impl crate::kernel::web::version::Versioned for Enrolment {
    fn version(&self) -> i64 {
        self.version
    }
}

impl crate::kernel::web::version::Versioned for TrainingRecord {
    fn version(&self) -> i64 {
        self.version
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn batch() -> TrainingInput {
        serde_json::from_value(serde_json::json!({
            "kejuruan": "tik", "title": "Desain grafis", "start_date": "2026-03-02",
            "end_date": "2026-04-10", "hours": 240, "quota": 16, "fee": 0, "funding": "pbk"
        }))
        .unwrap()
    }

    #[test]
    fn a_batch_needs_its_fields_and_ends_after_it_starts() {
        let t = batch().validate(None, 7).unwrap();
        assert_eq!((t.centre_id, t.quota, t.funding), (7, 16, Funding::Pbk));
        let mut bad = batch();
        bad.end_date = Patch::Set("2026-03-01".into());
        bad.quota = Patch::Set(Num("0".into()));
        bad.fee = Patch::Set(Num("Rp 150.000,50".into()));
        let e = bad.validate(None, 7).unwrap_err();
        assert_eq!(e.get("end_date"), Some("end_before_start"));
        assert_eq!(e.get("quota"), Some("out_of_range"));
        assert_eq!(e.get("fee"), Some("not_a_number"));
        let mut required = TrainingInput::required_to_create();
        required.sort();
        assert_eq!(
            required,
            [
                "end_date",
                "funding",
                "hours",
                "kejuruan",
                "quota",
                "start_date",
                "title"
            ]
        );
    }

    #[test]
    fn results_wait_for_the_end_of_the_batch() {
        let r = |result: &str, cert: &str| ResultInput {
            result: Patch::Set(result.into()),
            certificate_no: Patch::Set(cert.into()),
            ..Default::default()
        };
        let end = date!(2026 - 12 - 01);
        let e = r("kompeten", "")
            .validate(end, date!(2026 - 11 - 27))
            .unwrap_err();
        assert_eq!(e.get("result"), Some("before_batch_end"));
        assert!(
            r("mengundurkan_diri", "")
                .validate(end, date!(2026 - 11 - 27))
                .is_ok()
        );
        let ok = r("kompeten", " 001/PBK/2026 ").validate(end, end).unwrap();
        assert_eq!(ok.certificate_no.as_deref(), Some("001/PBK/2026"));
        let e = r("mengundurkan_diri", "X1").validate(end, end).unwrap_err();
        assert_eq!(e.get("certificate_no"), Some("not_for_withdrawn"));
    }
}
