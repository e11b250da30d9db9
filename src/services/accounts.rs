//! Built-in accounts: administrators creating, disabling and re-roling them. Disabling
//! an account suspends the API tokens it created and pauses the webhooks it registered,
//! in the same transaction; logging in is `services::login`.

use crate::auth::identify::ACCOUNT_SUBJECT;
use crate::auth::passwords::{self, MIN_PASSWORD_CHARS};
use crate::auth::{Role, policy};
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, Change};
use crate::services::login::{devices, normalise_email};
use crate::services::pagination::{
    KeyValue, Ordering, Page, PageArgs, PagePlan, SortColumn, encode_cursor,
};
use crate::services::writing::{
    self, RequestContext, Validator, Versioned, check_version, save_versioned,
};
use crate::services::{api_tokens, organisations};
use crate::webhooks;
use chrono::Utc;
use entity::account;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};

/// An account as an administrator describes it.
#[derive(Debug, Clone)]
pub struct AccountFacts {
    pub role: Role,
    pub organisation_code: Option<String>,
}

async fn organisation_for(
    db: &DatabaseConnection,
    facts: &AccountFacts,
    v: &mut Validator,
) -> AppResult<Option<i32>> {
    let organisation = match &facts.organisation_code {
        Some(code) => {
            let found = organisations::by_code(db, code).await?;
            v.check(
                found.is_some(),
                "organisationCode",
                "NOT_FOUND",
                format!("no organisation has the code {code:?}"),
            );
            found.map(|o| o.id)
        }
        None => None,
    };
    v.check(
        facts.role != Role::Member || organisation.is_some() || facts.organisation_code.is_some(),
        "organisationCode",
        "REQUIRED",
        "a MEMBER account belongs to an organisation",
    );
    Ok(organisation)
}

fn validate_password(password: &str, v: &mut Validator) {
    v.check(
        password.chars().count() >= MIN_PASSWORD_CHARS,
        "password",
        "TOO_SHORT",
        format!("at least {MIN_PASSWORD_CHARS} characters"),
    );
    v.check(
        password.chars().count() <= 1000,
        "password",
        "TOO_LONG",
        "at most 1000 characters",
    );
}

const EMAIL_TAKEN: &str = "an account with this email exists";

