//! Field-level validation results. Codes are stable, machine-readable and translated by the
//! web layer (`locales/*.yml`, keys `field_error.<code>`).

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub code: &'static str,
}

/// Every problem found in one input, so a form can show them all at once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn single(field: &'static str, code: &'static str) -> Self {
        let mut e = Self::new();
        e.add(field, code);
        e
    }

    /// Records a problem; the first problem of a field wins.
    pub fn add(&mut self, field: &'static str, code: &'static str) {
        if self.get(field).is_none() {
            self.0.push(FieldError { field, code });
        }
    }

    pub fn get(&self, field: &str) -> Option<&'static str> {
        self.0.iter().find(|e| e.field == field).map(|e| e.code)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &FieldError> {
        self.0.iter()
    }

    /// `Ok(value)` when nothing was recorded.
    pub fn finish<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

/// Small checks used by several inputs. Each returns the error code, if any.
pub mod check {
    /// Required text, trimmed, at most `max` characters.
    pub fn required(v: &str, max: usize) -> Result<String, &'static str> {
        let t = crate::domain::text::tidy(v);
        if t.is_empty() {
            Err("required")
        } else {
            optional(&t, max)
        }
    }

    /// Optional text, trimmed, at most `max` characters.
    pub fn optional(v: &str, max: usize) -> Result<String, &'static str> {
        let t = crate::domain::text::tidy(v);
        if t.chars().count() > max {
            Err("too_long")
        } else {
            Ok(t)
        }
    }

    /// An e-mail address, lower-cased; empty allowed.
    pub fn email(v: &str) -> Result<String, &'static str> {
        let t = v.trim().to_lowercase();
        if t.is_empty() {
            return Ok(t);
        }
        let valid = t.len() <= 254
            && !t.chars().any(char::is_whitespace)
            && match t.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && !domain.contains('@')
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                }
                None => false,
            };
        if valid { Ok(t) } else { Err("invalid_email") }
    }

    /// An Indonesian phone number, stored as `+62...`; empty allowed.
    pub fn phone(v: &str) -> Result<String, &'static str> {
        let t: String = v
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.'))
            .collect();
        if t.is_empty() {
            return Ok(t);
        }
        let digits = if let Some(rest) = t.strip_prefix("+62") {
            rest
        } else if let Some(rest) = t.strip_prefix("62") {
            rest
        } else if let Some(rest) = t.strip_prefix('0') {
            rest
        } else {
            return Err("invalid_phone");
        };
        if (7..=13).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()) {
            Ok(format!("+62{digits}"))
        } else {
            Err("invalid_phone")
        }
    }

    /// An optional whole number within a range.
    pub fn int_in(v: &str, min: i64, max: i64) -> Result<Option<i64>, &'static str> {
        let t = v.trim();
        if t.is_empty() {
            return Ok(None);
        }
        match t.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
            Ok(_) => Err("out_of_range"),
            Err(_) => Err("not_a_number"),
        }
    }

    /// An optional decimal within a range (accepts a comma as decimal separator).
    pub fn float_in(v: &str, min: f64, max: f64) -> Result<Option<f64>, &'static str> {
        let t = v.trim().replace(',', ".");
        if t.is_empty() {
            return Ok(None);
        }
        match t.parse::<f64>() {
            Ok(n) if n.is_finite() && (min..=max).contains(&n) => Ok(Some(n)),
            Ok(_) => Err("out_of_range"),
            Err(_) => Err("not_a_number"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::check::*;
    use super::*;

    #[test]
    fn first_error_per_field_wins() {
        let mut e = FieldErrors::new();
        e.add("name", "required");
        e.add("name", "too_long");
        assert_eq!(e.get("name"), Some("required"));
        assert!(e.finish(()).is_err());
    }

    #[test]
    fn emails() {
        assert_eq!(
            email(" Admin@Kemnaker.go.id ").unwrap(),
            "admin@kemnaker.go.id"
        );
        assert_eq!(email("").unwrap(), "");
        for bad in ["a@b", "a b@c.id", "@c.id", "a@@c.id", "a@.id"] {
            assert_eq!(email(bad), Err("invalid_email"), "{bad}");
        }
    }

    #[test]
    fn phones_are_normalised() {
        assert_eq!(phone("0812-3456-7890").unwrap(), "+6281234567890");
        assert_eq!(phone("+62 21 5550 123").unwrap(), "+62215550123");
        assert_eq!(phone("12345"), Err("invalid_phone"));
        assert_eq!(phone("08abc"), Err("invalid_phone"));
    }

    #[test]
    fn numbers() {
        assert_eq!(int_in("2019", 2017, 2030), Ok(Some(2019)));
        assert_eq!(int_in("", 2017, 2030), Ok(None));
        assert_eq!(int_in("2001", 2017, 2030), Err("out_of_range"));
        assert_eq!(int_in("dua", 2017, 2030), Err("not_a_number"));
        assert_eq!(float_in("-6,53", -11.5, 6.5), Ok(Some(-6.53)));
    }
}
