//! The BLKK profile and its rules.

use serde::{Deserialize, Deserializer, Serialize};

use super::area::{AreaCode, AreaLevel};
use super::validation::{FieldErrors, check};

/// The first BLK Komunitas were built in 2017.
pub const FIRST_AID_YEAR: i64 = 2017;

/// Indonesia's extent, to catch swapped or mistyped coordinates.
pub const LATITUDE_RANGE: (f64, f64) = (-11.5, 6.5);
pub const LONGITUDE_RANGE: (f64, f64) = (94.5, 141.5);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HostType {
    /// A pondok pesantren.
    Pesantren,
    /// Another religious body (church, temple, ...).
    KeagamaanLain,
    /// A community body (yayasan, association, ...).
    Komunitas,
}

impl HostType {
    pub const ALL: [HostType; 3] = [
        HostType::Pesantren,
        HostType::KeagamaanLain,
        HostType::Komunitas,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            HostType::Pesantren => "pesantren",
            HostType::KeagamaanLain => "keagamaan_lain",
            HostType::Komunitas => "komunitas",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|h| h.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CentreStatus {
    /// Built or funded, not yet training.
    Persiapan,
    /// Running trainings.
    Aktif,
    /// Not operating.
    TidakAktif,
}

impl CentreStatus {
    pub const ALL: [CentreStatus; 3] = [
        CentreStatus::Persiapan,
        CentreStatus::Aktif,
        CentreStatus::TidakAktif,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            CentreStatus::Persiapan => "persiapan",
            CentreStatus::Aktif => "aktif",
            CentreStatus::TidakAktif => "tidak_aktif",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|h| h.as_str() == s)
    }
}

/// A BLKK profile as typed into a form: every value a string, so that bad input can be
/// shown back to the user as they typed it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CentreInput {
    pub name: String,
    pub reg_no: String,
    pub host_name: String,
    pub host_type: String,
    pub street: String,
    pub village_code: String,
    pub latitude: String,
    pub longitude: String,
    pub year_built: String,
    pub aid_year: String,
    pub kejuruan: Vec<String>,
    pub head_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub status: String,
}

/// A validated BLKK profile.
#[derive(Debug, Clone, PartialEq)]
pub struct CentreFields {
    pub name: String,
    pub reg_no: String,
    pub host_name: String,
    pub host_type: HostType,
    pub street: String,
    pub village_code: AreaCode,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub year_built: Option<i64>,
    pub aid_year: i64,
    /// Catalogue codes, sorted and without repeats.
    pub kejuruan: Vec<String>,
    pub head_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub status: CentreStatus,
}

impl CentreInput {
    /// Checks every field; `this_year` bounds the years (passed in to keep this pure).
    pub fn validate(&self, this_year: i64) -> Result<CentreFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let mut text = |field: &'static str, v: &str, max: usize, required: bool| {
            let r = if required {
                check::required(v, max)
            } else {
                check::optional(v, max)
            };
            r.unwrap_or_else(|c| {
                e.add(field, c);
                String::new()
            })
        };
        let name = text("name", &self.name, 200, true);
        let reg_no = text("reg_no", &self.reg_no, 50, true).to_uppercase();
        let host_name = text("host_name", &self.host_name, 200, true);
        let street = text("street", &self.street, 300, false);
        let head_name = text("head_name", &self.head_name, 120, false);
        if !reg_no.is_empty()
            && !reg_no
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '-'))
        {
            e.add("reg_no", "invalid_format");
        }
        let host_type = HostType::parse(self.host_type.trim());
        if host_type.is_none() {
            e.add("host_type", "invalid_choice");
        }
        let status = CentreStatus::parse(self.status.trim());
        if status.is_none() {
            e.add("status", "invalid_choice");
        }
        let village_code = match AreaCode::parse(&self.village_code) {
            Some(c) if c.level() == AreaLevel::Village => Some(c),
            _ if self.village_code.trim().is_empty() => {
                e.add("village_code", "required");
                None
            }
            _ => {
                e.add("village_code", "unknown_area");
                None
            }
        };
        let latitude = check::float_in(&self.latitude, LATITUDE_RANGE.0, LATITUDE_RANGE.1)
            .unwrap_or_else(|c| {
                e.add("latitude", c);
                None
            });
        let longitude = check::float_in(&self.longitude, LONGITUDE_RANGE.0, LONGITUDE_RANGE.1)
            .unwrap_or_else(|c| {
                e.add("longitude", c);
                None
            });
        if latitude.is_some() != longitude.is_some() && e.get("latitude").is_none() {
            let missing = if latitude.is_none() {
                "latitude"
            } else {
                "longitude"
            };
            e.add(missing, "coordinates_pair");
        }
        let year_built = check::int_in(&self.year_built, 1900, this_year).unwrap_or_else(|c| {
            e.add("year_built", c);
            None
        });
        let aid_year = match check::int_in(&self.aid_year, FIRST_AID_YEAR, this_year + 1) {
            Ok(Some(y)) => y,
            Ok(None) => {
                e.add("aid_year", "required");
                0
            }
            Err(c) => {
                e.add("aid_year", c);
                0
            }
        };
        let mut kejuruan: Vec<String> = self
            .kejuruan
            .iter()
            .map(|k| k.trim().to_owned())
            .filter(|k| !k.is_empty())
            .collect();
        kejuruan.sort();
        kejuruan.dedup();
        if kejuruan.is_empty() {
            e.add("kejuruan", "required");
        } else if kejuruan.len() > 10 {
            e.add("kejuruan", "too_many");
        }
        let contact_phone = check::phone(&self.contact_phone).unwrap_or_else(|c| {
            e.add("contact_phone", c);
            String::new()
        });
        let contact_email = check::email(&self.contact_email).unwrap_or_else(|c| {
            e.add("contact_email", c);
            String::new()
        });
        match (host_type, status, village_code) {
            (Some(host_type), Some(status), Some(village_code)) if e.is_empty() => {
                Ok(CentreFields {
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
                    contact_phone,
                    contact_email,
                    status,
                })
            }
            _ => Err(e),
        }
    }
}

