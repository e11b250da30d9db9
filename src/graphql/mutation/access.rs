use crate::error::AppError;
use crate::graphql::enums::Role;
use crate::graphql::types::access::{Account, ApiToken};
use crate::graphql::types::payload::{UserError, payload, respond};
use crate::graphql::{db, ids, request};
use crate::services::accounts::{self, AccountFacts};
use crate::services::api_tokens::{self, TokenRequest};
use async_graphql::{Context, ID, Object, Result, SimpleObject};
use std::sync::Arc;

payload!(
    /// The result of an account mutation.
    AccountPayload { account: Account }
);

/// Login settings the mutation needs.
pub struct LoginSettings {
    pub keys: Arc<crate::auth::keys::Keys>,
    pub failure_delay: std::time::Duration,
}

/// A successful login.
#[derive(SimpleObject)]
pub struct LoginPayload {
    /// Send as `Authorization: Bearer <accessToken>`.
    pub access_token: String,
    /// Always "Bearer".
    pub token_type: String,
    /// When the token expires (Unix seconds).
    pub expires_at: i64,
    /// The account logged in.
    pub account: Account,
}

/// The result of creating or revoking an API token.
#[derive(SimpleObject)]
pub struct ApiTokenPayload {
    /// The token itself, shown this once (creation only): store it now.
    pub token: Option<String>,
    /// The token's record.
    pub api_token: Option<ApiToken>,
    /// Why the input was refused, field by field; empty on success.
    pub user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct AccessMutation;

#[Object]
impl AccessMutation {
    /// Logs in with a built-in account and returns a short-lived access token. A wrong
    /// email or password answers `UNAUTHENTICATED`, the same either way, and slowly.
    async fn login(
        &self,
        ctx: &Context<'_>,
        email: String,
        password: String,
    ) -> Result<LoginPayload> {
        let settings = ctx.data::<LoginSettings>()?;
        let session = accounts::login(
            db(ctx)?,
            &settings.keys,
            &email,
            &password,
            settings.failure_delay,
        )
        .await?;
        Ok(LoginPayload {
            access_token: session.access_token,
            token_type: "Bearer".into(),
            expires_at: session.expires_at,
            account: Account(session.account),
        })
    }

    /// Creates an account (administrators). MEMBER accounts belong to an organisation.
    async fn create_account(
        &self,
        ctx: &Context<'_>,
        email: String,
        password: String,
        role: Role,
        organisation_code: Option<String>,
    ) -> Result<AccountPayload> {
        let facts = AccountFacts {
            role: role.into(),
            organisation_code,
        };
        respond(
            accounts::create(db(ctx)?, request(ctx)?, &email, &password, facts).await,
            Account,
        )
    }

    /// Changes an account's role, organisation, disabled state or password
    /// (administrators). Disabling takes effect at once, for tokens already issued too.
    async fn update_account(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        role: Role,
        organisation_code: Option<String>,
        #[graphql(default)] disabled: bool,
        password: Option<String>,
    ) -> Result<AccountPayload> {
        let facts = AccountFacts {
            role: role.into(),
            organisation_code,
        };
        let result = match ids::row_id(&id, "Account", "id") {
            Ok(row) => {
                accounts::update(
                    db(ctx)?,
                    request(ctx)?,
                    row,
                    version,
                    facts,
                    disabled,
                    password.as_deref(),
                )
                .await
            }
            Err(e) => Err(e),
        };
        respond(result, Account)
    }

    /// Creates an API token for a regional system: administrators for any organisation
    /// and role, members for their own organisation. The token is shown once.
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        name: String,
        organisation_code: Option<String>,
        role: Option<Role>,
        #[graphql(default)] can_write: bool,
        expires_at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<ApiTokenPayload> {
        let spec = TokenRequest {
            name,
            organisation_code,
            role: role.map(Into::into),
            can_write,
            expires_at,
        };
        match api_tokens::create(db(ctx)?, request(ctx)?, spec).await {
            Ok((token, record)) => Ok(ApiTokenPayload {
                token: Some(token),
                api_token: Some(ApiToken(record)),
                user_errors: vec![],
            }),
            Err(AppError::Invalid(errors)) => Ok(ApiTokenPayload {
                token: None,
                api_token: None,
                user_errors: errors.into_iter().map(UserError::from).collect(),
            }),
            Err(other) => Err(other.into()),
        }
    }

    /// Revokes an API token at once.
    async fn revoke_api_token(&self, ctx: &Context<'_>, id: ID) -> Result<ApiTokenPayload> {
        let result = match ids::row_id(&id, "ApiToken", "id") {
            Ok(row) => api_tokens::revoke(db(ctx)?, request(ctx)?, row).await,
            Err(e) => Err(e),
        };
        match result {
            Ok(record) => Ok(ApiTokenPayload {
                token: None,
                api_token: Some(ApiToken(record)),
                user_errors: vec![],
            }),
            Err(AppError::Invalid(errors)) => Ok(ApiTokenPayload {
                token: None,
                api_token: None,
                user_errors: errors.into_iter().map(UserError::from).collect(),
            }),
            Err(other) => Err(other.into()),
        }
    }
}
