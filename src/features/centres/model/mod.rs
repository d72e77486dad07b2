//! The BLKK profile: its fields (written once, in [`Profile`] and [`Centre`]), the input
//! that changes it ([`CentreInput`], for forms and the API alike), its rules, and who may
//! see and change it.
//!
//! What the lists of BLKK show (the directory, a supervisor's table, the national counts)
//! is in `lists.rs`, re-exported here.

mod lists;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::code_enum;
use crate::features::areas::model::{AreaCode, AreaLevel, Place};
use crate::features::orgs::model::OrgRef;
use crate::kernel::access::{Actor, CentreFacts, Role};
use crate::kernel::validate::{FieldErrors, Flag, Num, Patch, Problem, check};

pub use lists::{
    DirectoryEntry, DirectoryFilter, DirectoryQuery, ExportDetail, ProvinceCount, ScopeOverview,
    ScopeRow, ScopeSort, Totals,
};

/// The kind of record the audit trail files BLKK under.
pub const ENTITY: &str = "centre";

/// The first BLK Komunitas were built in 2017.
pub const FIRST_AID_YEAR: i64 = 2017;

/// Indonesia's extent, to catch swapped or mistyped coordinates.
pub const LATITUDE_RANGE: (f64, f64) = (-11.5, 6.5);

pub const LONGITUDE_RANGE: (f64, f64) = (94.5, 141.5);

/// Words nearly every BLKK's name has: a search for them alone finds the whole directory,
/// so names are not indexed by them (and searches leave them out).
pub const NAME_STOPWORDS: [&str; 4] = ["blk", "blkk", "komunitas", "pp"];

/// At most this many kejuruan per BLKK.
pub const MAX_KEJURUAN: usize = 10;

code_enum! {
    /// The body that runs a BLKK.
    pub enum HostType {
        /// A pondok pesantren.
        Pesantren = "pesantren",
        /// Another religious body (church, temple, ...).
        KeagamaanLain = "keagamaan_lain",
        /// A community body (yayasan, association, ...).
        Komunitas = "komunitas",
    }
}

code_enum! {
    pub enum CentreStatus {
        /// Built or funded, not yet training.
        Persiapan = "persiapan",
        /// Running trainings.
        Aktif = "aktif",
        /// Not operating.
        TidakAktif = "tidak_aktif",
    }
}

/// The public part of a BLKK's profile.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Profile {
    pub name: String,
    /// The ministry's registration number.
    pub reg_no: String,
    /// The body that runs it (lembaga pengelola).
    pub host_name: String,
    pub host_type: HostType,
    pub street: String,
    pub village_code: AreaCode,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub year_built: Option<i64>,
    /// The year it received its building aid.
    pub aid_year: i64,
    /// Catalogue codes, sorted, without repeats.
    #[sqlx(skip)]
    pub kejuruan: Vec<String>,
    /// The head of the BLKK.
    pub head_name: String,
    pub status: CentreStatus,
}

/// A validated BLKK profile: what is written, and what the audit trail compares. The
/// contacts are personal data, shown only to users whose scope covers the BLKK.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Centre {
    #[serde(flatten)]
    pub profile: Profile,
    pub contact_phone: String,
    pub contact_email: String,
    /// The BLKK chose to show its phone (and WhatsApp) on its public profile.
    pub phone_public: bool,
}

/// Where a BLKK sits in the national structure: set by admins only.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Assignment {
    /// The supervising UPTP.
    pub pembina_id: Option<i64>,
    /// The forums it belongs to, sorted.
    pub forum_ids: Vec<i64>,
}

/// A BLKK as stored, with the names of its places and organisations.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct CentreRecord {
    pub id: i64,
    /// Send back as `version` to refuse overwriting someone else's change.
    pub version: i64,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub profile: Profile,
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub place: Place,
    /// The supervising UPTP.
    #[sqlx(skip)]
    pub pembina: Option<OrgRef>,
    #[sqlx(skip)]
    pub forums: Vec<OrgRef>,
    #[serde(skip)]
    pub contact_phone: String,
    #[serde(skip)]
    pub contact_email: String,
    /// The BLKK shows its phone on its public profile.
    pub phone_public: bool,
}

impl CentreRecord {
    pub fn facts(&self) -> CentreFacts {
        CentreFacts {
            id: self.id,
            pembina_id: self.pembina.as_ref().map(|p| p.id),
            province_code: self.place.province_code.clone(),
            regency_code: self.place.regency_code.clone(),
            forum_ids: self.forums.iter().map(|f| f.id).collect(),
        }
    }