impl CentreFields {
    /// The form view of a stored profile, to edit it or to apply a patch to it.
    pub fn to_input(&self) -> CentreInput {
        let opt = |v: Option<String>| v.unwrap_or_default();
        CentreInput {
            name: self.name.clone(),
            reg_no: self.reg_no.clone(),
            host_name: self.host_name.clone(),
            host_type: self.host_type.as_str().into(),
            street: self.street.clone(),
            village_code: self.village_code.to_string(),
            latitude: opt(self.latitude.map(|v| v.to_string())),
            longitude: opt(self.longitude.map(|v| v.to_string())),
            year_built: opt(self.year_built.map(|v| v.to_string())),
            aid_year: self.aid_year.to_string(),
            kejuruan: self.kejuruan.clone(),
            head_name: self.head_name.clone(),
            contact_phone: self.contact_phone.clone(),
            contact_email: self.contact_email.clone(),
            status: self.status.as_str().into(),
        }
    }

    /// The values the audit trail compares.
    pub fn audit_values(&self) -> Vec<(&'static str, serde_json::Value)> {
        use serde_json::json;
        vec![
            ("name", json!(self.name)),
            ("reg_no", json!(self.reg_no)),
            ("host_name", json!(self.host_name)),
            ("host_type", json!(self.host_type.as_str())),
            ("street", json!(self.street)),
            ("village_code", json!(self.village_code.as_str())),
            ("latitude", json!(self.latitude)),
            ("longitude", json!(self.longitude)),
            ("year_built", json!(self.year_built)),
            ("aid_year", json!(self.aid_year)),
            ("kejuruan", json!(self.kejuruan)),
            ("head_name", json!(self.head_name)),
            ("contact_phone", json!(self.contact_phone)),
            ("contact_email", json!(self.contact_email)),
            ("status", json!(self.status.as_str())),
        ]
    }
}

/// A partial update from the API. Absent fields keep their value; `null` clears an
/// optional one.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CentrePatch {
    pub name: Option<String>,
    pub reg_no: Option<String>,
    pub host_name: Option<String>,
    pub host_type: Option<String>,
    pub street: Option<String>,
    pub village_code: Option<String>,
    #[serde(deserialize_with = "present")]
    #[schema(value_type = Option<f64>)]
    pub latitude: Option<Option<f64>>,
    #[serde(deserialize_with = "present")]
    #[schema(value_type = Option<f64>)]
    pub longitude: Option<Option<f64>>,
    #[serde(deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub year_built: Option<Option<i64>>,
    pub aid_year: Option<i64>,
    pub kejuruan: Option<Vec<String>>,
    pub head_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub status: Option<String>,
    /// Admin only: the supervising UPTP (`null` removes it).
    #[serde(deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub pembina_id: Option<Option<i64>>,
    /// Admin only: the forums this BLKK belongs to (replaces the whole set).
    pub forum_ids: Option<Vec<i64>>,
    /// The version last read; when given, the update is refused if someone changed the
    /// record since.
    pub version: Option<i64>,
}

