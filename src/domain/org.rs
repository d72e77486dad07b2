//! Organisations: the ministry, UPTP, Disnaker offices, forums, partners and the BLKK
//! themselves. Every user belongs to one.

use serde::{Deserialize, Serialize};

use super::area::{AreaCode, AreaLevel};
use super::validation::{FieldErrors, check};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    Kementerian,
    Uptp,
    Disnaker,
    Forum,
    Mitra,
    Blkk,
}

impl OrgKind {
    pub const ALL: [OrgKind; 6] = [
        OrgKind::Kementerian,
        OrgKind::Uptp,
        OrgKind::Disnaker,
        OrgKind::Forum,
        OrgKind::Mitra,
        OrgKind::Blkk,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Kementerian => "kementerian",
            OrgKind::Uptp => "uptp",
            OrgKind::Disnaker => "disnaker",
            OrgKind::Forum => "forum",
            OrgKind::Mitra => "mitra",
            OrgKind::Blkk => "blkk",
        }
    }

    pub fn parse(s: &str) -> Option<OrgKind> {
        OrgKind::ALL.into_iter().find(|k| k.as_str() == s)
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

/// What a form or API call gives to create or edit an organisation (not a BLKK: those have
/// their own, larger profile).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct OrgInput {
    pub kind: String,
    pub subtype: String,
    pub name: String,
    pub area_code: String,
    pub address: String,
    pub phone: String,
    pub email: String,
}

/// A validated organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgFields {
    pub kind: OrgKind,
    pub subtype: String,
    pub name: String,
    pub area_code: Option<AreaCode>,
    pub address: String,
    pub phone: String,
    pub email: String,
}

impl OrgInput {
    pub fn validate(&self) -> Result<OrgFields, FieldErrors> {
        let mut errs = FieldErrors::new();
        let kind = OrgKind::parse(self.kind.trim());
        if kind.is_none() || kind == Some(OrgKind::Blkk) {
            // BLKK are created through their own profile form.
            errs.add("kind", "invalid_choice");
        }
        let subtype = self.subtype.trim().to_owned();
        if let Some(k) = kind
            && !k.subtypes().contains(&subtype.as_str())
        {
            errs.add("subtype", "invalid_choice");
        }
        let name = check::required(&self.name, 200).unwrap_or_else(|c| {
            errs.add("name", c);
            String::new()
        });
        let area_code = match self.area_code.trim() {
            "" => None,
            s => match AreaCode::parse(s) {
                Some(c) => Some(c),
                None => {
                    errs.add("area_code", "unknown_area");
                    None
                }
            },
        };
        if let Some(k) = kind {
            match (k.required_area_level(&subtype), &area_code) {
                (Some(level), Some(c)) if c.level() != level => {
                    errs.add("area_code", "wrong_area_level")
                }
                (Some(_), None) => errs.add("area_code", "required"),
                (None, Some(_)) if subtype == "fkn" => errs.add("area_code", "must_be_empty"),
                _ => {}
            }
        }
        let address = check::optional(&self.address, 300).unwrap_or_else(|c| {
            errs.add("address", c);
            String::new()
        });
        let phone = check::phone(&self.phone).unwrap_or_else(|c| {
            errs.add("phone", c);
            String::new()
        });
        let email = check::email(&self.email).unwrap_or_else(|c| {
            errs.add("email", c);
            String::new()
        });
        let kind = kind.unwrap_or(OrgKind::Mitra);
        errs.finish(OrgFields {
            kind,
            subtype,
            name,
            area_code,
            address,
            phone,
            email,
        })
    }
}

impl OrgFields {
    /// The values the audit trail compares.
    pub fn audit_values(&self) -> Vec<(&'static str, serde_json::Value)> {
        use serde_json::json;
        vec![
            ("kind", json!(self.kind.as_str())),
            ("subtype", json!(self.subtype)),
            ("name", json!(self.name)),
            (
                "area_code",
                json!(self.area_code.as_ref().map(AreaCode::as_str)),
            ),
            ("address", json!(self.address)),
            ("phone", json!(self.phone)),
            ("email", json!(self.email)),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: &str, subtype: &str, area: &str) -> OrgInput {
        OrgInput {
            kind: kind.into(),
            subtype: subtype.into(),
            name: "  Disnaker   Kabupaten Tangerang ".into(),
            area_code: area.into(),
            ..Default::default()
        }
    }

    #[test]
    fn regional_bodies_need_an_area_of_the_right_level() {
        let ok = input("disnaker", "kabupaten_kota", "36.03")
            .validate()
            .unwrap();
        assert_eq!(ok.name, "Disnaker Kabupaten Tangerang");
        let e = input("disnaker", "kabupaten_kota", "36")
            .validate()
            .unwrap_err();
        assert_eq!(e.get("area_code"), Some("wrong_area_level"));
        let e = input("forum", "fk_provinsi", "").validate().unwrap_err();
        assert_eq!(e.get("area_code"), Some("required"));
        let e = input("forum", "fkn", "36").validate().unwrap_err();
        assert_eq!(e.get("area_code"), Some("must_be_empty"));
    }

    #[test]
    fn kind_and_subtype_must_match() {
        let e = input("uptp", "fkn", "").validate().unwrap_err();
        assert_eq!(e.get("subtype"), Some("invalid_choice"));
        let e = input("blkk", "blkk", "36.01.06.2002")
            .validate()
            .unwrap_err();
        assert_eq!(e.get("kind"), Some("invalid_choice"));
    }
}