    /// The stored profile as validated.
    pub fn centre(&self) -> Centre {
        Centre {
            profile: self.profile.clone(),
            contact_phone: self.contact_phone.clone(),
            contact_email: self.contact_email.clone(),
            phone_public: self.phone_public,
        }
    }

    /// The phone anyone may see: only when the BLKK chose to show it.
    pub fn public_phone(&self) -> Option<&str> {
        (self.phone_public && !self.contact_phone.is_empty()).then_some(&self.contact_phone)
    }

    /// A `wa.me` link for a mobile number (`+628…`), for the public profile.
    pub fn whatsapp_link(&self) -> Option<String> {
        crate::kernel::text::whatsapp_link(&self.contact_phone)
    }

    pub fn assignment(&self) -> Assignment {
        Assignment {
            pembina_id: self.pembina.as_ref().map(|p| p.id),
            forum_ids: self.forums.iter().map(|f| f.id).collect(),
        }
    }
}

/// What a form or an API call gives to create or change a BLKK. Absent fields keep their
/// value; `null` empties an optional one (and is refused for a required one).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CentreInput {
    /// Required to create.
    #[schema(value_type = Option<String>, nullable = false, min_length = 1, max_length = 200)]
    pub name: Patch<String>,
    /// Letters, digits, `.`, `/` and `-`; required to create; admins only.
    #[schema(value_type = Option<String>, nullable = false, min_length = 1, max_length = 50)]
    pub reg_no: Patch<String>,
    /// Required to create.
    #[schema(value_type = Option<String>, nullable = false, min_length = 1, max_length = 200)]
    pub host_name: Patch<String>,
    /// Required to create.
    #[schema(value_type = Option<HostType>, nullable = false)]
    pub host_type: Patch<String>,
    #[schema(value_type = Option<String>, max_length = 300)]
    pub street: Patch<String>,
    /// A village code, e.g. `36.01.06.2002`; required to create.
    #[schema(value_type = Option<String>, nullable = false,
        pattern = r"^\s*[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}\s*$")]
    pub village_code: Patch<String>,
    /// Degrees north (negative: south); together with `longitude`.
    #[schema(value_type = Option<f64>, minimum = -11.5, maximum = 6.5)]
    pub latitude: Patch<Num>,
    /// Degrees east; together with `latitude`.
    #[schema(value_type = Option<f64>, minimum = 94.5, maximum = 141.5)]
    pub longitude: Patch<Num>,
    #[schema(value_type = Option<i64>, minimum = 1900)]
    pub year_built: Patch<Num>,
    /// The year of the building aid, from 2017; required to create; admins only.
    #[schema(value_type = Option<i64>, nullable = false, minimum = 2017)]
    pub aid_year: Patch<Num>,
    /// Kejuruan codes from the catalogue (`GET /api/v1/kejuruan`), 1 to 10; required to
    /// create.
    #[schema(value_type = Option<Vec<String>>, nullable = false, min_items = 1, max_items = 10)]
    pub kejuruan: Patch<Vec<String>>,
    #[schema(value_type = Option<String>, max_length = 120)]
    pub head_name: Patch<String>,
    /// An Indonesian number: `0812 3456 7890`, `+62 21 555 0123`.
    #[schema(value_type = Option<String>, max_length = 30)]
    pub contact_phone: Patch<String>,
    #[schema(value_type = Option<String>, max_length = 254)]
    pub contact_email: Patch<String>,
    /// Show the phone (and a WhatsApp link) on the public profile; off unless chosen.
    #[schema(value_type = Option<bool>, nullable = false)]
    pub phone_public: Patch<Flag>,
    /// Required to create.
    #[schema(value_type = Option<CentreStatus>, nullable = false)]
    pub status: Patch<String>,
    /// Admins only: the supervising UPTP's id (`null` removes it).
    #[schema(value_type = Option<i64>, minimum = 1)]
    pub pembina_id: Patch<Num>,
    /// Admins only: the ids of the forums it belongs to (replaces the whole set; `null`
    /// empties it).
    #[schema(value_type = Option<Vec<i64>>)]
    pub forum_ids: Patch<Vec<Num>>,
    /// The version last read; the change is refused (409) if the record changed since.
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

/// A required choice among coded values.
fn choice<T>(v: Option<&String>, parse: fn(&str) -> Option<T>) -> Result<T, Problem> {
    match text(v).trim() {
        "" => Err("required".into()),
        s => parse(s).ok_or("invalid_choice".into()),
    }
}

