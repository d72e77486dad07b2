//! Partnerships (kerja sama): an agreement (MoU or PKS) between a BLKK, or a forum on behalf
//! of its member BLKK, and a partner organisation; what it covers, when, what it is worth,
//! who confirmed it; and who may do what with it. No I/O here.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::code_enum;
use crate::kernel::access::{Actor, Role};
use crate::kernel::code::Rupiah;
use crate::kernel::validate::{FieldErrors, Num, Patch, Problem, check};

/// What the audit trail files agreements under.
pub const PARTNERSHIP: &str = "partnership";
/// The largest value an agreement may state (Rp 100 miliar): beyond it, a typing mistake.
pub const MAX_RUPIAH: i64 = 100_000_000_000;
/// Days before its end an agreement's holders are reminded.
pub const REMIND_DAYS: [i64; 2] = [60, 30];
/// At most this many files (the signed document, annexes) on one agreement.
pub const MAX_ATTACHMENTS: i64 = 10;

code_enum! {
    /// The document the agreement is: a memorandum of understanding or a cooperation
    /// agreement (perjanjian kerja sama).
    pub enum Document {
        Mou = "mou",
        Pks = "pks",
    }
}

code_enum! {
    pub enum PartnershipStatus {
        Draft = "draft",
        Aktif = "aktif",
        Berakhir = "berakhir",
    }
}

code_enum! {
    /// What a partnership covers.
    pub enum Coverage {
        /// The partner pays for trainings.
        Pendanaan = "pendanaan",
        /// Equipment given or lent.
        Peralatan = "peralatan",
        /// The partner employs graduates.
        Penempatan = "penempatan",
        /// Internships (magang) for trainees.
        Magang = "magang",
        /// The partner provides instructors.
        Instruktur = "instruktur",
        /// The partner buys the BLKK's products or services.
        PembelianProduk = "pembelian_produk",
        /// Corporate social responsibility.
        Csr = "csr",
    }
}

/// A validated agreement: what is written and what the audit trail compares.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Partnership {
    /// The BLKK or forum holding it.
    pub holder_id: i64,
    /// The partner organisation.
    pub partner_id: i64,
    pub title: String,
    pub document: Document,
    /// The document's number, as signed.
    pub doc_no: String,
    /// What it covers (at least one).
    pub coverage: Vec<Coverage>,
    #[serde(with = "crate::kernel::time::ymd")]
    #[schema(value_type = String, format = Date)]
    pub start_date: Date,
    #[serde(with = "crate::kernel::time::ymd")]
    #[schema(value_type = String, format = Date)]
    pub end_date: Date,
    /// Its value in money, whole rupiah.
    pub value_rupiah: i64,
    /// The estimated value of what is given in kind (equipment, instructors), whole rupiah.
    pub in_kind_rupiah: i64,
    /// What is given in kind.
    pub in_kind_note: String,
    pub status: PartnershipStatus,
    /// The BLKK taking part: the holder itself, or (for a forum) some of its members.
    pub member_ids: Vec<i64>,
}

/// An agreement as stored and shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PartnershipRecord {
    pub id: i64,
    #[serde(flatten)]
    pub partnership: Partnership,
    pub holder_name: String,
    /// `blkk` or `forum`.
    pub holder_kind: String,
    pub partner_name: String,
    /// The partner's kind and subtype (`mitra`/`perusahaan`, `disnaker`/`kabupaten_kota`).
    pub partner_kind: String,
    pub partner_subtype: String,
    /// The BLKK taking part, by name (same order as `member_ids`).
    pub member_names: Vec<String>,
    /// When the partner confirmed it, and who.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub confirmed_at: Option<OffsetDateTime>,
    pub confirmed_by_name: Option<String>,
    pub version: i64,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

impl PartnershipRecord {
    /// Its status today: an active agreement past its end date has ended.
    pub fn status_on(&self, today: Date) -> PartnershipStatus {
        let p = &self.partnership;
        if p.status == PartnershipStatus::Aktif && p.end_date < today {
            PartnershipStatus::Berakhir
        } else {
            p.status
        }
    }
}

/// What came of an agreement, from the records, while it ran.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PartnershipRealisation {
    /// Batches of the member BLKK funded by the partner.
    pub trainings: i64,
    /// Their trainees.
    pub trainees: i64,
    /// Graduates of the member BLKK placed with the partner.
    pub placed: i64,
}

