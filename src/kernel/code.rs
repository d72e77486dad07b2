//! Enums stored as text codes (`'aktif'`, `'pesantren'`, `'pembina'`).
//!
//! [`code_enum!`](crate::code_enum) declares the enum once and gives it its list of values,
//! `as_str`/`parse`, serde as the code, the OpenAPI schema, and decoding from either
//! database in which an unknown stored code is an error, never a silent default.

/// Declares an enum stored as a text code. See the [module docs](self).
#[macro_export]
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            ::serde::Serialize, ::serde::Deserialize)]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $code)] $variant ),+
        }

        // The schema is the list of codes (what serde writes), not the variant names.
        impl ::utoipa::PartialSchema for $name {
            fn schema() -> ::utoipa::openapi::RefOr<::utoipa::openapi::schema::Schema> {
                ::utoipa::openapi::ObjectBuilder::new()
                    .schema_type(::utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($code),+]))
                    .into()
            }
        }

        impl ::utoipa::ToSchema for $name {
            fn name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(stringify!($name))
            }
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored code.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The value with this code, if there is one.
            pub fn parse(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<$name> for $crate::kernel::db::Arg {
            fn from(v: $name) -> Self {
                $crate::kernel::db::Arg::Text(Some(v.as_str().to_owned()))
            }
        }

        impl ::sqlx::Type<::sqlx::Sqlite> for $name {
            fn type_info() -> ::sqlx::sqlite::SqliteTypeInfo {
                <String as ::sqlx::Type<::sqlx::Sqlite>>::type_info()
            }
            fn compatible(ty: &::sqlx::sqlite::SqliteTypeInfo) -> bool {
                <String as ::sqlx::Type<::sqlx::Sqlite>>::compatible(ty)
            }
        }

        impl ::sqlx::Type<::sqlx::Postgres> for $name {
            fn type_info() -> ::sqlx::postgres::PgTypeInfo {
                <String as ::sqlx::Type<::sqlx::Postgres>>::type_info()
            }
            fn compatible(ty: &::sqlx::postgres::PgTypeInfo) -> bool {
                <String as ::sqlx::Type<::sqlx::Postgres>>::compatible(ty)
            }
        }

        impl<'r> ::sqlx::Decode<'r, ::sqlx::Sqlite> for $name {
            fn decode(
                value: ::sqlx::sqlite::SqliteValueRef<'r>,
            ) -> Result<Self, ::sqlx::error::BoxDynError> {
                let code = <&str as ::sqlx::Decode<::sqlx::Sqlite>>::decode(value)?;
                $name::parse(code).ok_or_else(|| {
                    format!("unknown {} code {:?}", stringify!($name), code).into()
                })
            }
        }

        impl<'r> ::sqlx::Decode<'r, ::sqlx::Postgres> for $name {
            fn decode(
                value: ::sqlx::postgres::PgValueRef<'r>,
            ) -> Result<Self, ::sqlx::error::BoxDynError> {
                let code = <&str as ::sqlx::Decode<::sqlx::Postgres>>::decode(value)?;
                $name::parse(code).ok_or_else(|| {
                    format!("unknown {} code {:?}", stringify!($name), code).into()
                })
            }
        }
    };
}

/// An amount of money in whole rupiah. Money is never a float.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
    sqlx::Type,
    utoipa::ToSchema,
)]
#[serde(transparent)]
#[sqlx(transparent)]
pub struct Rupiah(pub i64);

impl Rupiah {
    /// Parses what people type: `Rp 1.500.000`, `1500000`, `1.500.000,00`. Fractions of a
    /// rupiah other than zero are refused.
    pub fn parse(s: &str) -> Option<Rupiah> {
        let t = s.trim();
        let t = t
            .strip_prefix("Rp")
            .or_else(|| t.strip_prefix("rp"))
            .unwrap_or(t)
            .trim_start_matches('.')
            .trim();
        let (whole, fraction) = t.split_once(',').unwrap_or((t, ""));
        if !fraction.chars().all(|c| c == '0') {
            return None;
        }
        let (negative, whole) = match whole.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, whole),
        };
        let digits: String = whole.chars().filter(|c| *c != '.' && *c != ' ').collect();
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let n: i64 = digits.parse().ok()?;
        Some(Rupiah(if negative { -n } else { n }))
    }
}

impl From<Rupiah> for crate::kernel::db::Arg {
    fn from(v: Rupiah) -> Self {
        crate::kernel::db::Arg::Int(Some(v.0))
    }
}

impl std::fmt::Display for Rupiah {
    /// `Rp 1.500.000`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let digits = self.0.unsigned_abs().to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push('.');
            }
            grouped.push(c);
        }
        let sign = if self.0 < 0 { "-" } else { "" };
        write!(f, "{sign}Rp {grouped}")
    }
}

#[cfg(test)]
mod tests {
    use super::Rupiah;

    crate::code_enum! {
        enum Colour { Red = "merah", Green = "hijau" }
    }

    #[test]
    fn codes_round_trip() {
        for c in Colour::ALL {
            assert_eq!(Colour::parse(c.as_str()), Some(*c));
        }
        assert_eq!(Colour::parse("biru"), None);
        assert_eq!(serde_json::to_string(&Colour::Red).unwrap(), "\"merah\"");
        let schema = serde_json::to_value(<Colour as utoipa::PartialSchema>::schema()).unwrap();
        assert_eq!(schema["enum"], serde_json::json!(["merah", "hijau"]));
    }

    #[test]
    fn rupiah_is_whole_and_reads_as_people_write_it() {
        assert_eq!(Rupiah::parse("Rp 1.500.000"), Some(Rupiah(1_500_000)));
        assert_eq!(Rupiah::parse("1500000"), Some(Rupiah(1_500_000)));
        assert_eq!(Rupiah::parse("1.500.000,00"), Some(Rupiah(1_500_000)));
        assert_eq!(Rupiah::parse("1.500.000,50"), None);
        assert_eq!(Rupiah::parse("satu juta"), None);
        assert_eq!(Rupiah(1_500_000).to_string(), "Rp 1.500.000");
        assert_eq!(Rupiah(-20_000).to_string(), "-Rp 20.000");
        assert_eq!(Rupiah(999).to_string(), "Rp 999");
    }
}