impl CentreInput {
    /// The fields a new BLKK must be given: those an empty input is refused for.
    pub fn required_to_create(this_year: i64) -> Vec<String> {
        match CentreInput::default().validate(None, this_year) {
            Ok(_) => Vec::new(),
            Err(e) => e
                .iter()
                .filter(|f| f.code == "required")
                .map(|f| f.field.to_string())
                .collect(),
        }
    }

    /// The profile this input makes, from nothing (`current` `None`) or over a stored one,
    /// with every problem found. `this_year` bounds the years (passed in to keep this pure).
    pub fn validate(
        &self,
        current: Option<&Centre>,
        this_year: i64,
    ) -> Result<Centre, FieldErrors> {
        let mut e = FieldErrors::new();
        let cur = current.map(|c| &c.profile);
        let name = e.take(
            "name",
            check::patched(&self.name, cur.map(|c| &c.name), |v| {
                check::required(text(v), 200)
            }),
        );
        let reg_no = e.take(
            "reg_no",
            check::patched(&self.reg_no, cur.map(|c| &c.reg_no), |v| {
                let r = check::required(text(v), 50)?.to_uppercase();
                if r.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '-'))
                {
                    Ok(r)
                } else {
                    Err("invalid_format".into())
                }
            }),
        );
        let host_name = e.take(
            "host_name",
            check::patched(&self.host_name, cur.map(|c| &c.host_name), |v| {
                check::required(text(v), 200)
            }),
        );
        let host_type = check::patched(&self.host_type, cur.map(|c| &c.host_type), |v| {
            choice(v, HostType::parse)
        })
        .map_err(|p| e.add("host_type", p))
        .ok();
        let street = e.take(
            "street",
            check::patched(&self.street, cur.map(|c| &c.street), |v| {
                check::optional(text(v), 300)
            }),
        );
        let village_code =
            check::patched(
                &self.village_code,
                cur.map(|c| &c.village_code),
                |v| match text(v).trim() {
                    "" => Err("required".into()),
                    s => AreaCode::parse(s)
                        .filter(|c| c.level() == AreaLevel::Village)
                        .ok_or("unknown_area".into()),
                },
            )
            .map_err(|p| e.add("village_code", p))
            .ok();
        let latitude = e.take(
            "latitude",
            check::patched(&self.latitude, cur.map(|c| &c.latitude), |v| {
                check::float_in(num(v), LATITUDE_RANGE.0, LATITUDE_RANGE.1)
            }),
        );
        let longitude = e.take(
            "longitude",
            check::patched(&self.longitude, cur.map(|c| &c.longitude), |v| {
                check::float_in(num(v), LONGITUDE_RANGE.0, LONGITUDE_RANGE.1)
            }),
        );
        if latitude.is_some() != longitude.is_some()
            && e.get("latitude").is_none()
            && e.get("longitude").is_none()
        {
            let missing = if latitude.is_none() {
                "latitude"
            } else {
                "longitude"
            };
            e.add(missing, "coordinates_pair");
        }
        let year_built = e.take(
            "year_built",
            check::patched(&self.year_built, cur.map(|c| &c.year_built), |v| {
                check::int_in(num(v), 1900, this_year)
            }),
        );
        let aid_year = e.take(
            "aid_year",
            check::patched(&self.aid_year, cur.map(|c| &c.aid_year), |v| {
                check::int_in(num(v), FIRST_AID_YEAR, this_year + 1)?.ok_or("required".into())
            }),
        );
        let kejuruan = e.take(
            "kejuruan",
            check::patched(&self.kejuruan, cur.map(|c| &c.kejuruan), |v| {
                let mut list: Vec<String> = v
                    .into_iter()
                    .flatten()
                    .map(|k| k.trim().to_owned())
                    .filter(|k| !k.is_empty())
                    .collect();
                list.sort();
                list.dedup();
                match list.len() {
                    0 => Err("required".into()),
                    n if n > MAX_KEJURUAN => Err(Problem {
                        code: "too_many",
                        args: vec![("max", MAX_KEJURUAN.to_string())],
                    }),
                    _ => Ok(list),
                }
            }),
        );
        let head_name = e.take(
            "head_name",
            check::patched(&self.head_name, cur.map(|c| &c.head_name), |v| {
                check::optional(text(v), 120)
            }),
        );
        let status = check::patched(&self.status, cur.map(|c| &c.status), |v| {
            choice(v, CentreStatus::parse)
        })
        .map_err(|p| e.add("status", p))
        .ok();
        let contact_phone = e.take(
            "contact_phone",
            check::patched(
                &self.contact_phone,
                current.map(|c| &c.contact_phone),
                |v| check::phone(text(v)),
            ),
        );
        let contact_email = e.take(
            "contact_email",
            check::patched(
                &self.contact_email,
                current.map(|c| &c.contact_email),
                |v| check::email(text(v)),
            ),
        );
        let phone_public = e.take(
            "phone_public",
            check::patched(&self.phone_public, current.map(|c| &c.phone_public), |v| {
                Ok(v.is_some_and(|f| f.0))
            }),
        );
        // Publishing a phone needs one.
        if phone_public && contact_phone.is_empty() && e.get("contact_phone").is_none() {
            e.add("phone_public", "phone_needed_to_publish");
        }
        match (host_type, village_code, status) {
            (Some(host_type), Some(village_code), Some(status)) if e.is_empty() => Ok(Centre {
                profile: Profile {
                    name,
                    reg_no,
                    host_name,
                    host_type,
                    street,
                    village_code,
                    latitude,
                    longitude,
                    year_built,
                    aid_year,
                    kejuruan,
                    head_name,
                    status,
                },
                contact_phone,
                contact_email,
                phone_public,
            }),
            _ => Err(e),
        }
    }

    /// Whether the input touches the admin-only assignment.
    pub fn changes_assignment(&self) -> bool {
        !self.pembina_id.is_absent() || !self.forum_ids.is_absent()
    }

    /// The assignment this input makes over `current`.
    pub fn assignment(&self, current: &Assignment) -> Result<Assignment, FieldErrors> {
        let mut e = FieldErrors::new();
        let id = |n: &Num| n.text().trim().parse::<i64>().ok().filter(|id| *id > 0);
        let pembina_id = match &self.pembina_id {
            Patch::Absent => current.pembina_id,
            Patch::Null => None,
            Patch::Set(n) if n.text().trim().is_empty() => None,
            Patch::Set(n) => id(n).or_else(|| {
                e.add("pembina_id", "invalid_choice");
                None
            }),
        };
        let mut forum_ids: Vec<i64> = match &self.forum_ids {
            Patch::Absent => current.forum_ids.clone(),
            Patch::Null => Vec::new(),
            Patch::Set(list) => list
                .iter()
                .filter(|n| !n.text().trim().is_empty())
                .filter_map(|n| {
                    id(n).or_else(|| {
                        e.add("forum_ids", "invalid_choice");
                        None
                    })
                })
                .collect(),
        };
        forum_ids.sort_unstable();
        forum_ids.dedup();
        e.finish(Assignment {
            pembina_id,
            forum_ids,
        })
    }
}

