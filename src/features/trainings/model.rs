//! Trainings: batches (`Training`), the people in them (`Person`, enrolments), results,
//! certificates, what became of graduates (outcomes, the tracer study), public
//! applications, and who may do what with them. No I/O here.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use super::nik;
use crate::code_enum;
// The first year a batch or an outcome may be dated: the first BLKK opened in 2017.
use crate::features::centres::model::FIRST_AID_YEAR as FIRST_YEAR;
use crate::kernel::access::{Actor, Role};
use crate::kernel::code::Rupiah;
use crate::kernel::validate::{FieldErrors, Flag, Num, Patch, Problem, check};

/// What the audit trail files batches, enrolments and people under.
pub const TRAINING: &str = "training";
pub const ENROLMENT: &str = "enrolment";
pub const PERSON: &str = "person";
pub const APPLICATION: &str = "application";
/// The audit entity of the follow-up schedule (one, id 1).
pub const SCHEDULE: &str = "tracer_schedule";
/// Follow-up points: at most this many, each 1 to 60 months after a batch ends.
pub const SCHEDULE_MAX_POINTS: usize = 12;
pub const SCHEDULE_MAX_MONTHS: i64 = 60;

/// The version of the personal-data notice people agree to (shown on every form that asks).
pub const NOTICE_VERSION: &str = "2026-11";

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
    /// Sex as the NIK records it: laki-laki, perempuan.
    pub enum Sex {
        L = "L",
        P = "P",
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

code_enum! {
    /// What a graduate is doing, as last reported.
    pub enum OutcomeStatus {
        Bekerja = "bekerja",
        Wirausaha = "wirausaha",
        Melanjutkan = "melanjutkan",
        BelumBekerja = "belum_bekerja",
        /// Could not be reached.
        TidakTerlacak = "tidak_terlacak",
    }
}

code_enum! {
    /// Who reported an outcome.
    pub enum Reporter {
        Blkk = "blkk",
        Alumni = "alumni",
        Mitra = "mitra",
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

code_enum! {
    pub enum ApplicationStatus {
        Menunggu = "menunggu",
        Diterima = "diterima",
        Ditolak = "ditolak",
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

/// An outcome (tracer study answer) as given.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OutcomeInput {
    #[schema(value_type = OutcomeStatus)]
    pub status: Patch<String>,
    /// When this was true (`YYYY-MM-DD`): not before the batch ended, not in the future.
    #[schema(value_type = String, format = Date)]
    pub date: Patch<String>,
    /// For `bekerja`: the employer.
    #[schema(value_type = Option<String>, max_length = 200)]
    pub employer: Patch<String>,
    /// For `bekerja`: the employer, when it is a partner organisation.
    #[schema(value_type = Option<i64>, minimum = 1)]
    pub partner_id: Patch<Num>,
    #[schema(value_type = Option<String>, max_length = 100)]
    pub sector: Patch<String>,
    /// For `bekerja`: whether the job matches the training.
    #[schema(value_type = Option<bool>)]
    pub matches_training: Patch<Flag>,
    /// For `wirausaha`.
    #[schema(value_type = Option<String>, max_length = 200)]
    pub business_name: Patch<String>,
    #[schema(value_type = Option<String>, max_length = 100)]
    pub business_kind: Patch<String>,
    /// For `wirausaha`: people employed.
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 10000)]
    pub employees: Patch<Num>,
    /// For `melanjutkan`: the further study or training.
    #[schema(value_type = Option<String>, max_length = 200)]
    pub study: Patch<String>,
    /// `blkk`, `alumni` or `mitra`; set from the reporter's role when absent.
    #[schema(value_type = Option<Reporter>)]
    pub reported_by: Patch<String>,
}

/// A validated outcome.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Outcome {
    pub status: OutcomeStatus,
    #[serde(with = "crate::kernel::time::ymd")]
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    pub employer: String,
    pub partner_id: Option<i64>,
    pub sector: String,
    pub matches_training: Option<bool>,
    pub business_name: String,
    pub business_kind: String,
    pub employees: Option<i64>,
    pub study: String,
    pub reported_by: Reporter,
}

/// An outcome as stored.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct OutcomeRecord {
    pub id: i64,
    pub enrolment_id: i64,
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub outcome: Outcome,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

impl OutcomeInput {
    /// Checks an outcome for a graduate of a batch that ended `end_date`; `reporter` is who
    /// is reporting when the input does not say.
    pub fn validate(
        &self,
        end_date: Date,
        today: Date,
        reporter: Reporter,
    ) -> Result<Outcome, FieldErrors> {
        let mut e = FieldErrors::new();
        let status = match self.status.text().trim() {
            "" => {
                e.add("status", "required");
                None
            }
            s => OutcomeStatus::parse(s).or_else(|| {
                e.add("status", "invalid_choice");
                None
            }),
        };
        let date = match check::date_in(self.date.text(), FIRST_YEAR, i64::from(today.year())) {
            Ok(Some(d)) if d < end_date => {
                e.add("date", "before_batch_end");
                None
            }
            Ok(Some(d)) if d > today => {
                e.add("date", "in_future");
                None
            }
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                e.add("date", "required");
                None
            }
            Err(p) => {
                e.add("date", p);
                None
            }
        };
        let employer = e.take("employer", check::optional(self.employer.text(), 200));
        let partner_id = e.take(
            "partner_id",
            check::int_in(self.partner_id.text(), 1, i64::MAX),
        );
        let sector = e.take("sector", check::optional(self.sector.text(), 100));
        let business_name = e.take(
            "business_name",
            check::optional(self.business_name.text(), 200),
        );
        let business_kind = e.take(
            "business_kind",
            check::optional(self.business_kind.text(), 100),
        );
        let employees = e.take("employees", check::int_in(self.employees.text(), 0, 10_000));
        let study = e.take("study", check::optional(self.study.text(), 200));
        let reported_by = match self.reported_by.text().trim() {
            "" => Some(reporter),
            s => Reporter::parse(s).or_else(|| {
                e.add("reported_by", "invalid_choice");
                None
            }),
        };
        let matches_training = match &self.matches_training {
            Patch::Set(Flag(b)) => Some(*b),
            _ => None,
        };
        match status {
            Some(OutcomeStatus::Bekerja) if employer.is_empty() && partner_id.is_none() => {
                e.add("employer", "required")
            }
            Some(OutcomeStatus::Wirausaha) if business_name.is_empty() => {
                e.add("business_name", "required")
            }
            Some(OutcomeStatus::Melanjutkan) if study.is_empty() => e.add("study", "required"),
            _ => {}
        }
        let bekerja = status == Some(OutcomeStatus::Bekerja);
        let wirausaha = status == Some(OutcomeStatus::Wirausaha);
        match (status, date, reported_by) {
            (Some(status), Some(date), Some(reported_by)) if e.is_empty() => Ok(Outcome {
                status,
                date,
                employer: if bekerja { employer } else { String::new() },
                partner_id: partner_id.filter(|_| bekerja),
                sector: if bekerja || wirausaha {
                    sector
                } else {
                    String::new()
                },
                matches_training: matches_training.filter(|_| bekerja),
                business_name: if wirausaha {
                    business_name
                } else {
                    String::new()
                },
                business_kind: if wirausaha {
                    business_kind
                } else {
                    String::new()
                },
                employees: employees.filter(|_| wirausaha),
                study: if status == OutcomeStatus::Melanjutkan {
                    study
                } else {
                    String::new()
                },
                reported_by,
            }),
            _ => Err(e),
        }
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

/// The figures of a set of batches: counts, and the two rates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Figures {
    pub batches: i64,
    pub trainees: i64,
    pub kompeten: i64,
    pub belum_kompeten: i64,
    pub mengundurkan_diri: i64,
    /// Graduates whose latest outcome is known (anything but `tidak_terlacak`).
    pub traced: i64,
    pub bekerja: i64,
    pub wirausaha: i64,
    pub melanjutkan: i64,
    pub belum_bekerja: i64,
    pub tidak_terlacak: i64,
}

impl Figures {
    /// Finished the batch: kompeten or belum kompeten.
    pub fn graduates(&self) -> i64 {
        self.kompeten + self.belum_kompeten
    }

    /// (bekerja + wirausaha) / traced, in percent.
    pub fn placement_rate(&self) -> Option<f64> {
        percent(self.bekerja + self.wirausaha, self.traced)
    }

    /// Graduates traced / graduates, in percent.
    pub fn response_rate(&self) -> Option<f64> {
        percent(self.traced, self.graduates())
    }
}

fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
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

/// The tracer study's follow-up schedule: months after a batch ends, as the ministry sets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// Months after the batch ends, each 1-60; at least one, at most 12 (kept sorted).
    #[schema(min_items = 1, max_items = 12)]
    #[serde(deserialize_with = "crate::kernel::validate::whole_list")]
    pub months: Vec<i64>,
    /// The schedule's version: returned with it, sent back (or as `If-Match`) to change it.
    #[serde(default, deserialize_with = "crate::kernel::validate::whole_number")]
    #[schema(minimum = 1)]
    pub version: Option<i64>,
}

