//! sea-orm entities of cemr-api: the shape of each table and its relations, nothing more.
//!
//! No business rules and no API types live here: the service maps these models into its
//! own GraphQL and REST types, so a column rename never changes the public contract.

pub mod charter_article;
pub mod charter_principle;
pub mod county;
pub mod county_board;
pub mod organisation;
pub mod support_programme;
