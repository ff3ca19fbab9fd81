//! JSON API plumbing: body and query extractors whose failures are problem+json naming the field, and list paging.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Error, FieldErrors};

/// A JSON body. Malformed JSON is 400; a field of the wrong type is 422 naming that field.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/json") || ct.contains("+json"));
        if !is_json {
            return Err(Error::BadRequest("Send a JSON body with Content-Type: application/json.".into()));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| Error::BadRequest("The request body could not be read or is too large.".into()))?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// A JSON answer, written into one buffer sized for a page of a list: axum's `Json` starts from 128 bytes and writes
/// through a `BytesMut` writer, which on a list of fifty registrations cost a fifth of the request.
impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        match self.to_bytes() {
            Ok(body) => json_response(body),
            Err(e) => e.into_response(),
        }
    }
}

impl<T: Serialize> ApiJson<T> {
    /// The answer's body, as `into_response` writes it.
    pub fn to_bytes(&self) -> Result<Bytes, Error> {
        let mut body = Vec::with_capacity(16 * 1024);
        serde_json::to_writer(&mut body, &self.0).map_err(|e| Error::Internal(e.into()))?;
        Ok(body.into())
    }
}

/// A JSON answer of a body already written.
pub fn json_response(body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response()
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(v) => Ok(v),
        Err(e) => {
            let inner = e.inner();
            if inner.is_syntax() || inner.is_eof() {
                return Err(Error::BadRequest(format!("Malformed JSON: {inner}")));
            }
            let message = inner.to_string();
            let path = e.path().to_string();
            let field = if path == "." { message.split('`').nth(1).unwrap_or("body").to_string() } else { path };
            let clean = message.split(" at line ").next().unwrap_or(&message).to_string();
            let mut errors = FieldErrors::new();
            errors.add(&field, clean);
            Err(Error::Invalid(errors))
        }
    }
}

/// Query parameters; unparseable values are 422 naming the parameter.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize::<_, T>(de).map(ApiQuery).map_err(|e| {
            let field = e.path().to_string();
            let field = if field == "." { "query".to_string() } else { field };
            Error::invalid(&field, e.inner().to_string())
        })
    }
}

/// `?limit=` (default 50, at most 500) and `?offset=`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// How many items to return (1-500, default 50).
    pub limit: Option<i64>,
    /// How many items to skip.
    pub offset: Option<i64>,
}

impl ListParams {
    pub fn limit(&self) -> i64 {
        self.limit.unwrap_or(50).clamp(1, 500)
    }
    pub fn offset(&self) -> i64 {
        self.offset.unwrap_or(0).max(0)
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ListResponse<T> {
    pub items: Vec<T>,
    pub total: i64,
}

/// Timestamps and dates in API bodies, written exactly as chrono's serde writes them (`2026-03-09T14:05:00Z`,
/// `2026-03-09`) but without going through the formatting machinery character by character, which was a sixth of
/// the work of a list of fifty registrations. For `#[serde(serialize_with = "...")]`.
pub mod iso {
    use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
    use serde::Serializer;

    /// Writes `n` as `width` digits at `buf[at..]`.
    fn digits(buf: &mut [u8], at: usize, width: usize, mut n: u32) {
        for i in (at..at + width).rev() {
            buf[i] = b'0' + (n % 10) as u8;
            n /= 10;
        }
    }

    /// `YYYY-MM-DD` into `buf[..10]`, for the years chrono writes with four digits and no sign.
    fn write_date(buf: &mut [u8], d: NaiveDate) -> bool {
        let Ok(year) = u32::try_from(d.year()) else { return false };
        if year > 9999 {
            return false;
        }
        digits(buf, 0, 4, year);
        buf[4] = b'-';
        digits(buf, 5, 2, d.month());
        buf[7] = b'-';
        digits(buf, 8, 2, d.day());
        true
    }

    pub fn date<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; 10];
        if !write_date(&mut buf, *d) {
            return s.collect_str(d);
        }
        s.serialize_str(std::str::from_utf8(&buf).expect("ASCII"))
    }

    pub fn opt_date<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => date(d, s),
            None => s.serialize_none(),
        }
    }

    pub fn datetime<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; 30];
        let nanos = t.nanosecond();
        // Leap seconds and years chrono writes otherwise go to chrono.
        if nanos >= 1_000_000_000 || !write_date(&mut buf, t.date_naive()) {
            return serde::Serialize::serialize(t, s);
        }
        buf[10] = b'T';
        digits(&mut buf, 11, 2, t.hour());
        buf[13] = b':';
        digits(&mut buf, 14, 2, t.minute());
        buf[16] = b':';
        digits(&mut buf, 17, 2, t.second());
        // As chrono: no fraction, or milliseconds, microseconds or nanoseconds, whichever holds it exactly.
        let mut len = 19;
        let (value, width) = match nanos {
            0 => (0, 0),
            n if n % 1_000_000 == 0 => (n / 1_000_000, 3),
            n if n % 1_000 == 0 => (n / 1_000, 6),
            n => (n, 9),
        };
        if width > 0 {
            buf[len] = b'.';
            digits(&mut buf, len + 1, width, value);
            len += 1 + width;
        }
        buf[len] = b'Z';
        s.serialize_str(std::str::from_utf8(&buf[..=len]).expect("ASCII"))
    }

    pub fn opt_datetime<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => datetime(t, s),
            None => s.serialize_none(),
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use proptest::prelude::*;

        #[derive(serde::Serialize)]
        struct Fast {
            #[serde(serialize_with = "datetime")]
            t: DateTime<Utc>,
            #[serde(serialize_with = "opt_date")]
            d: Option<NaiveDate>,
        }

        #[derive(serde::Serialize)]
        struct Chrono {
            t: DateTime<Utc>,
            d: Option<NaiveDate>,
        }

        fn both(t: DateTime<Utc>) -> (String, String) {
            let d = Some(t.date_naive());
            (serde_json::to_string(&Fast { t, d }).unwrap(), serde_json::to_string(&Chrono { t, d }).unwrap())
        }

        #[test]
        fn writes_what_chrono_writes_at_the_edges() {
            let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
            for s in [
                "2026-03-09T14:05:00Z",
                "2026-03-09T14:05:00.5Z",
                "0001-01-01T00:00:00.000001Z",
                "9999-12-31T23:59:59.999999999Z",
                "1969-12-31T23:59:59.123Z",
            ] {
                let (fast, chrono) = both(at(s));
                assert_eq!(fast, chrono, "{s}");
            }
            let far = NaiveDate::from_ymd_opt(12026, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc();
            let (fast, chrono) = both(far);
            assert_eq!(fast, chrono, "a year of five digits");
            let before = NaiveDate::from_ymd_opt(-44, 3, 15).unwrap().and_hms_opt(12, 0, 0).unwrap().and_utc();
            let (fast, chrono) = both(before);
            assert_eq!(fast, chrono, "a year before 1");
            assert_eq!(
                serde_json::to_string(&Fast { t: at("2026-03-09T14:05:00Z"), d: None }).unwrap(),
                r#"{"t":"2026-03-09T14:05:00Z","d":null}"#
            );
        }

        proptest! {
            #[test]
            fn writes_what_chrono_writes(secs in -62_000_000_000i64..253_000_000_000, nanos in 0u32..1_000_000_000,
                                         unit in 0usize..4) {
                let nanos = [0, nanos / 1_000_000 * 1_000_000, nanos / 1_000 * 1_000, nanos][unit];
                let t = DateTime::from_timestamp(secs, nanos).unwrap();
                let (fast, chrono) = both(t);
                prop_assert_eq!(fast, chrono);
            }
        }
    }
}
