//! Validation: what a user gave ([`Patch`], [`Num`]), the checks every feature uses
//! ([`check`]), and the problems found ([`FieldErrors`]). Problem codes are stable and
//! machine-readable; the web layer translates them (`locales/*/…`, keys `field_error.<code>`,
//! with `%{min}`/`%{max}`-style arguments).

use std::borrow::Cow;
use std::cell::Cell;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: Cow<'static, str>,
    pub code: &'static str,
    /// Values for the message, e.g. `min` and `max` of a range.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<(&'static str, String)>,
}

/// What is wrong with a value: a code and, for some codes, arguments for the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub code: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl From<&'static str> for Problem {
    fn from(code: &'static str) -> Self {
        Problem {
            code,
            args: Vec::new(),
        }
    }
}

impl Problem {
    /// "Out of range": the message names the range.
    pub fn out_of_range(min: impl ToString, max: impl ToString) -> Problem {
        Problem {
            code: "out_of_range",
            args: vec![("min", min.to_string()), ("max", max.to_string())],
        }
    }
}

/// Every problem found in one input, so a form can show them all at once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn single(field: impl Into<Cow<'static, str>>, problem: impl Into<Problem>) -> Self {
        let mut e = Self::new();
        e.add(field, problem);
        e
    }

    /// Records a problem; the first problem of a field wins.
    pub fn add(&mut self, field: impl Into<Cow<'static, str>>, problem: impl Into<Problem>) {
        let field = field.into();
        if self.get(&field).is_none() {
            let p = problem.into();
            self.0.push(FieldError {
                field,
                code: p.code,
                args: p.args,
            });
        }
    }

    /// The value of a check, or `T::default()` with its problem recorded.
    pub fn take<T: Default, P: Into<Problem>>(
        &mut self,
        field: &'static str,
        r: Result<T, P>,
    ) -> T {
        r.unwrap_or_else(|p| {
            self.add(field, p);
            T::default()
        })
    }

    pub fn get(&self, field: &str) -> Option<&'static str> {
        self.find(field).map(|e| e.code)
    }

    pub fn find(&self, field: &str) -> Option<&FieldError> {
        self.0.iter().find(|e| e.field == field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &FieldError> {
        self.0.iter()
    }

    /// Adds every problem of `other` (a field's first problem still wins).
    pub fn merge(&mut self, other: FieldErrors) {
        for f in other.0 {
            self.add(
                f.field,
                Problem {
                    code: f.code,
                    args: f.args,
                },
            );
        }
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

/// A field of an input that may be absent (keep the current value), `null` (clear it) or
/// set. One input struct serves a form (which sends every field, empty ones as `null`) and
/// a JSON patch (which sends only what changes).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Patch<T> {
    #[default]
    Absent,
    Null,
    Set(T),
}

impl<T> Patch<T> {
    pub fn is_absent(&self) -> bool {
        matches!(self, Patch::Absent)
    }

    pub fn as_ref(&self) -> Patch<&T> {
        match self {
            Patch::Absent => Patch::Absent,
            Patch::Null => Patch::Null,
            Patch::Set(v) => Patch::Set(v),
        }
    }
}

impl Patch<String> {
    /// The text to show back in a form field.
    pub fn text(&self) -> &str {
        match self {
            Patch::Set(v) => v,
            _ => "",
        }
    }
}

impl Patch<Num> {
    /// The text to show back in a form field.
    pub fn text(&self) -> &str {
        match self {
            Patch::Set(v) => &v.0,
            _ => "",
        }
    }
}

impl<T: PartialEq<str>> Patch<Vec<T>> {
    /// Whether a choice (a checkbox) is among the given values.
    pub fn has(&self, value: &str) -> bool {
        matches!(self, Patch::Set(list) if list.iter().any(|v| v == value))
    }
}

/// The raw input a stored record would give back: its fields, as a form shows them to edit
/// (through serde, so the record's field list is written once).
pub fn input_of<I: serde::de::DeserializeOwned>(
    record: &impl Serialize,
) -> Result<I, serde_json::Error> {
    serde_json::from_value(serde_json::to_value(record)?)
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(d).map(|v| v.map_or(Patch::Null, Patch::Set))
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Patch::Set(v) => v.serialize(s),
            _ => s.serialize_none(),
        }
    }
}