/// Deserialises a field that is present (possibly `null`) as `Some(..)`.
fn present<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

impl CentrePatch {
    /// Overlays the patch on a profile's form view.
    pub fn apply_to(&self, input: &mut CentreInput) {
        let set = |target: &mut String, v: &Option<String>| {
            if let Some(v) = v {
                target.clone_from(v);
            }
        };
        set(&mut input.name, &self.name);
        set(&mut input.reg_no, &self.reg_no);
        set(&mut input.host_name, &self.host_name);
        set(&mut input.host_type, &self.host_type);
        set(&mut input.street, &self.street);
        set(&mut input.village_code, &self.village_code);
        set(&mut input.head_name, &self.head_name);
        set(&mut input.contact_phone, &self.contact_phone);
        set(&mut input.contact_email, &self.contact_email);
        set(&mut input.status, &self.status);
        let num = |v: Option<String>| v.unwrap_or_default();
        if let Some(v) = self.latitude {
            input.latitude = num(v.map(|x| x.to_string()));
        }
        if let Some(v) = self.longitude {
            input.longitude = num(v.map(|x| x.to_string()));
        }
        if let Some(v) = self.year_built {
            input.year_built = num(v.map(|x| x.to_string()));
        }
        if let Some(v) = self.aid_year {
            input.aid_year = v.to_string();
        }
        if let Some(v) = &self.kejuruan {
            input.kejuruan.clone_from(v);
        }
    }

    /// Whether the patch touches the admin-only assignment fields.
    pub fn changes_assignment(&self) -> bool {
        self.pembina_id.is_some() || self.forum_ids.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> CentreInput {
        CentreInput {
            name: "BLK Komunitas PP Salafiyah Darul Bayan".into(),
            reg_no: "blkk-2019-36.01-001".into(),
            host_name: "Pondok Pesantren Salafiyah Darul Bayan".into(),
            host_type: "pesantren".into(),
            village_code: "36.01.06.2002".into(),
            latitude: "-6,53".into(),
            longitude: "105.70".into(),
            aid_year: "2019".into(),
            kejuruan: vec!["tik".into(), "menjahit".into(), "tik".into()],
            contact_phone: "0812 1111 2222".into(),
            status: "aktif".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_profile_validates_and_is_normalised() {
        let f = valid().validate(2026).unwrap();
        assert_eq!(f.reg_no, "BLKK-2019-36.01-001");
        assert_eq!(f.kejuruan, vec!["menjahit", "tik"]);
        assert_eq!(f.latitude, Some(-6.53));
        assert_eq!(f.contact_phone, "+6281211112222");
        assert_eq!(f.village_code.as_str(), "36.01.06.2002");
    }

    #[test]
    fn every_bad_field_is_reported() {
        let mut i = valid();
        i.name = " ".into();
        i.village_code = "36.01.06".into();
        i.latitude = "106.1".into();
        i.aid_year = "2010".into();
        i.kejuruan.clear();
        i.status = "mandiri".into();
        let e = i.validate(2026).unwrap_err();
        assert_eq!(e.get("name"), Some("required"));
        assert_eq!(e.get("village_code"), Some("unknown_area"));
        assert_eq!(e.get("latitude"), Some("out_of_range"));
        assert_eq!(e.get("aid_year"), Some("out_of_range"));
        assert_eq!(e.get("kejuruan"), Some("required"));
        assert_eq!(e.get("status"), Some("invalid_choice"));
    }

    #[test]
    fn coordinates_come_in_pairs() {
        let mut i = valid();
        i.longitude.clear();
        assert_eq!(
            i.validate(2026).unwrap_err().get("longitude"),
            Some("coordinates_pair")
        );
    }

    #[test]
    fn patch_overlays_only_present_fields_and_null_clears() {
        let f = valid().validate(2026).unwrap();
        let p: CentrePatch = serde_json::from_str(
            r#"{"head_name":"Imam Tantowi","latitude":null,"longitude":null}"#,
        )
        .unwrap();
        let mut input = f.to_input();
        p.apply_to(&mut input);
        let g = input.validate(2026).unwrap();
        assert_eq!(g.head_name, "Imam Tantowi");
        assert_eq!(g.latitude, None);
        assert_eq!(g.name, f.name);
        assert!(!p.changes_assignment());
        assert!(serde_json::from_str::<CentrePatch>(r#"{"nama":"x"}"#).is_err());
    }
}
