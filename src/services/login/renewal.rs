//! Renewing a signed-in session's access token without asking for the password again,
//! so a browser page can keep its token in memory only. A session still ends: renewals
//! keep the time the password was checked, and none reaches past `MAX_SESSION_SECS`
//! after it (NIST SP 800-63B's reauthentication bound for AAL2 is 12 hours).

use crate::auth::identify::ACCOUNT_SUBJECT;
use crate::auth::{Credential, Principal};
use crate::error::{AppError, AppResult};
use crate::services::login::LoginPolicy;

/// How long a session lasts from its login, renewals included.
pub const MAX_SESSION_SECS: i64 = 12 * 60 * 60;

/// A renewed access token.
#[derive(Debug, Clone)]
pub struct Renewal {
    pub access_token: String,
    pub expires_at: i64,
    /// When the session ends: after it, only a login gives a new token.
    pub session_expires_at: i64,
}

/// Issues a new access token for the caller's session. Only a built-in account's login
/// token can be renewed (not an API token, nor an identity provider's token); the
/// account's current role and organisation are what `identify` just read from the
/// database, so a disabled account cannot renew.
pub fn renew(policy: &LoginPolicy, caller: &Principal) -> AppResult<Renewal> {
    let session_started = match &caller.credential {
        Credential::Jwt { session_started } if caller.sub.starts_with(ACCOUNT_SUBJECT) => {
            session_started.ok_or_else(|| {
                AppError::Unauthenticated("the token does not say when its session began".into())
            })?
        }
        _ => {
            return Err(AppError::Forbidden(
                "only a token from `login` can be renewed".into(),
            ));
        }
    };
    let session_expires_at = session_started.saturating_add(MAX_SESSION_SECS);
    let now = chrono::Utc::now().timestamp();
    if now >= session_expires_at {
        return Err(AppError::Unauthenticated(
            "the session has reached its maximum age: log in again".into(),
        ));
    }
    let org = caller.organisation.as_ref().map(|m| m.code.as_str());
    let (access_token, expires_at) = policy.keys.issue_within(
        &caller.sub,
        caller.role,
        org,
        session_started,
        session_expires_at,
    )?;
    tracing::info!(sub = %caller.sub, expires_at, "access token renewed");
    Ok(Renewal {
        access_token,
        expires_at,
        session_expires_at,
    })
}
