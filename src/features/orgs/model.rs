//! Organisations: the ministry, UPTP, Disnaker offices, forums, partners and the BLKK
//! themselves. Every user belongs to one.

use serde::{Deserialize, Serialize};

use crate::code_enum;
use crate::features::areas::model::{AreaCode, AreaLevel};
use crate::kernel::access::{Actor, Role};
use crate::kernel::validate::{FieldErrors, Patch, Problem, check};

/// The kind of record the audit trail files organisations under.
pub const ENTITY: &str = "org";

code_enum! {
    pub enum OrgKind {
        Kementerian = "kementerian",
        Uptp = "uptp",
        Disnaker = "disnaker",
        Forum = "forum",
        Mitra = "mitra",
        Blkk = "blkk",
    }
}

impl OrgKind {
    /// The kinds created through the organisation forms (BLKK have their own profile).
    pub fn managed() -> impl Iterator<Item = OrgKind> {
        OrgKind::ALL.iter().copied().filter(|k| *k != OrgKind::Blkk)
    }

    /// The subtypes an organisation of this kind may have.
    pub fn subtypes(self) -> &'static [&'static str] {
        match self {
            OrgKind::Kementerian => &["ditjen_binalavotas", "ditjen_binapenta", "unit_lain"],
            OrgKind::Uptp => &["bbpvp", "bpvp", "blk"],
            OrgKind::Disnaker => &["provinsi", "kabupaten_kota"],
            OrgKind::Forum => &["fkn", "fk_provinsi", "fk_kabupaten_kota"],
            OrgKind::Mitra => &[
                "perusahaan",
                "umkm",
                "perguruan_tinggi",
                "asosiasi",
                "pemerintah",
                "perorangan",
            ],
            OrgKind::Blkk => &["blkk"],
        }
    }

    /// Which area level a subtype's area must have: `Some(level)` when required,
    /// `None` when the area is optional (or must be absent, for the national forum).
    fn required_area_level(self, subtype: &str) -> Option<AreaLevel> {
        match (self, subtype) {
            (OrgKind::Disnaker, "provinsi") | (OrgKind::Forum, "fk_provinsi") => {
                Some(AreaLevel::Province)
            }
            (OrgKind::Disnaker, "kabupaten_kota") | (OrgKind::Forum, "fk_kabupaten_kota") => {
                Some(AreaLevel::Regency)
            }
            (OrgKind::Blkk, _) => Some(AreaLevel::Village),
            _ => None,
        }
    }
}

/// A validated organisation: what is written, and what the audit trail compares.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Org {
    pub kind: OrgKind,
    /// Depends on the kind, e.g. `bbpvp` for an UPTP, `kabupaten_kota` for a Disnaker.
    pub subtype: String,
    pub name: String,
    /// The province (Disnaker or forum of a province) or regency it serves; optional for
    /// the others; empty for the national forum.
    pub area_code: Option<AreaCode>,
    pub address: String,
    pub phone: String,
    pub email: String,
}

/// What a form or an API call gives to create or change an organisation. Absent fields keep
/// their value; `null` empties an optional one.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OrgInput {
    /// `kementerian`, `uptp`, `disnaker`, `forum` or `mitra`; required to create, never
    /// changes afterwards.
    #[schema(value_type = Option<String>, nullable = false,
        pattern = r"^\s*(kementerian|uptp|disnaker|forum|mitra)\s*$")]
    pub kind: Patch<String>,
    /// One of the kind's subtypes (see the organisation form).
    #[schema(value_type = Option<String>, nullable = false, min_length = 1, max_length = 40)]
    pub subtype: Patch<String>,
    #[schema(value_type = Option<String>, nullable = false, min_length = 1, max_length = 200)]
    pub name: Patch<String>,
    /// Province (`36`) or regency (`36.03`) code; `null` clears it.
    #[schema(value_type = Option<String>, max_length = 13)]
    pub area_code: Patch<String>,
    #[schema(value_type = Option<String>, max_length = 300)]
    pub address: Patch<String>,
    /// An Indonesian number: `0812 3456 7890`, `+62 21 555 0123`.
    #[schema(value_type = Option<String>, max_length = 30)]
    pub phone: Patch<String>,
    #[schema(value_type = Option<String>, max_length = 254)]
    pub email: Patch<String>,
    /// The version last read; the change is refused (409) if the record changed since.
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[schema(minimum = 1)]
    pub version: Option<i64>,
}

