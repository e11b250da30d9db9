//! Turning an `Authorization` header into a `Caller`. A header that is present but does
//! not verify is an error (401), never anonymous access.
//!
//! Identifying takes two steps so the HTTP layer can rate-limit between them: `present`
//! checks the credential's form and, for a JWT, its signature and claims, without the
//! database; `resolve` then reads the current state (the API token's record, the
//! account's role and organisation) from the database.

use crate::auth::keys::{Keys, VerifiedClaims};
use crate::auth::{Caller, Credential, Membership, Principal, Role, TokenScope, api_tokens};
use crate::error::{AppError, AppResult};
use chrono::Utc;
use entity::{account, api_token, organisation};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::sync::Arc;

/// The prefix of subjects of built-in accounts.
pub const ACCOUNT_SUBJECT: &str = "account:";
/// The subject prefix of API-token credentials (`token:<id>`), as audits and webhooks
/// name who acted.
pub const TOKEN_SUBJECT: &str = "token:";

/// A credential whose form (and, for a JWT, signature) checked out, not yet compared with
/// the database.
#[derive(Debug, Clone)]
pub enum Presented {
    /// An API token, by its digest.
    ApiToken { digest: String },
    /// A JWT with a valid signature and valid claims.
    Jwt(VerifiedClaims),
}

/// Identifies callers; built once at start-up and shared.
#[derive(Clone)]
pub struct Authenticator {
    pub keys: Arc<Keys>,
    db: DatabaseConnection,
}

fn rejected(why: impl Into<String>) -> AppError {
    AppError::Unauthenticated(why.into())
}

impl Authenticator {
    pub fn new(keys: Arc<Keys>, db: DatabaseConnection) -> Self {
        Self { keys, db }
    }

    /// The caller named by an `Authorization` header value (None: anonymous).
    pub async fn identify(&self, authorization: Option<&str>) -> AppResult<Caller> {
        match authorization {
            None => Ok(Caller::Anonymous),
            Some(header) => {
                let presented = self.present(header)?;
                Ok(Caller::Authenticated(self.resolve(presented).await?))
            }
        }
    }

    /// Checks a header's form, and a JWT's signature and claims, without the database.
    pub fn present(&self, header: &str) -> AppResult<Presented> {
        let credential = header
            .split_once(' ')
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, credential)| credential.trim())
            .filter(|c| !c.is_empty())
            .ok_or_else(|| rejected("the Authorization header must be `Bearer <token>`"))?;
        if api_tokens::looks_like_api_token(credential) {
            if !api_tokens::is_well_formed(credential) {
                return Err(rejected("unknown API token"));
            }
            return Ok(Presented::ApiToken {
                digest: api_tokens::digest(credential),
            });
        }
        self.keys
            .verify(credential)
            .map(Presented::Jwt)
            .map_err(|e| rejected(e.0))
    }

    /// The principal of a presented credential, as the database has it now.
    pub async fn resolve(&self, presented: Presented) -> AppResult<Principal> {
        match presented {
            Presented::ApiToken { digest } => self.api_token(&digest).await,
            Presented::Jwt(claims) => self.jwt(claims).await,
        }
    }

    async fn api_token(&self, digest: &str) -> AppResult<Principal> {
        // The token and its organisation in one statement: this runs on every request.
        let (row, organisation) = api_token::Entity::find()
            .filter(api_token::Column::TokenDigest.eq(digest))
            .find_also_related(organisation::Entity)
            .one(&self.db)
            .await?
            .ok_or_else(|| rejected("unknown API token"))?;
        let now = Utc::now();
        if row.revoked_at.is_some() {
            return Err(rejected("the API token was revoked"));
        }
        if row.suspended_at.is_some() {
            return Err(rejected(
                "the API token is suspended: the account that created it was disabled",
            ));
        }
        if row.expires_at.is_some_and(|at| at <= now) {
            return Err(rejected("the API token has expired"));
        }
        let role = Role::from_stored(&row.role)
            .ok_or_else(|| rejected("the API token's role is unknown"))?;
        // Last use is recorded at most once a minute, so reads do not all become writes.
        if row
            .last_used_at
            .is_none_or(|at| now - at > chrono::Duration::seconds(60))
        {
            api_token::Entity::update_many()
                .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
                .filter(api_token::Column::Id.eq(row.id))
                .exec(&self.db)
                .await?;
        }
        let mut scopes = vec![TokenScope::Read];
        if row.can_write {
            scopes.push(TokenScope::Write);
        }
        Ok(Principal {
            sub: format!("{TOKEN_SUBJECT}{}", row.id),
            role,
            organisation: organisation.map(membership),
            credential: Credential::ApiToken { id: row.id, scopes },
        })
    }

    async fn jwt(&self, claims: VerifiedClaims) -> AppResult<Principal> {
        if let Some(id) = claims.sub.strip_prefix(ACCOUNT_SUBJECT) {
            // A built-in account's current state wins over the token: disabling or
            // re-roling takes effect at once.
            let id: i32 = id
                .parse()
                .map_err(|_| rejected("the token's subject is malformed"))?;
            let (account, organisation) = account::Entity::find_by_id(id)
                .find_also_related(organisation::Entity)
                .one(&self.db)
                .await?
                .filter(|(a, _)| !a.disabled)
                .ok_or_else(|| rejected("the account is disabled or gone"))?;
            let role = Role::from_stored(&account.role)
                .ok_or_else(|| rejected("the account's role is unknown"))?;
            return Ok(Principal {
                sub: claims.sub,
                role,
                organisation: organisation.map(membership),
                credential: Credential::Jwt {
                    session_started: claims.session_started,
                },
            });
        }
        // The claim names the organisation exactly, by its stored code: no trimming and
        // no alternative forms, so one organisation has one spelling in every token.
        let organisation = match &claims.org {
            // Codes are short and alphanumeric; anything else cannot name one (and text
            // with NUL would be an error on PostgreSQL rather than a refusal).
            Some(code) if code.len() > 16 || !code.chars().all(|c| c.is_ascii_alphanumeric()) => {
                return Err(rejected(format!(
                    "the token's organisation {code:?} is unknown"
                )));
            }
            Some(code) => Some(membership(
                organisation::Entity::find()
                    .filter(organisation::Column::Code.eq(code.as_str()))
                    .one(&self.db)
                    .await?
                    .ok_or_else(|| {
                        rejected(format!("the token's organisation {code:?} is unknown"))
                    })?,
            )),
            None => None,
        };
        Ok(Principal {
            sub: claims.sub,
            role: claims.role,
            organisation,
            credential: Credential::Jwt {
                session_started: claims.session_started,
            },
        })
    }
}

fn membership(organisation: organisation::Model) -> Membership {
    Membership {
        organisation_id: organisation.id,
        code: organisation.code,
    }
}