/// May see a BLKK's contacts, history and internal records: users whose scope covers it.
pub fn can_view(actor: Option<&Actor>, c: &CentreFacts) -> bool {
    actor.is_some_and(|a| a.centre_scope().covers(c))
}

/// May change a BLKK's profile: its own manager, or a ministry admin.
pub fn can_edit(actor: &Actor, c: &CentreFacts) -> bool {
    match actor.role {
        Role::Admin => true,
        Role::Pengelola => actor.org_id == Some(c.id),
        _ => false,
    }
}

/// May create BLKK, set their registration number and aid year, and assign them to a
/// pembina and forums.
pub fn can_administer(actor: &Actor) -> bool {
    actor.is_admin()
}

/// The coordinates in a pasted map link or pair: `-6.2088, 106.8456`, a Google Maps link
/// (`…/@-6.2088,106.8456,17z`, `…?q=-6.2088,106.8456`, `…/place/-6.2088,106.8456`) or an
/// OpenStreetMap one (`…?mlat=-6.2088&mlon=106.8456`, `#map=17/-6.2088/106.8456`).
/// Short links (`maps.app.goo.gl/…`) hold no coordinates and give `None`.
pub fn coordinates_from(text: &str) -> Option<(f64, f64)> {
    let t = text.trim();
    let num = |s: &str| -> Option<f64> { s.trim().parse::<f64>().ok().filter(|v| v.is_finite()) };
    let pair = |a: &str, b: &str| -> Option<(f64, f64)> {
        let (lat, lon) = (num(a)?, num(b)?);
        ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
    };
    let param = |name: &str| -> Option<&str> {
        let q = t.split_once('?').map(|(_, q)| q)?;
        q.split(['&', '#'])
            .find_map(|kv| kv.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
    };
    // OpenStreetMap: mlat/mlon, or #map=zoom/lat/lon.
    if let (Some(a), Some(b)) = (param("mlat"), param("mlon")) {
        return pair(a, b);
    }
    if let Some(m) = t.split("#map=").nth(1) {
        let parts: Vec<&str> = m.split('/').collect();
        if parts.len() >= 3 {
            return pair(parts[1], parts[2]);
        }
    }
    // Google Maps: @lat,lon,zoom or q=/query=/ll=lat,lon, or /place/lat,lon.
    for key in ["q", "query", "ll", "destination"] {
        if let Some(v) = param(key) {
            let v = v.replace("%2C", ",").replace("%20", "").replace('+', "");
            if let Some((a, b)) = v.split_once(',')
                && let Some(p) = pair(a, b)
            {
                return Some(p);
            }
        }
    }
    if let Some(at) = t.split('@').nth(1) {
        let mut it = at.split(',');
        if let (Some(a), Some(b)) = (it.next(), it.next()) {
            return pair(a, b.trim_end_matches(|c: char| !c.is_ascii_digit()));
        }
    }
    if let Some(place) = t.split("/place/").nth(1) {
        let head = place
            .split(['/', '?'])
            .next()
            .unwrap_or_default()
            .replace("%2C", ",");
        if let Some((a, b)) = head.split_once(',') {
            return pair(a, b);
        }
    }
    // A bare pair, as copied from a map app: "-6.2088, 106.8456".
    if !t.contains('/') {
        let (a, b) = t.split_once(',').or_else(|| t.split_once(';'))?;
        return pair(a, b);
    }
    None
}

/// What a complete profile has: the facts the "lengkapi profil" checklist asks for. One
/// rule for a whole record and for a list row.
#[derive(Debug, Clone, Copy)]
pub struct Completeness<'a> {
    pub street: &'a str,
    pub located: bool,
    pub year_built: bool,
    pub kejuruan: bool,
    pub head_name: &'a str,
    pub contact_phone: &'a str,
    pub contact_email: &'a str,
}