fn text(v: Option<&String>) -> &str {
    v.map_or("", String::as_str)
}

impl OrgInput {
    /// The fields a new organisation must be given: those an empty input is refused for.
    pub fn required_to_create() -> Vec<String> {
        match OrgInput::default().validate(None) {
            Ok(_) => Vec::new(),
            Err(e) => e
                .iter()
                .filter(|f| f.code == "required")
                .map(|f| f.field.to_string())
                .collect(),
        }
    }

    /// The organisation this input makes, from nothing (`current` `None`) or over a stored
    /// one, with every problem found.
    pub fn validate(&self, current: Option<&Org>) -> Result<Org, FieldErrors> {
        let mut e = FieldErrors::new();
        let kind = check::patched(&self.kind, current.map(|c| &c.kind), |v| {
            match OrgKind::parse(text(v).trim()) {
                Some(k) if k != OrgKind::Blkk => Ok(k),
                // BLKK are created through their own profile form.
                _ if text(v).trim().is_empty() => Err("required".into()),
                _ => Err(Problem::from("invalid_choice")),
            }
        });
        let kind = match (kind, current) {
            (Ok(k), Some(c)) if k != c.kind => {
                // Users and scopes depend on an organisation's kind: it never changes.
                e.add("kind", "cannot_change");
                None
            }
            (Ok(k), _) => Some(k),
            (Err(p), _) => {
                e.add("kind", p);
                None
            }
        };
        let subtype = e.take(
            "subtype",
            check::patched(&self.subtype, current.map(|c| &c.subtype), |v| {
                let s = text(v).trim().to_owned();
                match kind {
                    Some(k) if k.subtypes().contains(&s.as_str()) => Ok(s),
                    Some(_) if s.is_empty() => Err("required".into()),
                    _ => Err("invalid_choice".into()),
                }
            }),
        );
        let name = e.take(
            "name",
            check::patched(&self.name, current.map(|c| &c.name), |v| {
                check::required(text(v), 200)
            }),
        );
        let area_code: Option<AreaCode> = e.take(
            "area_code",
            check::patched(
                &self.area_code,
                current.map(|c| &c.area_code),
                |v| match text(v).trim() {
                    "" => Ok(None),
                    s => AreaCode::parse(s).map(Some).ok_or("unknown_area".into()),
                },
            ),
        );
        if let Some(k) = kind {
            match (k.required_area_level(&subtype), &area_code) {
                (Some(level), Some(c)) if c.level() != level => {
                    e.add("area_code", "wrong_area_level")
                }
                (Some(_), None) => e.add("area_code", "required"),
                (None, Some(_)) if subtype == "fkn" => e.add("area_code", "must_be_empty"),
                _ => {}
            }
        }
        let address = e.take(
            "address",
            check::patched(&self.address, current.map(|c| &c.address), |v| {
                check::optional(text(v), 300)
            }),
        );
        let phone = e.take(
            "phone",
            check::patched(&self.phone, current.map(|c| &c.phone), |v| {
                check::phone(text(v))
            }),
        );
        let email = e.take(
            "email",
            check::patched(&self.email, current.map(|c| &c.email), |v| {
                check::email(text(v))
            }),
        );
        match kind {
            Some(kind) if e.is_empty() => Ok(Org {
                kind,
                subtype,
                name,
                area_code,
                address,
                phone,
                email,
            }),
            _ => Err(e),
        }
    }
}

/// A short reference to an organisation, for lists and select boxes.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct OrgRef {
    pub id: i64,
    pub kind: OrgKind,
    pub name: String,
}

/// An organisation as stored.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct OrgRecord {
    pub id: i64,
    /// Send back as `version` to refuse overwriting someone else's change.
    pub version: i64,
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub org: Org,
    /// The name of its area, if it has one.
    pub area_name: Option<String>,
}

