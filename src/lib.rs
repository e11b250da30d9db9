//! cemr-api: the national register and follow-up of the CEMR European Charter for
//! Equality of Women and Men in Local Life in Sweden.
//!
//! `startup` builds the one application that both `main` and the tests run; `services`
//! hold the business operations that GraphQL and REST share; `domain` holds pure rules.

pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod feed;
pub mod graphql;
pub mod http;
pub mod insights;
pub mod readmodel;
pub mod rest;
pub mod seed;
pub mod services;
pub mod startup;
pub mod telemetry;
pub mod webhooks;