/// Creates an account (administrators, or the command line).
pub async fn create(
    db: &DatabaseConnection,
    request: &RequestContext,
    email: &str,
    password: &str,
    facts: AccountFacts,
) -> AppResult<account::Model> {
    let actor = policy::may_administer(&request.caller)?;
    let email = normalise_email(email);
    let mut v = Validator::new();
    v.check(
        email.len() <= 254
            && email
                .split_once('@')
                .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.')),
        "email",
        "INVALID",
        "not an email address",
    );
    validate_password(password, &mut v);
    let organisation_id = organisation_for(db, &facts, &mut v).await?;
    let taken = account::Entity::find()
        .filter(account::Column::Email.eq(email.clone()))
        .one(db)
        .await?;
    v.check(taken.is_none(), "email", "DUPLICATE", EMAIL_TAKEN);
    v.finish()?;
    let candidate = password.to_owned();
    let hash = tokio::task::spawn_blocking(move || passwords::hash(&candidate))
        .await
        .map_err(|e| AppError::Internal(e.into()))??;
    let txn = writing::begin(db).await?;
    let now = Utc::now();
    let created = account::ActiveModel {
        email: Set(email),
        password_hash: Set(hash),
        role: Set(facts.role.as_str().to_owned()),
        organisation_id: Set(organisation_id),
        disabled: Set(false),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        last_login_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(writing::duplicate_on("email", EMAIL_TAKEN))?;
    audit::commit(
        txn,
        request,
        actor,
        Change::created("account.create", "Account", created.id, &created),
    )
    .await?;
    Ok(created)
}

/// Changes an account's role, organisation, disabled state or password.
pub async fn update(
    db: &DatabaseConnection,
    request: &RequestContext,
    id: i32,
    version: i32,
    facts: AccountFacts,
    disabled: bool,
    password: Option<&str>,
) -> AppResult<account::Model> {
    let actor = policy::may_administer(&request.caller)?;
    let mut v = Validator::new();
    let organisation_id = organisation_for(db, &facts, &mut v).await?;
    if let Some(password) = password {
        validate_password(password, &mut v);
    }
    v.check(
        !(disabled && actor.sub == format!("{ACCOUNT_SUBJECT}{id}")),
        "disabled",
        "INVALID",
        "you cannot disable your own account",
    );
    v.finish()?;
    let hash = match password {
        Some(password) => {
            let candidate = password.to_owned();
            Some(
                tokio::task::spawn_blocking(move || passwords::hash(&candidate))
                    .await
                    .map_err(|e| AppError::Internal(e.into()))??,
            )
        }
        None => None,
    };
    let txn = writing::begin(db).await?;
    let stored = account::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no account {id}")))?;
    check_version("account", version, stored.version)?;
    let mut active: account::ActiveModel = stored.clone().into();
    active.role = Set(facts.role.as_str().to_owned());
    active.organisation_id = Set(organisation_id);
    active.disabled = Set(disabled);
    if let Some(hash) = hash {
        active.password_hash = Set(hash);
        // Devices that proved the old password no longer bypass the account's back-off.
        devices::forget_all(&txn, id).await?;
    }
    if disabled && !stored.disabled {
        let subject = format!("{ACCOUNT_SUBJECT}{id}");
        let tokens = api_tokens::suspend_created_by(&txn, request, actor, &subject).await?;
        webhooks::registry::pause_registered_by(&txn, request, actor, &subject, &tokens).await?;
    }
    let columns = Versioned {
        id: account::Column::Id,
        version: account::Column::Version,
        updated_at: account::Column::UpdatedAt,
    };
    let updated = save_versioned(&txn, "account", columns, active, id, version).await?;
    audit::commit(
        txn,
        request,
        actor,
        Change::updated("account.update", "Account", id, &stored, &updated),
    )
    .await?;
    Ok(updated)
}

/// A page of accounts in id order (administrators).
pub async fn list(
    db: &impl ConnectionTrait,
    request: &RequestContext,
    args: &PageArgs,
) -> AppResult<Page<(String, account::Model)>> {
    policy::may_audit(&request.caller)?;
    let ordering = Ordering {
        name: "account:id".into(),
        columns: vec![SortColumn::asc(Expr::col(account::Column::Id))],
    };
    let plan = PagePlan::new(args, &ordering)?;
    let rows = plan
        .apply(account::Entity::find(), &ordering)
        .all(db)
        .await?;
    Ok(plan.finish(
        rows.into_iter()
            .map(|a| {
                (
                    encode_cursor(&ordering.name, vec![KeyValue::Int(i64::from(a.id))]),
                    a,
                )
            })
            .collect(),
    ))
}

/// How many accounts there are; `list` has checked the caller already.
pub async fn count(db: &impl ConnectionTrait) -> AppResult<u64> {
    use sea_orm::PaginatorTrait;
    Ok(account::Entity::find().count(db).await?)
}

pub async fn by_id(db: &impl ConnectionTrait, id: i32) -> AppResult<Option<account::Model>> {
    Ok(account::Entity::find_by_id(id).one(db).await?)
}

/// Creates an account from the server's command line, reading the password from
/// CEMR_USER_PASSWORD or the first line of standard input.
pub async fn create_from_command_line(
    db: &DatabaseConnection,
    email: &str,
    role: Role,
    organisation_code: Option<String>,
) -> anyhow::Result<account::Model> {
    let password = match std::env::var("CEMR_USER_PASSWORD") {
        Ok(password) => password,
        Err(_) => {
            eprintln!("password (one line on standard input):");
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let request = RequestContext::new(
        crate::auth::Caller::Authenticated(crate::auth::Principal {
            sub: "command-line".into(),
            role: Role::Admin,
            organisation: None,
            credential: crate::auth::Credential::CommandLine,
        }),
        None,
    );
    match create(
        db,
        &request,
        email,
        &password,
        AccountFacts {
            role,
            organisation_code,
        },
    )
    .await
    {
        Ok(account) => Ok(account),
        Err(AppError::Invalid(errors)) => {
            let lines: Vec<String> = errors
                .iter()
                .map(|e| format!("{}: {}", e.field.join("."), e.message))
                .collect();
            anyhow::bail!("the account was not created:\n  {}", lines.join("\n  "))
        }
        Err(other) => anyhow::bail!("the account was not created: {}", other.message()),
    }
}
