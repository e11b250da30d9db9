//! Turning an `Authorization` header into a `Caller`. A header that is present but does
//! not verify is an error (401), never anonymous access.

use crate::auth::keys::Keys;
use crate::auth::{Caller, Credential, Membership, Principal, Role, TokenScope, api_tokens};
use crate::error::{AppError, AppResult};
use chrono::Utc;
use entity::{account, api_token, organisation};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::sync::Arc;

/// The prefix of subjects of built-in accounts.
pub const ACCOUNT_SUBJECT: &str = "account:";

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
        let Some(header) = authorization else {
            return Ok(Caller::Anonymous);
        };
        let credential = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .ok_or_else(|| rejected("the Authorization header must be `Bearer <token>`"))?;
        let principal = if api_tokens::looks_like_api_token(credential) {
            self.api_token(credential).await?
        } else {
            self.jwt(credential).await?
        };
        Ok(Caller::Authenticated(principal))
    }

    async fn api_token(&self, token: &str) -> AppResult<Principal> {
        // The token and its organisation in one statement: this runs on every request.
        let (row, organisation) = api_token::Entity::find()
            .filter(api_token::Column::TokenDigest.eq(api_tokens::digest(token)))
            .find_also_related(organisation::Entity)
            .one(&self.db)
            .await?
            .ok_or_else(|| rejected("unknown API token"))?;
        let now = Utc::now();
        if row.revoked_at.is_some() {
            return Err(rejected("the API token was revoked"));
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
            sub: format!("token:{}", row.id),
            role,
            organisation: organisation.map(membership),
            credential: Credential::ApiToken { id: row.id, scopes },
        })
    }

    async fn jwt(&self, token: &str) -> AppResult<Principal> {
        let claims = self.keys.verify(token).map_err(|e| rejected(e.0))?;
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
                credential: Credential::Jwt,
            });
        }
        let organisation = match &claims.org {
            Some(code) => {
                let org = crate::services::organisations::by_code(&self.db, code)
                    .await?
                    .ok_or_else(|| {
                        rejected(format!("the token's organisation {code:?} is unknown"))
                    })?;
                Some(membership(org))
            }
            None => None,
        };
        Ok(Principal {
            sub: claims.sub,
            role: claims.role,
            organisation,
            credential: Credential::Jwt,
        })
    }
}

fn membership(organisation: organisation::Model) -> Membership {
    Membership {
        organisation_id: organisation.id,
        code: organisation.code,
    }
}