impl crate::kernel::web::version::Versioned for Schedule {
    fn version(&self) -> i64 {
        self.version.unwrap_or(1)
    }
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

impl Schedule {
    /// Sorted, without repeats; a field error for none, too many, or one out of range.
    pub fn validate(&self) -> Result<Vec<i64>, FieldErrors> {
        let mut months = self.months.clone();
        months.sort_unstable();
        months.dedup();
        let problem = if months.is_empty() {
            Some(Problem::from("required"))
        } else if months.len() > SCHEDULE_MAX_POINTS {
            Some(Problem {
                code: "too_many",
                args: vec![("max", SCHEDULE_MAX_POINTS.to_string())],
            })
        } else if months
            .iter()
            .any(|m| !(1..=SCHEDULE_MAX_MONTHS).contains(m))
        {
            Some(Problem::out_of_range(1, SCHEDULE_MAX_MONTHS))
        } else {
            None
        };
        match problem {
            Some(p) => Err(FieldErrors::single("months", p)),
            None => Ok(months),
        }
    }

    /// From a form's text, e.g. `1, 6, 12` (commas or spaces between the numbers), and the
    /// version the form was read at.
    pub fn parse(text: &str, version: Option<i64>) -> Result<Schedule, FieldErrors> {
        text.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .filter(|p| !p.is_empty())
            .map(|p| p.parse::<i64>())
            .collect::<Result<Vec<_>, _>>()
            .map(|months| Schedule { months, version })
            .map_err(|_| FieldErrors::single("months", "not_a_number"))
    }

