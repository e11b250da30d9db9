//! Opaque API tokens for regional systems: `cemr_` plus 43 characters of randomness.
//! Only a SHA-256 digest is stored; the token itself is shown once, at creation.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// What every API token starts with, so it is told apart from a JWT.
pub const PREFIX: &str = "cemr_";

/// A new random token.
pub fn generate() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// The stored digest of a token (hex). A fast hash suffices: the token has 256 random
/// bits, unlike a password.
pub fn digest(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The first characters of a token, kept to tell tokens apart in lists.
pub fn display_prefix(token: &str) -> String {
    token.chars().take(PREFIX.len() + 6).collect()
}

pub fn looks_like_api_token(credential: &str) -> bool {
    credential.starts_with(PREFIX)
}
