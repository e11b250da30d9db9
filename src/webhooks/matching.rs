//! Which events an endpoint is sent: those its owner's role may read (the same rule as
//! reads and subscriptions), narrowed by its filter.

use crate::auth::{Caller, Credential, Membership, Principal, Role};
use crate::error::AppResult;
use crate::feed::event::readable_by;
use crate::webhooks::registry::decode_list;
use entity::{change_event, organisation, webhook};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashMap;

/// An endpoint's filter, decoded once per delivery run.
pub struct Matcher {
    owner: Caller,
    record_types: Vec<String>,
    change_kinds: Vec<String>,
    organisation_codes: Vec<String>,
    county_codes: Vec<String>,
    /// Counties of the organisations seen in this run.
    counties: HashMap<String, Option<String>>,
}

impl Matcher {
    pub fn new(hook: &webhook::Model) -> Self {
        let role = Role::from_stored(&hook.owner_role).unwrap_or(Role::Member);
        let owner = Caller::Authenticated(Principal {
            sub: hook.created_by.clone(),
            role,
            organisation: hook.organisation_id.map(|id| Membership {
                organisation_id: id,
                code: String::new(),
            }),
            credential: Credential::CommandLine,
        });
        Self {
            owner,
            record_types: decode_list(&hook.record_types),
            change_kinds: decode_list(&hook.change_kinds),
            organisation_codes: decode_list(&hook.organisation_codes),
            county_codes: decode_list(&hook.county_codes),
            counties: HashMap::new(),
        }
    }

    /// Whether the endpoint is sent this event.
    pub async fn matches(
        &mut self,
        db: &impl ConnectionTrait,
        event: &change_event::Model,
    ) -> AppResult<bool> {
        if !readable_by(event, &self.owner) {
            return Ok(false);
        }
        if !self.record_types.is_empty() && !self.record_types.contains(&event.record_type) {
            return Ok(false);
        }
        if !self.change_kinds.is_empty() && !self.change_kinds.contains(&event.kind) {
            return Ok(false);
        }
        if self.organisation_codes.is_empty() && self.county_codes.is_empty() {
            return Ok(true);
        }
        // A filter by organisation or county selects changes of organisations only.
        let Some(code) = &event.organisation_code else {
            return Ok(false);
        };
        if self.organisation_codes.contains(code) {
            return Ok(true);
        }
        if self.county_codes.is_empty() {
            return Ok(false);
        }
        let county = match self.counties.get(code) {
            Some(county) => county.clone(),
            None => {
                let county: Option<Option<String>> = organisation::Entity::find()
                    .select_only()
                    .column(organisation::Column::CountyCode)
                    .filter(organisation::Column::Code.eq(code.as_str()))
                    .into_tuple()
                    .one(db)
                    .await?;
                let county = county.flatten();
                self.counties.insert(code.clone(), county.clone());
                county
            }
        };
        Ok(county.is_some_and(|c| self.county_codes.contains(&c)))
    }
}