/// Filters for the organisation list.
#[derive(Debug, Clone, Default)]
pub struct OrgFilter {
    pub kind: Option<OrgKind>,
    pub q: String,
    /// Only organisations whose area is one of these codes (or that have none).
    pub for_areas: Option<Vec<String>>,
}

/// May see an organisation's record and history: admins, and the organisation's own users.
/// BLKK records are seen through their profile.
pub fn can_view(actor: &Actor, org_id: i64, kind: OrgKind) -> bool {
    kind != OrgKind::Blkk && (actor.is_admin() || actor.org_id == Some(org_id))
}

/// May change an organisation: admins any (but BLKK, changed through their profile); a
/// partner's own users their partner organisation.
pub fn can_edit(actor: &Actor, org_id: i64, kind: OrgKind) -> bool {
    kind != OrgKind::Blkk
        && (actor.is_admin()
            || (actor.role == Role::Mitra
                && kind == OrgKind::Mitra
                && actor.org_id == Some(org_id)))
}

impl crate::kernel::web::version::Versioned for OrgRecord {
    fn version(&self) -> i64 {
        self.version
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: &str, subtype: &str, area: &str) -> OrgInput {
        OrgInput {
            kind: Patch::Set(kind.into()),
            subtype: Patch::Set(subtype.into()),
            name: Patch::Set("  Disnaker   Kabupaten Tangerang ".into()),
            area_code: Patch::Set(area.into()),
            ..Default::default()
        }
    }

    #[test]
    fn regional_bodies_need_an_area_of_the_right_level() {
        let ok = input("disnaker", "kabupaten_kota", "36.03")
            .validate(None)
            .unwrap();
        assert_eq!(ok.name, "Disnaker Kabupaten Tangerang");
        let e = input("disnaker", "kabupaten_kota", "36")
            .validate(None)
            .unwrap_err();
        assert_eq!(e.get("area_code"), Some("wrong_area_level"));
        let e = input("forum", "fk_provinsi", "")
            .validate(None)
            .unwrap_err();
        assert_eq!(e.get("area_code"), Some("required"));
        let e = input("forum", "fkn", "36").validate(None).unwrap_err();
        assert_eq!(e.get("area_code"), Some("must_be_empty"));
    }

    #[test]
    fn kind_and_subtype_must_match_and_kind_never_changes() {
        let e = input("uptp", "fkn", "").validate(None).unwrap_err();
        assert_eq!(e.get("subtype"), Some("invalid_choice"));
        let e = input("blkk", "blkk", "36.01.06.2002")
            .validate(None)
            .unwrap_err();
        assert_eq!(e.get("kind"), Some("invalid_choice"));
        let org = input("mitra", "umkm", "").validate(None).unwrap();
        let change = OrgInput {
            kind: Patch::Set("uptp".into()),
            ..Default::default()
        };
        assert_eq!(
            change.validate(Some(&org)).unwrap_err().get("kind"),
            Some("cannot_change")
        );
        // A patch keeps what it does not mention; null refuses a required field.
        let rename = OrgInput {
            name: Patch::Set("UMKM Baru".into()),
            ..Default::default()
        };
        let renamed = rename.validate(Some(&org)).unwrap();
        assert_eq!(
            (renamed.name.as_str(), renamed.kind),
            ("UMKM Baru", OrgKind::Mitra)
        );
        let null = OrgInput {
            name: Patch::Null,
            ..Default::default()
        };
        assert_eq!(
            null.validate(Some(&org)).unwrap_err().get("name"),
            Some("required")
        );
    }

    #[test]
    fn members_and_admins_see_an_organisation() {
        let actor = |role, org| Actor {
            user_id: 1,
            role,
            org_id: org,
            org_area: None,
            org_admin: false,
        };
        assert!(can_view(&actor(Role::Mitra, Some(4)), 4, OrgKind::Mitra));
        assert!(!can_view(&actor(Role::Mitra, Some(4)), 5, OrgKind::Mitra));
        assert!(can_view(&actor(Role::Admin, None), 5, OrgKind::Uptp));
        assert!(!can_view(&actor(Role::Admin, None), 5, OrgKind::Blkk));
    }
}
