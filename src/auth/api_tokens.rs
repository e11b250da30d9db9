//! Opaque API tokens for regional systems: `cemr_` plus 43 characters of randomness.
//! Only a SHA-256 digest is stored; the token itself is shown once, at creation.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// What every API token starts with, so it is told apart from a JWT.
pub const PREFIX: &str = "cemr_";

/// A new random token.
pub fn generate() -> anyhow::Result<String> {
    random_with_prefix(PREFIX)
}

/// `prefix` and 32 random bytes in unpadded base64url.
pub(crate) fn random_with_prefix(prefix: &str) -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes)))
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

/// Characters of randomness after the prefix: 32 bytes in unpadded base64url.
const RANDOM_CHARS: usize = 43;

/// Whether a credential claims to be an API token (rather than a JWT).
pub fn looks_like_api_token(credential: &str) -> bool {
    credential.starts_with(PREFIX)
}

/// Whether a credential has the exact form of an API token; anything else is refused
/// without a database lookup.
pub fn is_well_formed(credential: &str) -> bool {
    credential.strip_prefix(PREFIX).is_some_and(|random| {
        random.len() == RANDOM_CHARS
            && random
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn generated_tokens_are_well_formed_and_others_are_not() {
        let token = super::generate().expect("token");
        assert!(super::is_well_formed(&token));
        assert!(!super::is_well_formed(
            "cemr_doesnotexistdoesnotexistdoesnotexist"
        ));
        assert!(!super::is_well_formed(&format!("{token}x")));
        let last = token.len() - 1;
        assert!(!super::is_well_formed(&format!("{}=", &token[..last])));
    }
}