/// What a form or an API call gives to record or change an agreement. Absent fields keep
/// their value.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PartnershipInput {
    /// The BLKK or forum holding it; required from admins, else the user's own. Never
    /// changes.
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[schema(minimum = 1)]
    pub holder_id: Option<i64>,
    /// An organisation (a company, UMKM, university, association, government office, a
    /// person), not a BLKK.
    #[schema(value_type = Option<i64>, nullable = false, minimum = 1)]
    pub partner_id: Patch<Num>,
    #[schema(value_type = Option<String>, nullable = false, min_length = 1, max_length = 200)]
    pub title: Patch<String>,
    #[schema(value_type = Option<Document>, nullable = false)]
    pub document: Patch<String>,
    #[schema(value_type = Option<String>, max_length = 100)]
    pub doc_no: Patch<String>,
    /// At least one.
    #[schema(value_type = Option<Vec<Coverage>>, nullable = false)]
    pub coverage: Patch<Vec<String>>,
    /// `YYYY-MM-DD`.
    #[schema(value_type = Option<String>, nullable = false, format = Date)]
    pub start_date: Patch<String>,
    /// `YYYY-MM-DD`, not before the start.
    #[schema(value_type = Option<String>, nullable = false, format = Date)]
    pub end_date: Patch<String>,
    /// Whole rupiah, 0 to 100,000,000,000.
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 100000000000_i64)]
    pub value_rupiah: Patch<Num>,
    /// Whole rupiah, 0 to 100,000,000,000.
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 100000000000_i64)]
    pub in_kind_rupiah: Patch<Num>,
    #[schema(value_type = Option<String>, max_length = 500)]
    pub in_kind_note: Patch<String>,
    #[schema(value_type = Option<PartnershipStatus>, nullable = false)]
    pub status: Patch<String>,
    /// For a forum's agreement: the member BLKK taking part (at least one). A BLKK's own
    /// agreement has itself.
    #[schema(value_type = Option<Vec<i64>>, nullable = false)]
    pub member_ids: Patch<Vec<Num>>,
    /// A partner not yet in Simandiri (a local company, an UMKM, a person): its name, when
    /// `partner_id` is not given. It is added in the holder's area (or the one of that name
    /// there is used).
    #[serde(skip_serializing_if = "String::is_empty")]
    #[schema(max_length = 200)]
    pub new_partner_name: String,
    /// Its kind: `perusahaan`, `umkm`, `perguruan_tinggi`, `asosiasi`, `pemerintah` or
    /// `perorangan`.
    #[serde(skip_serializing_if = "String::is_empty")]
    #[schema(max_length = 40)]
    pub new_partner_subtype: String,
    /// The version last read; the change is refused (409) if the agreement changed since.
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[schema(minimum = 1)]
    pub version: Option<i64>,
}

fn text(v: Option<&String>) -> &str {
    v.map_or("", String::as_str)
}

fn rupiah(v: Option<&Num>) -> Result<i64, Problem> {
    match v.map_or("", Num::text).trim() {
        "" => Ok(0),
        t => match Rupiah::parse(t) {
            Some(Rupiah(n)) if (0..=MAX_RUPIAH).contains(&n) => Ok(n),
            Some(_) => Err(Problem::out_of_range(0, MAX_RUPIAH)),
            None => Err("not_a_number".into()),
        },
    }
}

/// The years an agreement's start or end may fall in: from 2000 (some pesantren signed
/// long before their BLKK opened) to [`YEARS_AHEAD`] years from now.
pub const FIRST_YEAR: i64 = 2000;
pub const YEARS_AHEAD: i64 = 10;

fn agreement_date(v: Option<&String>) -> Result<Date, Problem> {
    let last = crate::kernel::time::this_year() + YEARS_AHEAD;
    check::date_in(text(v), FIRST_YEAR, last)?.ok_or_else(|| "required".into())
}

fn code<T: Copy>(v: Option<&String>, parse: impl Fn(&str) -> Option<T>) -> Result<T, Problem> {
    match text(v).trim() {
        "" => Err("required".into()),
        s => parse(s).ok_or_else(|| "invalid_choice".into()),
    }
}