impl Completeness<'_> {
    /// The fields still to fill, in form order.
    pub fn missing(&self) -> Vec<&'static str> {
        [
            ("street", !self.street.is_empty()),
            ("latitude", self.located),
            ("year_built", self.year_built),
            ("kejuruan", self.kejuruan),
            ("head_name", !self.head_name.is_empty()),
            ("contact_phone", !self.contact_phone.is_empty()),
            ("contact_email", !self.contact_email.is_empty()),
        ]
        .into_iter()
        .filter(|(_, has)| !has)
        .map(|(f, _)| f)
        .collect()
    }
}

impl Centre {
    pub fn completeness(&self) -> Completeness<'_> {
        let p = &self.profile;
        Completeness {
            street: &p.street,
            located: p.latitude.is_some() && p.longitude.is_some(),
            year_built: p.year_built.is_some(),
            kejuruan: !p.kejuruan.is_empty(),
            head_name: &p.head_name,
            contact_phone: &self.contact_phone,
            contact_email: &self.contact_email,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(s: &str) -> Patch<String> {
        Patch::Set(s.into())
    }

    fn valid() -> CentreInput {
        CentreInput {
            name: set("BLK Komunitas PP Salafiyah Darul Bayan"),
            reg_no: set("blkk-2019-36.01-001"),
            host_name: set("Pondok Pesantren Salafiyah Darul Bayan"),
            host_type: set("pesantren"),
            village_code: set("36.01.06.2002"),
            latitude: Patch::Set(Num("-6,53".into())),
            longitude: Patch::Set(Num("105.70".into())),
            aid_year: Patch::Set(Num("2019".into())),
            kejuruan: Patch::Set(vec![
                "tik".into(),
                "menjahit".into(),
                "tik".into(),
                "".into(),
            ]),
            contact_phone: set("0812 1111 2222"),
            status: set("aktif"),
            ..Default::default()
        }
    }

    #[test]
    fn map_links_give_coordinates() {
        let jakarta = Some((-6.2088, 106.8456));
        for link in [
            "-6.2088, 106.8456",
            "https://www.google.com/maps/@-6.2088,106.8456,17z",
            "https://www.google.com/maps/place/Monas/@-6.2088,106.8456,17z/data=!3m1",
            "https://maps.google.com/?q=-6.2088,106.8456",
            "https://www.google.com/maps/search/?api=1&query=-6.2088%2C106.8456",
            "https://www.openstreetmap.org/?mlat=-6.2088&mlon=106.8456#map=17/-6.2088/106.8456",
            "https://www.openstreetmap.org/#map=17/-6.2088/106.8456",
        ] {
            assert_eq!(coordinates_from(link), jakarta, "{link}");
        }
        assert_eq!(coordinates_from("https://maps.app.goo.gl/AbCdEf"), None);
        assert_eq!(coordinates_from("95, 10"), None, "latitude beyond the pole");
        assert_eq!(coordinates_from("Jl. Raya"), None);
    }

    #[test]
    fn a_complete_profile_validates_and_is_normalised() {
        let c = valid().validate(None, 2026).unwrap();
        assert_eq!(c.profile.reg_no, "BLKK-2019-36.01-001");
        assert_eq!(c.profile.kejuruan, vec!["menjahit", "tik"]);
        assert_eq!(c.profile.latitude, Some(-6.53));
        assert_eq!(c.contact_phone, "+6281211112222");
        assert_eq!(c.profile.village_code.as_str(), "36.01.06.2002");
    }

    #[test]
    fn every_bad_field_is_reported() {
        let mut i = valid();
        i.name = set(" \u{200B} ");
        i.village_code = set("36.01.06");
        i.latitude = Patch::Set(Num("106.1".into()));
        i.aid_year = Patch::Set(Num("2010".into()));
        i.kejuruan = Patch::Set(vec![]);
        i.status = set("mandiri");
        let e = i.validate(None, 2026).unwrap_err();
        assert_eq!(e.get("name"), Some("required"));
        assert_eq!(e.get("village_code"), Some("unknown_area"));
        assert_eq!(e.get("latitude"), Some("out_of_range"));
        assert_eq!(
            e.find("aid_year").unwrap().args,
            vec![("min", "2017".to_owned()), ("max", "2027".to_owned())]
        );
        assert_eq!(e.get("kejuruan"), Some("required"));
        assert_eq!(e.get("status"), Some("invalid_choice"));
    }

    #[test]
    fn coordinates_come_in_pairs() {
        let mut i = valid();
        i.longitude = Patch::Null;
        assert_eq!(
            i.validate(None, 2026).unwrap_err().get("longitude"),
            Some("coordinates_pair")
        );
    }

    #[test]
    fn a_patch_keeps_what_it_does_not_mention_and_null_clears_or_is_refused() {
        let stored = valid().validate(None, 2026).unwrap();
        let p: CentreInput = crate::kernel::web::extract::parse_json(
            br#"{"head_name":"Imam Tantowi","latitude":null,"longitude":null}"#,
        )
        .unwrap();
        let c = p.validate(Some(&stored), 2026).unwrap();
        assert_eq!(c.profile.head_name, "Imam Tantowi");
        assert_eq!(c.profile.latitude, None);
        assert_eq!(c.profile.name, stored.profile.name);
        assert!(!p.changes_assignment());
        let null: CentreInput =
            crate::kernel::web::extract::parse_json(br#"{"name": null}"#).unwrap();
        assert_eq!(
            null.validate(Some(&stored), 2026).unwrap_err().get("name"),
            Some("required")
        );
        assert!(
            crate::kernel::web::extract::parse_json::<CentreInput>(br#"{"nama":"x"}"#).is_err()
        );
    }

    #[test]
    fn the_edit_form_starts_from_the_stored_profile() {
        let stored = valid().validate(None, 2026).unwrap();
        let input: CentreInput = crate::kernel::validate::input_of(&stored).unwrap();
        assert_eq!(input.latitude.text(), "-6.53");
        assert!(input.kejuruan.has("tik"));
        assert_eq!(input.validate(None, 2026).unwrap(), stored);
    }

    #[test]
    fn assignment_ids_are_checked() {
        let i = CentreInput {
            pembina_id: Patch::Set(Num("12".into())),
            forum_ids: Patch::Set(vec![Num("".into()), Num("7".into()), Num("5".into())]),
            ..Default::default()
        };
        assert!(i.changes_assignment());
        let a = i.assignment(&Assignment::default()).unwrap();
        assert_eq!(a.pembina_id, Some(12));
        assert_eq!(a.forum_ids, vec![5, 7]);
        let bad = CentreInput {
            pembina_id: Patch::Set(Num("x".into())),
            ..Default::default()
        };
        assert_eq!(
            bad.assignment(&Assignment::default())
                .unwrap_err()
                .get("pembina_id"),
            Some("invalid_choice")
        );
    }
}
