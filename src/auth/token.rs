//! Signed session tokens (JWT, HS256). The signature proves who issued it; the session row and the user's session
//! version, checked on every request, decide whether it still holds.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Role;

pub const LIFETIME_HOURS: i64 = 12;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    pub tid: Uuid,
    pub sid: Uuid,
    pub role: Role,
    pub pid: Option<Uuid>,
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
    /// Tokens whose signature checked out, by their whole text: a session's token comes with every request, and
    /// checking it again (base64, HMAC, JSON) was a sixth of a partner home's own work. Expiry is checked on each use.
    verified: Arc<Mutex<HashMap<Box<str>, Claims>>>,
}

/// How many verified tokens are kept before the cache starts over.
const VERIFIED_KEPT: usize = 10_000;

/// Seconds of clock difference a token's expiry tolerates.
const LEEWAY: i64 = 5;

impl Keys {
    pub fn new(secret: &[u8]) -> Keys {
        Keys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            verified: Arc::default(),
        }
    }

    pub fn issue(&self, claims: &Claims) -> anyhow::Result<String> {
        Ok(jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)?)
    }

    /// The claims of a token signed with these keys that has not expired.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        self.verify_at(token, chrono::Utc::now().timestamp())
    }

    fn verify_at(&self, token: &str, now: i64) -> Option<Claims> {
        let fresh = |claims: &Claims| claims.exp >= now - LEEWAY;
        if let Some(claims) = self.verified.lock().unwrap_or_else(|e| e.into_inner()).get(token) {
            return fresh(claims).then(|| claims.clone());
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = LEEWAY as u64;
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation).ok()?.claims;
        if !fresh(&claims) {
            return None;
        }
        let mut verified = self.verified.lock().unwrap_or_else(|e| e.into_inner());
        if verified.len() >= VERIFIED_KEPT {
            verified.clear();
        }
        verified.insert(token.into(), claims.clone());
        Some(claims)
    }

    #[cfg(test)]
    fn kept(&self) -> usize {
        self.verified.lock().unwrap().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: i64) -> Claims {
        Claims {
            sub: Uuid::new_v4(),
            tid: Uuid::new_v4(),
            sid: Uuid::new_v4(),
            role: Role::PartnerUser,
            pid: Some(Uuid::new_v4()),
            sv: 1,
            name: "Pat Partner".into(),
            email: "pat@example.com".into(),
            tn: "Acme".into(),
            iat: exp - 3600,
            exp,
        }
    }

    #[test]
    fn a_token_verified_before_is_refused_once_it_expires() {
        let keys = Keys::new(b"0123456789abcdef0123456789abcdef");
        let now = chrono::Utc::now().timestamp();
        let token = keys.issue(&claims(now + 100)).unwrap();
        assert_eq!(keys.verify_at(&token, now).unwrap().name, "Pat Partner");
        assert_eq!(keys.verify_at(&token, now + 100 + LEEWAY).map(|c| c.exp), Some(now + 100), "within the leeway");
        assert!(keys.verify_at(&token, now + 101 + LEEWAY).is_none());
    }

    #[test]
    fn only_the_very_token_verified_is_taken_from_the_cache() {
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

    #[test]
    fn the_cache_of_verified_tokens_stays_bounded() {
        let keys = Keys::new(b"0123456789abcdef0123456789abcdef");
        let exp = chrono::Utc::now().timestamp() + 100;
        for _ in 0..VERIFIED_KEPT + 10 {
            assert!(keys.verify(&keys.issue(&claims(exp)).unwrap()).is_some());
        }
        assert!(keys.kept() <= VERIFIED_KEPT);
        assert!(keys.kept() > 0);
    }
}
