//! Failed-login counters of one account (by email digest) or one client address, shared
//! by every replica. Times are Unix seconds.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_throttle")]
pub struct Model {
    /// `account:<sha256 of the email>`, `address:<client address>` or `device:<digest>`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub throttle_key: String,
    /// Failed attempts (and attempts in flight) since the counter was last reset.
    pub failures: i32,
    pub last_attempt_at: i64,
    /// Attempts before this time are refused without checking the password.
    pub blocked_until: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
