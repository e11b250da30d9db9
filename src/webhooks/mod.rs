//! Webhooks: the change feed pushed to regional systems' HTTPS endpoints.
//!
//! - `registry` registers endpoints (audited, in the feed), with what they want sent;
//! - `matching` decides per event whether an endpoint is sent it (its owner's read
//!   rights first, then its filter);
//! - `delivery` is the worker that claims endpoints with a lease and sends their events
//!   in order, retrying with back-off and pausing after repeated failures;
//! - `signing` signs deliveries as the Standard Webhooks specification says;
//! - `targets` keeps endpoints on the public internet (at registration and at every
//!   delivery, against the addresses the name resolves to then);
//! - `client` sends one request to a checked address.

pub mod client;
pub mod delivery;
pub mod matching;
pub mod registry;
pub mod signing;
pub mod targets;

pub use delivery::DeliveryRules;
pub use registry::Rules;

use crate::config::WebhookSettings;

impl Rules {
    pub fn from_settings(settings: &WebhookSettings) -> Self {
        Self {
            targets: targets::TargetPolicy {
                allow_private: settings.webhook_allow_private_targets,
            },
            max_per_organisation: settings.webhook_max_per_organisation,
        }
    }
}
