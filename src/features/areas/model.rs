//! Indonesia's administrative areas (reference data from Kemendagri, loaded once): codes
//! `36` province, `36.01` regency/city, `36.01.06` district (kecamatan), `36.01.06.2002`
//! village (desa/kelurahan), and the rules for reading them.

use serde::{Deserialize, Serialize};

/// One area as stored.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Area {
    pub code: String,
    /// 1 province, 2 regency/city, 3 district, 4 village.
    pub level: i64,
    pub parent_code: Option<String>,
    pub name: String,
}

/// A village found by a look-up, with the names that tell same-named villages apart.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct VillageMatch {
    pub code: String,
    pub name: String,
    pub district_code: String,
    pub district_name: String,
    pub regency_name: String,
}

/// The names of a village and every area above it, for showing an address.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Place {
    pub village_name: String,
    pub district_code: String,
    pub district_name: String,
    pub regency_code: String,
    pub regency_name: String,
    pub province_code: String,
    pub province_name: String,
}

/// Removes the administrative prefixes people type before a place name
/// ("Desa Mekarjaya", "Kel. Sukasari", "Kec. Panimbang", "Kab. Pandeglang").
pub fn strip_area_prefix(s: &str) -> &str {
    const PREFIXES: [&str; 12] = [
        "desa ",
        "ds. ",
        "ds ",
        "kelurahan ",
        "kel. ",
        "kel ",
        "kecamatan ",
        "kec. ",
        "kabupaten ",
        "kab. ",
        "kota ",
        "gampong ",
    ];
    let t = s.trim_start();
    for p in PREFIXES {
        if t.len() > p.len() && t.is_char_boundary(p.len()) && t[..p.len()].eq_ignore_ascii_case(p)
        {
            return t[p.len()..].trim_start();
        }
    }
    t
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaLevel {
    Province = 1,
    Regency = 2,
    District = 3,
    Village = 4,
}

/// A syntactically valid area code. Whether it exists is the database's business.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String)]
pub struct AreaCode(String);

impl AreaCode {
    pub fn parse(s: &str) -> Option<AreaCode> {
        let s = s.trim();
        let parts: Vec<&str> = s.split('.').collect();
        let widths: &[usize] = match parts.len() {
            1 => &[2],
            2 => &[2, 2],
            3 => &[2, 2, 2],
            4 => &[2, 2, 2, 4],
            _ => return None,
        };
        let ok = parts
            .iter()
            .zip(widths)
            .all(|(p, w)| p.len() == *w && p.bytes().all(|b| b.is_ascii_digit()));
        ok.then(|| AreaCode(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> AreaLevel {
        match self.0.len() {
            2 => AreaLevel::Province,
            5 => AreaLevel::Regency,
            8 => AreaLevel::District,
            _ => AreaLevel::Village,
        }
    }

    /// The code of the enclosing area at `level`, if this code is at or below it.
    pub fn ancestor(&self, level: AreaLevel) -> Option<AreaCode> {
        let len = match level {
            AreaLevel::Province => 2,
            AreaLevel::Regency => 5,
            AreaLevel::District => 8,
            AreaLevel::Village => 13,
        };
        (self.0.len() >= len).then(|| AreaCode(self.0[..len].to_owned()))
    }

    pub fn parent(&self) -> Option<AreaCode> {
        match self.level() {
            AreaLevel::Province => None,
            AreaLevel::Regency => self.ancestor(AreaLevel::Province),
            AreaLevel::District => self.ancestor(AreaLevel::Regency),
            AreaLevel::Village => self.ancestor(AreaLevel::District),
        }
    }

    /// Whether `other` lies inside (or is) this area.
    pub fn contains(&self, other: &AreaCode) -> bool {
        other.0 == self.0 || other.0.starts_with(&format!("{}.", self.0))
    }
}

impl TryFrom<String> for AreaCode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        AreaCode::parse(&s).ok_or_else(|| format!("invalid area code: {s}"))
    }
}

impl From<AreaCode> for String {
    fn from(c: AreaCode) -> String {
        c.0
    }
}

impl From<AreaCode> for crate::kernel::db::Arg {
    fn from(c: AreaCode) -> Self {
        crate::kernel::db::Arg::Text(Some(c.0))
    }
}

impl From<&AreaCode> for crate::kernel::db::Arg {
    fn from(c: &AreaCode) -> Self {
        crate::kernel::db::Arg::Text(Some(c.0.clone()))
    }
}

/// Stored codes decode only if well-formed: a corrupt one is an error, never a placeholder.
impl sqlx::Type<sqlx::Sqlite> for AreaCode {
    fn type_info() -> sqlx::sqlite::SqliteTypeInfo {
        <String as sqlx::Type<sqlx::Sqlite>>::type_info()
    }
    fn compatible(ty: &sqlx::sqlite::SqliteTypeInfo) -> bool {
        <String as sqlx::Type<sqlx::Sqlite>>::compatible(ty)
    }
}

impl sqlx::Type<sqlx::Postgres> for AreaCode {
    fn type_info() -> sqlx::postgres::PgTypeInfo {
        <String as sqlx::Type<sqlx::Postgres>>::type_info()
    }
    fn compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
        <String as sqlx::Type<sqlx::Postgres>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Sqlite> for AreaCode {
    fn decode(v: sqlx::sqlite::SqliteValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        let s = <&str as sqlx::Decode<sqlx::Sqlite>>::decode(v)?;
        AreaCode::parse(s).ok_or_else(|| format!("invalid area code {s:?}").into())
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Postgres> for AreaCode {
    fn decode(v: sqlx::postgres::PgValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        let s = <&str as sqlx::Decode<sqlx::Postgres>>::decode(v)?;
        AreaCode::parse(s).ok_or_else(|| format!("invalid area code {s:?}").into())
    }
}

impl std::fmt::Display for AreaCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_four_levels() {
        let v = AreaCode::parse("36.01.06.2002").unwrap();
        assert_eq!(v.level(), AreaLevel::Village);
        assert_eq!(
            v.ancestor(AreaLevel::District).unwrap().as_str(),
            "36.01.06"
        );
        assert_eq!(v.ancestor(AreaLevel::Regency).unwrap().as_str(), "36.01");
        assert_eq!(v.ancestor(AreaLevel::Province).unwrap().as_str(), "36");
        assert_eq!(v.parent().unwrap().as_str(), "36.01.06");
        assert_eq!(AreaCode::parse("36").unwrap().parent(), None);
    }

    #[test]
    fn rejects_malformed_codes() {
        for bad in [
            "",
            "3",
            "36.1",
            "36.01.06.20",
            "36.01.06.2002.1",
            "ab.cd",
            "36-01",
        ] {
            assert!(AreaCode::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn prefixes_are_stripped_once() {
        assert_eq!(strip_area_prefix("Desa Mekar Jaya"), "Mekar Jaya");
        assert_eq!(strip_area_prefix("kel. Sukasari"), "Sukasari");
        assert_eq!(strip_area_prefix("Desaku"), "Desaku");
        assert_eq!(strip_area_prefix("Kota"), "Kota");
        assert_eq!(strip_area_prefix("Désa x"), "Désa x");
    }

    #[test]
    fn containment_respects_boundaries() {
        let banten = AreaCode::parse("36").unwrap();
        let pandeglang = AreaCode::parse("36.01").unwrap();
        assert!(banten.contains(&pandeglang));
        assert!(pandeglang.contains(&AreaCode::parse("36.01.06.2002").unwrap()));
        assert!(!pandeglang.contains(&AreaCode::parse("36.02").unwrap()));
        // Never inside a child, nor inside a neighbour.
        assert!(!pandeglang.contains(&banten));
        assert!(!banten.contains(&AreaCode::parse("35.01").unwrap()));
    }
}
