//! Kemendagri administrative area codes: `36` province, `36.01` regency/city,
//! `36.01.06` district (kecamatan), `36.01.06.2002` village (desa/kelurahan).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaLevel {
    Province = 1,
    Regency = 2,
    District = 3,
    Village = 4,
}

/// A syntactically valid area code. Whether it exists is the database's business.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
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
