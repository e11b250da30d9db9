//! Who is calling, and what they may do.
//!
//! `keys` verifies and issues JWTs, `api_tokens` and `device_tokens` make and recognise
//! opaque tokens, `passwords` hashes account passwords, `login_throttle` holds the rules
//! of login back-off, `identify` turns an `Authorization` header into a `Caller`, and
//! `policy` is the one place that decides whether a caller may act. Every write path
//! asks `policy`.
//!
//! Dependencies point one way: `services` (and the API layers above them) use `auth`;
//! `auth` uses only the entities, `domain` and the error type, never a service.

pub mod api_tokens;
pub mod device_tokens;
pub mod identify;
pub mod keys;
pub mod login_throttle;
pub mod passwords;
pub mod policy;

use crate::domain::stored_enum;

stored_enum! {
    /// What a caller may do.
    pub enum Role {
        /// SKR's administrators: read and write everything.
        Admin => "ADMIN",
        /// A member organisation (municipality or region): writes its own records.
        Member => "MEMBER",
        /// A researcher: enters and reads study data.
        Researcher => "RESEARCHER",
    }
}

stored_enum! {
    /// What an API token may do.
    pub enum TokenScope {
        /// Read what the token's role may read.
        Read => "READ",
        /// Also write what the token's role may write.
        Write => "WRITE",
    }
}

/// How a caller proved who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A JWT: issued at login (`account:<id>` subjects) or by an identity provider,
    /// with when its session began, if it says.
    Jwt { session_started: Option<i64> },
    /// An API token of a regional system.
    ApiToken { id: i32, scopes: Vec<TokenScope> },
    /// An account's password, at the login that checked it.
    Password,
    /// The command line of the server itself.
    CommandLine,
}

/// An organisation a caller belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub organisation_id: i32,
    pub code: String,
}

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The subject: `account:<id>`, `token:<id>`, or an identity provider's subject.
    pub sub: String,
    pub role: Role,
    /// The member organisation; always set for MEMBER.
    pub organisation: Option<Membership>,
    pub credential: Credential,
}

/// The caller of a request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Caller {
    #[default]
    Anonymous,
    Authenticated(Principal),
}

impl Caller {
    pub fn principal(&self) -> Option<&Principal> {
        match self {
            Self::Anonymous => None,
            Self::Authenticated(principal) => Some(principal),
        }
    }
}
