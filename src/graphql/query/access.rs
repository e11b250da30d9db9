use crate::auth::policy;
use crate::graphql::types::access::{Account, ApiToken, AuditEntry, Me};
use crate::graphql::types::paging::page_args;
use crate::graphql::{db, request};
use crate::services::audit::{self, AuditFilter};
use crate::services::{accounts, api_tokens};
use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{Context, InputObject, Object, Result};
use sea_orm::DatabaseConnection;

/// Which audit entries to list.
#[derive(InputObject, Default)]
pub struct AuditFilterInput {
    /// Entries about records of this type, e.g. "Signature".
    pub record_type: Option<String>,
    /// Entries about the record with this key (with `recordType`).
    pub record_id: Option<String>,
    /// Entries written by this subject.
    pub actor_sub: Option<String>,
    /// Entries at or after this time.
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    /// Entries at or before this time.
    pub to: Option<chrono::DateTime<chrono::Utc>>,
}

/// Extra fields of the audit log.
pub struct AuditListInfo {
    db: DatabaseConnection,
    filter: AuditFilter,
}

/// Extra fields of the audit log.
#[Object]
impl AuditListInfo {
    /// How many entries match, across all pages.
    async fn total_count(&self) -> Result<u64> {
        Ok(audit::count(&self.db, &self.filter).await?)
    }
}

/// Extra fields of the account list.
pub struct AccountListInfo {
    db: DatabaseConnection,
}

/// Extra fields of the account list.
#[Object]
impl AccountListInfo {
    /// How many accounts there are, across all pages. Counted only when asked for.
    async fn total_count(&self) -> Result<u64> {
        Ok(accounts::count(&self.db).await?)
    }
}

/// A page of accounts.
pub type AccountConnection = Connection<String, Account, AccountListInfo, EmptyFields>;
/// A page of audit entries.
pub type AuditEntryConnection = Connection<String, AuditEntry, AuditListInfo, EmptyFields>;

#[derive(Default)]
pub struct AccessQuery;

#[Object]
impl AccessQuery {
    /// The authenticated caller; `UNAUTHENTICATED` without a token.
    async fn me(&self, ctx: &Context<'_>) -> Result<Me> {
        Ok(Me(policy::authenticated(&request(ctx)?.caller)?.clone()))
    }

    /// Built-in accounts (administrators).
    async fn accounts(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<AccountConnection> {
        let db = db(ctx)?;
        let page =
            accounts::list(db, request(ctx)?, &page_args(first, after, last, before)).await?;
        let mut connection = Connection::with_additional_fields(
            page.has_previous,
            page.has_next,
            AccountListInfo { db: db.clone() },
        );
        connection.edges.extend(
            page.items
                .into_iter()
                .map(|(cursor, row)| Edge::new(cursor, Account(row))),
        );
        Ok(connection)
    }

    /// API tokens: all for administrators, a member's own organisation's for a member.
    async fn api_tokens(&self, ctx: &Context<'_>) -> Result<Vec<ApiToken>> {
        Ok(api_tokens::visible(db(ctx)?, request(ctx)?)
            .await?
            .into_iter()
            .map(ApiToken)
            .collect())
    }

    /// The audit log, newest first (administrators).
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditFilterInput>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<AuditEntryConnection> {
        policy::may_audit(&request(ctx)?.caller)?;
        let input = filter.unwrap_or_default();
        let filter = AuditFilter {
            record_type: input.record_type,
            record_id: input.record_id,
            actor_sub: input.actor_sub,
            from: input.from,
            to: input.to,
        };
        let db = db(ctx)?;
        let page = audit::list(db, &filter, &page_args(first, after, last, before)).await?;
        let mut connection = Connection::with_additional_fields(
            page.has_previous,
            page.has_next,
            AuditListInfo {
                db: db.clone(),
                filter,
            },
        );
        connection.edges.extend(
            page.items
                .into_iter()
                .map(|(cursor, row)| Edge::new(cursor, AuditEntry(row))),
        );
        Ok(connection)
    }
}
