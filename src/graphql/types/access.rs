//! Accounts, API tokens, the caller, and the audit log: visible to administrators (and a
//! member for its own tokens).

use crate::auth::Principal;
use crate::graphql::enums::Role;
use crate::graphql::loaders::OrganisationId;
use crate::graphql::types::organisation::Organisation;
use crate::graphql::{db, ids, loaders};
use async_graphql::{Context, ID, Object, Result};
use entity::{account, api_token, audit_entry};

/// A built-in account.
pub struct Account(pub account::Model);

/// A built-in account.
#[Object]
impl Account {
    /// Global id of the account.
    async fn id(&self) -> ID {
        ids::encode("Account", self.0.id)
    }

    /// The login email (lower case).
    async fn email(&self) -> &str {
        &self.0.email
    }

    /// The account's role.
    async fn role(&self) -> Option<Role> {
        Role::from_stored(&self.0.role)
    }

    /// The member organisation (MEMBER accounts).
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        let Some(id) = self.0.organisation_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .load_one(OrganisationId(id))
            .await?
            .map(Organisation::new))
    }

    /// Disabled accounts cannot log in, and their tokens stop working at once.
    async fn disabled(&self) -> bool {
        self.0.disabled
    }

    /// The last successful login.
    async fn last_login_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.last_login_at
    }

    /// Until when logins to this account are held back by failed attempts (for clients
    /// without one of its device tokens); null when they are not. `liftLoginBlock` ends
    /// it at once.
    async fn login_blocked_until(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
        let policy = ctx.data::<crate::services::login::LoginPolicy>()?;
        Ok(crate::services::login::blocked_until(db(ctx)?, &policy.rules, &self.0.email).await?)
    }

    /// The record's version, for `updateAccount`.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// An API token of a regional system. The token itself is only ever shown once.
pub struct ApiToken(pub api_token::Model);

/// An API token of a regional system. The token itself is only ever shown once.
#[Object]
impl ApiToken {
    /// Global id of the token record.
    async fn id(&self) -> ID {
        ids::encode("ApiToken", self.0.id)
    }

    /// What the token is for.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The token's first characters, to tell tokens apart.
    async fn prefix(&self) -> &str {
        &self.0.display_prefix
    }

    /// The role the token acts with.
    async fn role(&self) -> Option<Role> {
        Role::from_stored(&self.0.role)
    }

    /// The organisation the token acts for (MEMBER tokens).
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        let Some(id) = self.0.organisation_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .load_one(OrganisationId(id))
            .await?
            .map(Organisation::new))
    }

    /// READ, and WRITE when the token may write.
    async fn scopes(&self) -> Vec<crate::graphql::enums::TokenScope> {
        let mut scopes = vec![crate::graphql::enums::TokenScope::Read];
        if self.0.can_write {
            scopes.push(crate::graphql::enums::TokenScope::Write);
        }
        scopes
    }

    /// Who created it.
    async fn created_by(&self) -> &str {
        &self.0.created_by
    }

    /// When it was created.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }

    /// When it stops working by itself.
    async fn expires_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.expires_at
    }

    /// When it was revoked.
    async fn revoked_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.revoked_at
    }

    /// When it was suspended because the account that created it was disabled; null
    /// when it is not. Only `resumeApiToken` starts it again.
    async fn suspended_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.suspended_at
    }

    /// Whether the token works now: not revoked, suspended or expired.
    async fn active(&self) -> bool {
        self.0.revoked_at.is_none()
            && self.0.suspended_at.is_none()
            && self.0.expires_at.is_none_or(|at| at > chrono::Utc::now())
    }

    /// When it was last used (to the minute).
    async fn last_used_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.last_used_at
    }
}

/// The authenticated caller.
pub struct Me(pub Principal);

/// The authenticated caller.
#[Object]
impl Me {
    /// The subject: `account:<id>`, `token:<id>`, or an identity provider's subject.
    async fn sub(&self) -> &str {
        &self.0.sub
    }

    /// The caller's role.
    async fn role(&self) -> Role {
        self.0.role.into()
    }

    /// The caller's organisation (members).
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        let Some(membership) = &self.0.organisation else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .load_one(OrganisationId(membership.organisation_id))
            .await?
            .map(Organisation::new))
    }
}

/// One audited write.
pub struct AuditEntry(pub audit_entry::Model);

/// One audited write.
#[Object]
impl AuditEntry {
    /// Global id of the entry.
    async fn id(&self) -> ID {
        ids::encode("AuditEntry", self.0.id)
    }

    /// When the write happened.
    async fn at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.at
    }

    /// Who wrote: `account:<id>`, `token:<id>`, an identity provider's subject, or
    /// `command-line`.
    async fn actor_sub(&self) -> &str {
        &self.0.actor_sub
    }

    /// The writer's role.
    async fn actor_role(&self) -> &str {
        &self.0.actor_role
    }

    /// The writer's organisation code, if a member.
    async fn actor_organisation_code(&self) -> Option<&str> {
        self.0.actor_organisation_code.as_deref()
    }

    /// How the writer authenticated: JWT, API_TOKEN or COMMAND_LINE.
    async fn credential(&self) -> &str {
        &self.0.credential
    }

    /// What was done, e.g. `signature.withdraw`.
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// The type of the record written, e.g. `Signature`.
    async fn record_type(&self) -> &str {
        &self.0.record_type
    }

    /// The record's key (a row id, or a code).
    async fn record_id(&self) -> &str {
        &self.0.record_id
    }

    /// The record before the write, as JSON; null for a creation.
    async fn before(&self) -> Option<&str> {
        self.0.before.as_deref()
    }

    /// The record after the write, as JSON.
    async fn after(&self) -> Option<&str> {
        self.0.after.as_deref()
    }

    /// The id of the HTTP request that wrote (see `x-request-id`).
    async fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
}
