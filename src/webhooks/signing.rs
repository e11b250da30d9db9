//! Signatures as the Standard Webhooks specification defines them: the secret is
//! `whsec_` followed by the base64 of a random key; each delivery is signed with
//! HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{body}` and sent as
//! `webhook-signature: v1,<base64 of the MAC>`.

use crate::error::{AppError, AppResult};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The prefix of every signing secret.
pub const SECRET_PREFIX: &str = "whsec_";
/// Random bytes in a key (the specification asks for 24 to 64).
const KEY_BYTES: usize = 32;

/// A new signing secret.
pub fn generate_secret() -> AppResult<String> {
    let mut key = [0u8; KEY_BYTES];
    getrandom::fill(&mut key)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("no randomness: {e}")))?;
    Ok(format!("{SECRET_PREFIX}{}", STANDARD.encode(key)))
}

/// The `webhook-signature` header's value for one delivery.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> AppResult<String> {
    let key = secret
        .strip_prefix(SECRET_PREFIX)
        .and_then(|encoded| STANDARD.decode(encoded).ok())
        .ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!("a stored webhook secret is malformed"))
        })?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("HMAC key: {e}")))?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the specification's reference libraries.
    #[test]
    fn signs_the_reference_example() {
        let signature = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            br#"{"test": 2432232314}"#,
        )
        .expect("signs");
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn secrets_are_random_and_well_formed() {
        let (a, b) = (
            generate_secret().expect("secret"),
            generate_secret().expect("secret"),
        );
        assert_ne!(a, b);
        let key = STANDARD
            .decode(a.strip_prefix(SECRET_PREFIX).expect("prefix"))
            .expect("base64");
        assert_eq!(key.len(), KEY_BYTES);
    }
}