impl PartnershipInput {
    /// The fields a new agreement must be given.
    pub fn required_to_create() -> Vec<String> {
        match PartnershipInput::default().validate(None, 1, true) {
            Ok(_) => Vec::new(),
            Err(e) => e
                .iter()
                .filter(|f| f.code == "required")
                .map(|f| f.field.to_string())
                .collect(),
        }
    }

    /// The agreement this input makes for `holder_id`, new or over a stored one. A BLKK's
    /// own agreement has itself as its one member (`holder_is_centre`).
    pub fn validate(
        &self,
        current: Option<&Partnership>,
        holder_id: i64,
        holder_is_centre: bool,
    ) -> Result<Partnership, FieldErrors> {
        let mut e = FieldErrors::new();
        let cur = current;
        let partner_id = e.take(
            "partner_id",
            check::patched(&self.partner_id, cur.map(|c| &c.partner_id), |v| {
                check::int_in(v.map_or("", Num::text), 1, i64::MAX)?
                    .ok_or_else(|| "required".into())
            }),
        );
        if partner_id == holder_id {
            e.add("partner_id", "invalid_choice");
        }
        let title = e.take(
            "title",
            check::patched(&self.title, cur.map(|c| &c.title), |v| {
                check::required(text(v), 200)
            }),
        );
        let document = e.take(
            "document",
            check::patched(&self.document, cur.map(|c| &c.document), |v| {
                code(v, Document::parse)
            })
            .map(Some),
        );
        let doc_no = e.take(
            "doc_no",
            check::patched(&self.doc_no, cur.map(|c| &c.doc_no), |v| {
                check::optional(text(v), 100)
            }),
        );
        let coverage = e.take(
            "coverage",
            check::patched(&self.coverage, cur.map(|c| &c.coverage), |v| {
                let mut out = Vec::new();
                // A form's "none ticked" arrives as one empty value.
                for s in v.map_or(&[][..], Vec::as_slice).iter().map(|s| s.trim()) {
                    if !s.is_empty() {
                        out.push(Coverage::parse(s).ok_or("invalid_choice")?);
                    }
                }
                out.sort_unstable();
                out.dedup();
                if out.is_empty() {
                    return Err("required".into());
                }
                Ok(out)
            }),
        );
        let start = check::patched(&self.start_date, cur.map(|c| &c.start_date), agreement_date);
        let end = check::patched(&self.end_date, cur.map(|c| &c.end_date), agreement_date);
        let (start_date, end_date) = match (start, end) {
            (Ok(s), Ok(en)) => {
                if en < s {
                    e.add("end_date", "end_before_start");
                }
                (s, en)
            }
            (s, en) => {
                let s: Option<Date> = e.take("start_date", s.map(Some));
                let en: Option<Date> = e.take("end_date", en.map(Some));
                (s.unwrap_or(Date::MIN), en.unwrap_or(Date::MIN))
            }
        };
        let value_rupiah = e.take(
            "value_rupiah",
            check::patched(&self.value_rupiah, cur.map(|c| &c.value_rupiah), rupiah),
        );
        let in_kind_rupiah = e.take(
            "in_kind_rupiah",
            check::patched(&self.in_kind_rupiah, cur.map(|c| &c.in_kind_rupiah), rupiah),
        );
        let in_kind_note = e.take(
            "in_kind_note",
            check::patched(&self.in_kind_note, cur.map(|c| &c.in_kind_note), |v| {
                check::optional(text(v), 500)
            }),
        );
        let status = e.take(
            "status",
            check::patched(&self.status, cur.map(|c| &c.status), |v| match v {
                None => Ok(PartnershipStatus::Draft),
                Some(s) if s.trim().is_empty() => Ok(PartnershipStatus::Draft),
                v => code(v, PartnershipStatus::parse),
            })
            .map(Some),
        );
        let member_ids = if holder_is_centre {
            vec![holder_id]
        } else {
            match (&self.member_ids, cur) {
                (Patch::Set(list), _) => {
                    let mut ids = Vec::new();
                    for n in list {
                        match check::int_in(n.text(), 1, i64::MAX) {
                            Ok(Some(id)) => ids.push(id),
                            Ok(None) => {}
                            Err(_) => e.add("member_ids", "invalid_choice"),
                        }
                    }
                    ids.sort_unstable();
                    ids.dedup();
                    ids
                }
                (Patch::Absent, Some(c)) => c.member_ids.clone(),
                _ => Vec::new(),
            }
        };
        if member_ids.is_empty() {
            e.add("member_ids", "required");
        }
        match (document, status) {
            (Some(document), Some(status)) if e.is_empty() => Ok(Partnership {
                holder_id,
                partner_id,
                title,
                document,
                doc_no,
                coverage,
                start_date,
                end_date,
                value_rupiah,
                in_kind_rupiah,
                in_kind_note,
                status,
                member_ids,
            }),
            _ => Err(e),
        }
    }
}

