//! Device tokens: given to a client at a successful login and presented at its next
//! logins, so failures of other clients (an attacker guessing) cannot lock it out of the
//! account. The token is random; only its SHA-256 digest is stored.

use crate::auth::api_tokens;

/// What every device token starts with.
pub const PREFIX: &str = "cemrd_";

/// A new random device token.
pub fn generate() -> anyhow::Result<String> {
    api_tokens::random_with_prefix(PREFIX)
}

/// The stored digest of a device token (hex).
pub fn digest(token: &str) -> String {
    api_tokens::digest(token)
}
