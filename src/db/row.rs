//! Rows read by column position, their values parsed straight from PostgreSQL's text.
//!
//! Lists read in one round trip (`read_once`) get their rows as text. Read through sqlx's `FromRow` derive, every
//! value of every row looks its column up by name, checks the column's type against the field's and goes through a
//! general decoder: about 6,000 instructions for a queue line, a third of the approval queue's own work. `rows!`
//! declares a struct read by column name the way the derive does, but looks the names up once per result set and
//! parses text values directly (`Cell`); a binary value (a row fetched with the extended protocol), a NULL where the
//! field has no `Option`, or text the fast parser does not take goes to sqlx's decoder, with its type check.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::postgres::{PgRow, PgValueFormat};
use sqlx::{Column, Decode, Postgres, Row, Type, ValueRef};
use uuid::Uuid;

/// A value read from a column: parsed from its text when it can be, otherwise decoded by sqlx.
pub trait Cell: Sized + for<'r> Decode<'r, Postgres> + Type<Postgres> {
    /// The value of a text cell, or None to leave it to sqlx's decoder.
    fn parse(text: &str) -> Option<Self>;

    /// The value of a NULL cell, when the type has one.
    fn null() -> Option<Self> {
        None
    }
}

/// The value of column `i` of `row`.
pub fn cell<T: Cell>(row: &PgRow, i: usize) -> Result<T, sqlx::Error> {
    let raw = row.try_get_raw(i)?;
    if raw.is_null() {
        if let Some(v) = T::null() {
            return Ok(v);
        }
    } else if raw.format() == PgValueFormat::Text {
        if let Some(v) = raw.as_str().ok().and_then(T::parse) {
            return Ok(v);
        }
    }
    row.try_get(i)
}

/// The position of the column `name` in `row`.
pub fn ordinal(row: &PgRow, name: &str) -> Result<usize, sqlx::Error> {
    Ok(row.try_column(name)?.ordinal())
}

impl Cell for String {
    fn parse(text: &str) -> Option<Self> {
        Some(text.to_owned())
    }
}

impl Cell for Uuid {
    fn parse(text: &str) -> Option<Self> {
        Uuid::try_parse(text).ok()
    }
}

impl Cell for i32 {
    fn parse(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

impl Cell for i64 {
    fn parse(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

impl Cell for bool {
    fn parse(text: &str) -> Option<Self> {
        match text {
            "t" => Some(true),
            "f" => Some(false),
            _ => None,
        }
    }
}

impl Cell for Decimal {
    fn parse(text: &str) -> Option<Self> {
        // NaN and infinities are not decimals: sqlx refuses them with its own message.
        text.parse().ok()
    }
}

impl Cell for DateTime<Utc> {
    fn parse(text: &str) -> Option<Self> {
        super::timestamp::parse(text)
    }
}

impl Cell for NaiveDate {
    fn parse(text: &str) -> Option<Self> {
        super::timestamp::parse_date(text)
    }
}

/// A text array without quotes, escapes or NULLs (`{a,b}`); anything else goes to sqlx's decoder.
impl Cell for Vec<String> {
    fn parse(text: &str) -> Option<Self> {
        let inner = text.strip_prefix('{')?.strip_suffix('}')?;
        if inner.is_empty() {
            return Some(Vec::new());
        }
        if inner.bytes().any(|b| b == b'"' || b == b'\\') {
            return None;
        }
        let items: Vec<String> = inner.split(',').map(str::to_owned).collect();
        (!items.iter().any(|i| i.eq_ignore_ascii_case("null"))).then_some(items)
    }
}

impl<T: Cell> Cell for Option<T> {
    fn parse(text: &str) -> Option<Self> {
        T::parse(text).map(Some)
    }

    fn null() -> Option<Self> {
        Some(None)
    }
}

/// Declares how a struct is read from rows, each field from the column of its name: a `FromRow` implementation (for
/// one row, `sqlx::query_as` and `#[sqlx(flatten)]`) and `from_rows`, which looks the columns up once for a whole
/// result set.
macro_rules! rows {
    ($ty:ident { $($field:ident),* $(,)? }) => {
        impl $ty {
            /// The rows of one result set; the columns are looked up in the first.
            pub fn from_rows(rows: &[sqlx::postgres::PgRow]) -> Result<Vec<Self>, sqlx::Error> {
                let Some(first) = rows.first() else { return Ok(Vec::new()) };
                #[allow(non_camel_case_types)]
                struct Ordinals { $($field: usize),* }
                let at = Ordinals { $($field: $crate::db::row::ordinal(first, stringify!($field))?),* };
                rows.iter()
                    .map(|row| Ok($ty { $($field: $crate::db::row::cell(row, at.$field)?),* }))
                    .collect()
            }
        }

        impl<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> for $ty {
            fn from_row(row: &'r sqlx::postgres::PgRow) -> Result<Self, sqlx::Error> {
                Ok($ty {
                    $($field: $crate::db::row::cell(row, $crate::db::row::ordinal(row, stringify!($field))?)?),*
                })
            }
        }
    };
}
pub(crate) use rows;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_plain_text_arrays_and_leaves_quoted_ones_to_sqlx() {
        assert_eq!(Vec::<String>::parse("{}"), Some(vec![]));
        assert_eq!(Vec::<String>::parse("{CRM,ERP-2}"), Some(vec!["CRM".to_owned(), "ERP-2".to_owned()]));
        assert_eq!(Vec::<String>::parse(r#"{"a b",c}"#), None);
        assert_eq!(Vec::<String>::parse(r"{a\,b}"), None);
        assert_eq!(Vec::<String>::parse("{a,NULL}"), None);
        assert_eq!(Vec::<String>::parse("a,b"), None);
    }

    #[test]
    fn reads_booleans_numbers_and_ids_as_postgresql_writes_them() {
        assert_eq!(bool::parse("t"), Some(true));
        assert_eq!(bool::parse("f"), Some(false));
        assert_eq!(bool::parse("true"), None);
        assert_eq!(i32::parse("-42"), Some(-42));
        assert_eq!(i32::parse("3000000000"), None);
        assert_eq!(Decimal::parse("25000.50").map(|d| d.to_string()), Some("25000.50".to_owned()));
        assert_eq!(Decimal::parse("NaN"), None);
        let id = Uuid::new_v4();
        assert_eq!(Uuid::parse(&id.to_string()), Some(id));
        assert_eq!(Option::<Uuid>::parse("nope"), None);
        assert_eq!(Option::<String>::null(), Some(None));
        assert_eq!(String::null(), None);
    }
}
