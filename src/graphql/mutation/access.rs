use crate::error::AppError;
use crate::graphql::enums::Role;
use crate::graphql::operations::LoginsInRequest;
use crate::graphql::types::access::{Account, ApiToken};
use crate::graphql::types::payload::{UserError, payload, respond};
use crate::graphql::{db, ids, request};
use crate::http::rate_limit::ClientAddress;
use crate::services::accounts::{self, AccountFacts};
use crate::services::api_tokens::{self, TokenRequest};
use crate::services::login::{self, Attempt, LoginPolicy, Refusal};
use async_graphql::{Context, ErrorExtensions, ID, Object, Result, SimpleObject};

payload!(
    /// The result of an account mutation.
    AccountPayload { account: Account }
);

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
    /// A token for this device, given when the login presented none that is known (shown
    /// once): send it as `deviceToken` at later logins, and other clients' failed
    /// attempts will not hold this device back.
    pub device_token: Option<String>,
}

/// A renewed access token of a signed-in session.
#[derive(SimpleObject)]
pub struct RenewalPayload {
    /// Send as `Authorization: Bearer <accessToken>`.
    pub access_token: String,
    /// Always "Bearer".
    pub token_type: String,
    /// When the token expires (Unix seconds).
    pub expires_at: i64,
    /// When the session ends (Unix seconds), 12 hours after its login: renewals never
    /// reach past it; after it only `login` gives a new token.
    pub session_expires_at: i64,
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
    /// email or password answers `UNAUTHENTICATED`, the same either way, and slowly. After
    /// repeated failures for an email or from a client address, attempts are refused for a
    /// growing while with `LOGIN_THROTTLED` (`extensions.retryAfter` in seconds) without
    /// checking the password; a device that presents its `deviceToken` is held back only
    /// by its own failures. A request may log in once: a second `login` (an alias or a
    /// batched operation) is `LOGIN_LIMIT_EXCEEDED`.
    async fn login(
        &self,
        ctx: &Context<'_>,
        email: String,
        password: String,
        #[graphql(desc = "The `deviceToken` an earlier login on this device returned.")]
        device_token: Option<String>,
    ) -> Result<LoginPayload> {
        // Checked when the document arrived; this guard counts what actually executes.
        let admitted = ctx
            .data::<LoginsInRequest>()
            .is_ok_and(LoginsInRequest::admit_one);
        if !admitted {
            return Err(async_graphql::Error::new("a request may log in once")
                .extend_with(|_, e| e.set("code", "LOGIN_LIMIT_EXCEEDED")));
        }
        let policy = ctx.data::<LoginPolicy>()?;
        let address = ctx
            .data::<ClientAddress>()
            .map_or("unknown", |a| a.0.as_str());
        let attempt = Attempt {
            email: &email,
            password: &password,
            device_token: device_token.as_deref(),
            address,
        };
        match login::login(db(ctx)?, policy, request(ctx)?, attempt).await {
            Ok(session) => Ok(LoginPayload {
                access_token: session.access_token,
                token_type: "Bearer".into(),
                expires_at: session.expires_at,
                account: Account(session.account),
                device_token: session.device_token,
            }),
            Err(Refusal::WrongCredentials) => {
                Err(AppError::Unauthenticated("the email or password is wrong".into()).into())
            }
            Err(Refusal::Throttled { retry_after_secs }) => Err(async_graphql::Error::new(
                format!("too many failed logins; try again in {retry_after_secs} s"),
            )
            .extend_with(|_, e| {
                e.set("code", "LOGIN_THROTTLED");
                e.set("retryAfter", retry_after_secs);
            })),
            Err(Refusal::Failed(err)) => Err(err.into()),
        }
    }

    /// Renews the caller's access token before it expires, without the password: for a
    /// page that keeps its token in memory only (GraphiQL's sign-in does). Only a token
    /// from `login` can be renewed (`FORBIDDEN` otherwise), the account must still be
    /// enabled, and a session ends 12 hours after its login (`UNAUTHENTICATED`: log in
    /// again).
    async fn renew_access_token(&self, ctx: &Context<'_>) -> Result<RenewalPayload> {
        let caller = request(ctx)?.caller.principal().ok_or_else(|| {
            AppError::Unauthenticated("sign in first: send the token from `login`".into())
        })?;
        let renewal = login::renew(ctx.data::<LoginPolicy>()?, caller)?;
        Ok(RenewalPayload {
            access_token: renewal.access_token,
            token_type: "Bearer".into(),
            expires_at: renewal.expires_at,
            session_expires_at: renewal.session_expires_at,
        })
    }

    /// Lifts an account's login back-off at once (administrators), for example when its
    /// owner is held back by someone else's guessing. Audited.
    async fn lift_login_block(&self, ctx: &Context<'_>, account_id: ID) -> Result<AccountPayload> {
        let result = match ids::row_id(&account_id, "Account", "accountId") {
            Ok(row) => login::lift_block(db(ctx)?, request(ctx)?, row).await,
            Err(e) => Err(e),
        };
        respond(result, Account)
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
        token_payload(result)
    }

    /// Starts a token again that was suspended when the account that created it was
    /// disabled (administrators). Re-enabling the account does not do this by itself.
    async fn resume_api_token(&self, ctx: &Context<'_>, id: ID) -> Result<ApiTokenPayload> {
        let result = match ids::row_id(&id, "ApiToken", "id") {
            Ok(row) => api_tokens::resume(db(ctx)?, request(ctx)?, row).await,
            Err(e) => Err(e),
        };
        token_payload(result)
    }
}

/// A revoked or resumed token's payload.
fn token_payload(
    result: crate::error::AppResult<entity::api_token::Model>,
) -> Result<ApiTokenPayload> {
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
