//! Signed session tokens (JWT, HS256). The signature proves who issued it; the session row and the user's session
//! version, checked on every request, decide whether it still holds.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};

use serde::{Deserialize, Serialize};

use super::Role;
use crate::ids::{PartnerId, SessionId, TenantId, UserId};

pub const LIFETIME_HOURS: i64 = 12;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: UserId,
    pub tid: TenantId,
    pub sid: SessionId,
    pub role: Role,
    pub pid: Option<PartnerId>,
    pub sv: i32,
    /// Display details, so that pages need no query to show who is signed in. Changing them bumps `sv`.
    pub name: String,
    pub email: String,
    pub tn: String,
    pub iat: i64,
    pub exp: i64,
}

#[derive(Clone)]
pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

/// Seconds of clock difference a token's expiry tolerates.
const LEEWAY: i64 = 5;

impl Keys {
    pub fn new(secret: &[u8]) -> Keys {
        Keys { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret) }
    }

    pub fn issue(&self, claims: &Claims) -> anyhow::Result<String> {
        Ok(jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)?)
    }

    /// The claims of a token signed with these keys that has not expired.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        self.verify_at(token, chrono::Utc::now().timestamp())
    }

    fn verify_at(&self, token: &str, now: i64) -> Option<Claims> {
        let mut validation = Validation::new(Algorithm::HS256);
        // Expiry is checked here against `now`, with the same leeway.
        validation.validate_exp = false;
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation).ok()?.claims;
        (claims.exp >= now - LEEWAY).then_some(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: i64) -> Claims {
        Claims {
            sub: UserId::new(),
            tid: TenantId::new(),
            sid: SessionId::new(),
            role: Role::PartnerUser,
            pid: Some(PartnerId::new()),
            sv: 1,
            name: "Pat Partner".into(),
            email: "pat@example.com".into(),
            tn: "Acme".into(),
            iat: exp - 3600,
            exp,
        }
    }

    #[test]
    fn a_token_is_refused_once_it_expires() {
        let keys = Keys::new(b"0123456789abcdef0123456789abcdef");
        let now = chrono::Utc::now().timestamp();
        let token = keys.issue(&claims(now + 100)).unwrap();
        assert_eq!(keys.verify_at(&token, now).unwrap().name, "Pat Partner");
        assert_eq!(keys.verify_at(&token, now + 100 + LEEWAY).map(|c| c.exp), Some(now + 100), "within the leeway");
        assert!(keys.verify_at(&token, now + 101 + LEEWAY).is_none());
    }

    #[test]
    fn a_token_with_another_signature_or_secret_is_refused() {
        let keys = Keys::new(b"0123456789abcdef0123456789abcdef");
        let token = keys.issue(&claims(chrono::Utc::now().timestamp() + 100)).unwrap();
        assert!(keys.verify(&token).is_some());
        let (body, signature) = token.rsplit_once('.').unwrap();
        let mut forged = signature.to_string().into_bytes();
        forged[0] = if forged[0] == b'A' { b'B' } else { b'A' };
        assert!(keys.verify(&format!("{body}.{}", String::from_utf8(forged).unwrap())).is_none());
        let other = Keys::new(b"another-secret-another-secret-another");
        assert!(other.verify(&token).is_none(), "another secret's keys check the signature themselves");
        assert!(keys.verify(&format!("{token} ")).is_none());
    }
}