thread_local! {
    static STRICT_JSON: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` (a synchronous JSON deserialisation) with [`Num`] refusing strings: the API's
/// numbers are JSON numbers, as its document says, while a form's are text.
pub fn strict_json<T>(f: impl FnOnce() -> T) -> T {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            STRICT_JSON.with(|s| s.set(false));
        }
    }
    STRICT_JSON.with(|s| s.set(true));
    let _reset = Reset;
    f()
}

/// A number as given: the text typed into a form (kept, so a mistake can be shown back
/// beside the field), or a JSON number from the API.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Num(pub String);

impl Num {
    pub fn text(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Num {
    fn eq(&self, other: &str) -> bool {
        self.0.trim() == other
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Num;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Num, E> {
                Ok(Num(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Num, E> {
                Ok(Num(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Num, E> {
                Ok(Num(v.to_string()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Num, E> {
                if STRICT_JSON.with(Cell::get) {
                    Err(E::invalid_type(de::Unexpected::Str(v), &self))
                } else {
                    Ok(Num(v.to_owned()))
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// A yes/no answer: a JSON boolean from the API, or `true`/`false` from a form's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flag(pub bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Flag;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("true or false")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Flag, E> {
                Ok(Flag(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Flag, E> {
                match v.trim() {
                    _ if STRICT_JSON.with(Cell::get) => {
                        Err(E::invalid_type(de::Unexpected::Str(v), &self))
                    }
                    "true" => Ok(Flag(true)),
                    "false" | "" => Ok(Flag(false)),
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for Flag {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bool(self.0)
    }
}

impl Patch<Flag> {
    /// The choice to show back in a form.
    pub fn text(&self) -> &str {
        match self {
            Patch::Set(Flag(true)) => "true",
            Patch::Set(Flag(false)) => "false",
            _ => "",
        }
    }
}

/// A required whole number, read as [`whole_number`] reads it (`140.0` is 140).
pub fn whole<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    whole_number(d)?.ok_or_else(|| de::Error::custom("a whole number is required"))
}

/// A list of whole numbers, each read as [`whole`] reads it.
pub fn whole_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
    #[derive(Deserialize)]
    struct Whole(#[serde(deserialize_with = "whole")] i64);
    Ok(Vec::<Whole>::deserialize(d)?
        .into_iter()
        .map(|Whole(n)| n)
        .collect())
}

/// An optional whole number, also when a client writes it as a float with nothing after
/// the point (`140.0`, which JSON Schema counts as an integer), or, in a form, as text.
pub fn whole_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<i64>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a whole number")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(V)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            i64::try_from(v)
                .map(Some)
                .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            if v.fract() == 0.0 && v >= i64::MIN as f64 && v < i64::MAX as f64 {
                Ok(Some(v as i64))
            } else {
                Err(E::invalid_value(de::Unexpected::Float(v), &self))
            }
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            if STRICT_JSON.with(Cell::get) {
                return Err(E::invalid_type(de::Unexpected::Str(v), &self));
            }
            match v.trim() {
                "" => Ok(None),
                t => t
                    .parse()
                    .map(Some)
                    .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self)),
            }
        }
    }
    d.deserialize_option(V)
}

/// Small checks used by many inputs. Each returns the cleaned value or its problem.
pub mod check {
    use super::{Patch, Problem};
    use crate::kernel::text::tidy;

    /// Required single-line text, tidied, at most `max` characters.
    pub fn required(v: &str, max: usize) -> Result<String, Problem> {
        let t = tidy(v);
        if t.is_empty() {
            Err("required".into())
        } else {
            optional(&t, max)
        }
    }

    /// Optional single-line text, tidied, at most `max` characters.
    pub fn optional(v: &str, max: usize) -> Result<String, Problem> {
        let t = tidy(v);
        if t.chars().count() > max {
            Err(Problem {
                code: "too_long",
                args: vec![("max", max.to_string())],
            })
        } else {
            Ok(t)
        }
    }

    /// An e-mail address, lower-cased; empty allowed.
    pub fn email(v: &str) -> Result<String, Problem> {
        let t = v.trim().to_lowercase();
        if t.is_empty() {
            return Ok(t);
        }
        let valid = t.len() <= 254
            && !t
                .chars()
                .any(|c| c.is_whitespace() || super::super::text::is_invisible(c))
            && match t.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && !domain.contains('@')
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                        && !domain.contains("..")
                }
                None => false,
            };
        if valid {
            Ok(t)
        } else {
            Err("invalid_email".into())
        }
    }

    /// A required e-mail address.
    pub fn required_email(v: &str) -> Result<String, Problem> {
        match email(v)? {
            e if e.is_empty() => Err("required".into()),
            e => Ok(e),
        }
    }

    /// An Indonesian phone number, stored as `+62...`; empty allowed.
    pub fn phone(v: &str) -> Result<String, Problem> {
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
            return Err("invalid_phone".into());
        };
        if (7..=13).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()) {
            Ok(format!("+62{digits}"))
        } else {
            Err("invalid_phone".into())
        }
    }

    /// An optional whole number within a range.
    pub fn int_in(v: &str, min: i64, max: i64) -> Result<Option<i64>, Problem> {
        let t = v.trim();
        if t.is_empty() {
            return Ok(None);
        }
        match t.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
            Ok(_) => Err(Problem::out_of_range(min, max)),
            Err(_) if t.parse::<f64>().is_ok() => Err("not_a_whole_number".into()),
            Err(_) => Err("not_a_number".into()),
        }
    }

    /// An optional decimal within a range (a comma is accepted as the decimal separator).
    pub fn float_in(v: &str, min: f64, max: f64) -> Result<Option<f64>, Problem> {
        let t = v.trim().replace(',', ".");
        if t.is_empty() {
            return Ok(None);
        }
        match t.parse::<f64>() {
            Ok(n) if n.is_finite() && (min..=max).contains(&n) => Ok(Some(n)),
            Ok(_) => Err(Problem::out_of_range(min, max)),
            Err(_) => Err("not_a_number".into()),
        }
    }

    /// An optional calendar date written `YYYY-MM-DD`.
    pub fn date(v: &str) -> Result<Option<time::Date>, Problem> {
        let t = v.trim();
        if t.is_empty() {
            return Ok(None);
        }
        time::Date::parse(
            t,
            &time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map(Some)
        .map_err(|_| "invalid_date".into())
    }

    /// A date within the years `first..=last` (from 1 January of `first` to 31 December of
    /// `last`): the sane range of what it dates, given by each feature (a batch from 2017
    /// to the year after next, a birth or a visit never ahead). Else `date_out_of_range`,
    /// naming the range.
    pub fn within(d: time::Date, first: i64, last: i64) -> Result<time::Date, Problem> {
        let year = |y: i64, month, day| {
            i32::try_from(y)
                .ok()
                .and_then(|y| time::Date::from_calendar_date(y, month, day).ok())
        };
        let min = year(first, time::Month::January, 1).unwrap_or(time::Date::MIN);
        let max = year(last, time::Month::December, 31).unwrap_or(time::Date::MAX);
        if (min..=max).contains(&d) {
            Ok(d)
        } else {
            Err(Problem {
                code: "date_out_of_range",
                args: vec![("min", min.to_string()), ("max", max.to_string())],
            })
        }
    }

    /// An optional date written `YYYY-MM-DD` ([`date`]) within the years `first..=last`
    /// ([`within`]).
    pub fn date_in(v: &str, first: i64, last: i64) -> Result<Option<time::Date>, Problem> {
        date(v)?.map(|d| within(d, first, last)).transpose()
    }

    /// A patched field's new value: the given one checked, `null` as the empty value, or
    /// (absent) the current value, unchecked because it was checked when stored.
    pub fn patched<G, T: Clone>(
        given: &Patch<G>,
        current: Option<&T>,
        check: impl FnOnce(Option<&G>) -> Result<T, Problem>,
    ) -> Result<T, Problem> {
        match (given, current) {
            (Patch::Absent, Some(c)) => Ok(c.clone()),
            (Patch::Absent | Patch::Null, _) => check(None),
            (Patch::Set(v), _) => check(Some(v)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::check::*;
    use super::*;

    #[test]
    fn a_large_whole_number_written_as_a_float_stays_whole() {
        #[derive(serde::Deserialize)]
        struct List(#[serde(deserialize_with = "whole_list")] Vec<i64>);
        let List(v) = serde_json::from_str("[2044871102884871.0, 140.0, -3]").unwrap();
        assert_eq!(v, [2_044_871_102_884_871, 140, -3]);
    }

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
        for bad in ["a@b", "a b@c.id", "@c.id", "a@@c.id", "a@.id", "a@b..id"] {
            assert_eq!(email(bad), Err("invalid_email".into()), "{bad}");
        }
        assert_eq!(required_email(" "), Err("required".into()));
    }

    #[test]
    fn phones_are_normalised() {
        assert_eq!(phone("0812-3456-7890").unwrap(), "+6281234567890");
        assert_eq!(phone("+62 21 5550 123").unwrap(), "+62215550123");
        assert_eq!(phone("12345"), Err("invalid_phone".into()));
        assert_eq!(phone("08abc"), Err("invalid_phone".into()));
    }

    #[test]
    fn numbers_name_their_range() {
        assert_eq!(int_in("2019", 2017, 2030), Ok(Some(2019)));
        assert_eq!(int_in("", 2017, 2030), Ok(None));
        assert_eq!(
            int_in("2001", 2017, 2030),
            Err(Problem::out_of_range(2017, 2030))
        );
        assert_eq!(int_in("dua", 2017, 2030), Err("not_a_number".into()));
        assert_eq!(
            int_in("2019.5", 2017, 2030),
            Err("not_a_whole_number".into())
        );
        assert_eq!(float_in("-6,53", -11.5, 6.5), Ok(Some(-6.53)));
        assert_eq!(
            date("2026-02-28"),
            Ok(Some(time::macros::date!(2026 - 02 - 28)))
        );
        assert_eq!(date("2026-02-30"), Err("invalid_date".into()));
        assert_eq!(date("28/02/2026"), Err("invalid_date".into()));
        assert_eq!(
            date_in("2026-02-28", 2017, 2027),
            Ok(Some(time::macros::date!(2026 - 02 - 28)))
        );
        assert_eq!(date_in("", 2017, 2027), Ok(None));
        let out = Problem {
            code: "date_out_of_range",
            args: vec![("min", "2017-01-01".into()), ("max", "2027-12-31".into())],
        };
        assert_eq!(date_in("0001-01-01", 2017, 2027), Err(out.clone()));
        assert_eq!(date_in("9999-12-31", 2017, 2027), Err(out.clone()));
        assert_eq!(date_in("2016-12-31", 2017, 2027), Err(out.clone()));
        assert_eq!(date_in("2028-01-01", 2017, 2027), Err(out));
        assert_eq!(
            within(time::macros::date!(2027 - 12 - 31), 2017, 2027),
            Ok(time::macros::date!(2027 - 12 - 31))
        );
        assert_eq!(
            float_in("NaN", -11.5, 6.5).unwrap_err().code,
            "out_of_range"
        );
    }

    #[test]
    fn whole_numbers_may_be_written_as_floats() {
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct V {
            #[serde(deserialize_with = "whole_number")]
            version: Option<i64>,
        }
        let v = |s: &str| strict_json(|| serde_json::from_str::<V>(s)).map(|v| v.version);
        assert_eq!(v(r#"{"version": 140.0}"#).unwrap(), Some(140));
        assert_eq!(v(r#"{"version": 7}"#).unwrap(), Some(7));
        assert_eq!(v(r#"{"version": null}"#).unwrap(), None);
        assert_eq!(v(r#"{}"#).unwrap(), None);
        assert!(v(r#"{"version": 1.5}"#).is_err());
        assert!(v(r#"{"version": "7"}"#).is_err());
        let form: V = serde_html_form::from_str("version=7").unwrap();
        assert_eq!(form.version, Some(7));
    }

    #[test]
    fn patch_tells_absent_null_and_set_apart() {
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct P {
            a: Patch<String>,
            b: Patch<String>,
            c: Patch<Num>,
        }
        let p: P = serde_json::from_str(r#"{"b": null, "c": 5}"#).unwrap();
        assert_eq!(p.a, Patch::Absent);
        assert_eq!(p.b, Patch::Null);
        assert_eq!(p.c, Patch::Set(Num("5".into())));
        // Forms give text; the API, under strict_json, only numbers.
        let p: P = serde_json::from_str(r#"{"c": "5,5"}"#).unwrap();
        assert_eq!(p.c, Patch::Set(Num("5,5".into())));
        assert!(strict_json(|| serde_json::from_str::<P>(r#"{"c": "5"}"#)).is_err());
        assert!(
            serde_json::from_str::<P>(r#"{"c": "5"}"#).is_ok(),
            "reset after"
        );
    }
}