    /// As a form shows it: `1, 6, 12`.
    pub fn text(&self) -> String {
        let parts: Vec<String> = self.months.iter().map(i64::to_string).collect();
        parts.join(", ")
    }
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

    #[test]
    fn outcomes_fall_between_the_end_of_the_batch_and_today() {
        let o = |status: &str, d: &str| OutcomeInput {
            status: Patch::Set(status.into()),
            date: Patch::Set(d.into()),
            employer: Patch::Set("PT Maju".into()),
            ..Default::default()
        };
        let (end, today) = (date!(2026 - 04 - 10), date!(2026 - 11 - 27));
        assert_eq!(
            o("bekerja", "2026-04-01")
                .validate(end, today, Reporter::Blkk)
                .unwrap_err()
                .get("date"),
            Some("before_batch_end")
        );
        assert_eq!(
            o("bekerja", "2026-12-01")
                .validate(end, today, Reporter::Blkk)
                .unwrap_err()
                .get("date"),
            Some("in_future")
        );
        let ok = o("belum_bekerja", "2026-05-10")
            .validate(end, today, Reporter::Alumni)
            .unwrap();
        assert_eq!(
            (ok.employer.as_str(), ok.reported_by),
            ("", Reporter::Alumni)
        );
        let e = o("wirausaha", "2026-05-10")
            .validate(end, today, Reporter::Blkk)
            .unwrap_err();
        assert_eq!(e.get("business_name"), Some("required"));
    }

    #[test]
    fn rates_are_percentages_of_what_is_known() {
        let f = Figures {
            kompeten: 14,
            belum_kompeten: 2,
            traced: 10,
            bekerja: 5,
            wirausaha: 2,
            ..Default::default()
        };
        assert_eq!(f.placement_rate(), Some(70.0));
        assert_eq!(f.response_rate(), Some(62.5));
        assert_eq!(Figures::default().placement_rate(), None);
    }
}