/// The list's filters.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ListFilter {
    /// `aktif` counts only agreements not past their end; `berakhir` includes those.
    pub status: Option<PartnershipStatus>,
    pub coverage: Option<Coverage>,
    /// Agreements this BLKK takes part in.
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[param(minimum = 1)]
    pub centre: Option<i64>,
    /// Agreements with this partner organisation.
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[param(minimum = 1)]
    pub partner: Option<i64>,
}

impl ListFilter {
    /// The documented bounds of the ids.
    pub fn check(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if self.centre.is_some_and(|c| c < 1) {
            e.add("centre", "not_found");
        }
        if self.partner.is_some_and(|c| c < 1) {
            e.add("partner", "not_found");
        }
        e.finish(())
    }
}

// ---- Who may do what -----------------------------------------------------------------

/// Who holds an agreement, as access checks need it.
#[derive(Debug, Clone, PartialEq)]
pub struct Holding {
    pub holder_id: i64,
    pub holder_is_centre: bool,
    pub partner_id: i64,
}

/// May record or change an agreement held by `holder_id`: its own BLKK's manager, the
/// forum's own users for a forum's agreement, or a ministry admin.
pub fn can_write(actor: &Actor, holder_id: i64, holder_is_centre: bool) -> bool {
    match actor.role {
        Role::Admin => true,
        Role::Pengelola => holder_is_centre && actor.org_id == Some(holder_id),
        Role::Forum => !holder_is_centre && actor.org_id == Some(holder_id),
        _ => false,
    }
}

/// May confirm an agreement: the partner's own users.
pub fn can_confirm(actor: &Actor, h: &Holding) -> bool {
    actor.role == Role::Mitra && actor.org_id == Some(h.partner_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> PartnershipInput {
        PartnershipInput {
            partner_id: Patch::Set(Num("7".into())),
            title: Patch::Set("Penempatan lulusan menjahit".into()),
            document: Patch::Set("pks".into()),
            coverage: Patch::Set(vec!["penempatan".into(), "magang".into()]),
            start_date: Patch::Set("2026-01-01".into()),
            end_date: Patch::Set("2027-12-31".into()),
            value_rupiah: Patch::Set(Num("Rp 25.000.000".into())),
            status: Patch::Set("aktif".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_good_agreement_is_taken() {
        let p = input().validate(None, 3, true).unwrap();
        assert_eq!(p.value_rupiah, 25_000_000);
        assert_eq!(p.coverage, [Coverage::Penempatan, Coverage::Magang]);
        assert_eq!(p.member_ids, [3]);
        assert_eq!(p.status, PartnershipStatus::Aktif);
    }

    #[test]
    fn bad_input_is_named_beside_each_field() {
        let mut i = input();
        i.end_date = Patch::Set("2025-12-31".into());
        i.value_rupiah = Patch::Set(Num("100000000001".into()));
        i.in_kind_rupiah = Patch::Set(Num("-5".into()));
        i.coverage = Patch::Set(vec!["sedekah".into()]);
        i.partner_id = Patch::Set(Num("3".into()));
        let e = i.validate(None, 3, true).unwrap_err();
        assert_eq!(e.get("end_date"), Some("end_before_start"));
        assert_eq!(e.get("value_rupiah"), Some("out_of_range"));
        assert_eq!(e.get("in_kind_rupiah"), Some("out_of_range"));
        assert_eq!(e.get("coverage"), Some("invalid_choice"));
        assert_eq!(e.get("partner_id"), Some("invalid_choice"));
        let e = PartnershipInput::default()
            .validate(None, 3, false)
            .unwrap_err();
        for f in [
            "partner_id",
            "title",
            "document",
            "coverage",
            "start_date",
            "end_date",
            "member_ids",
        ] {
            assert_eq!(e.get(f), Some("required"), "{f}");
        }
    }
}
