//! Integration tests: the real application, started in-process on a random port, spoken
//! to over HTTP. Every database test runs on SQLite and, when `TEST_DATABASE_URL` points
//! at PostgreSQL, on PostgreSQL too, each in a fresh database of its own.

mod fingerprint;
mod fixtures;
mod helpers;
mod process;

mod browser;
mod cli;
mod conformance;
mod consistency;
mod container;
mod data_origin;
mod faults;
mod feed;
mod graphql_http;
mod hardening;
mod health;
mod identity;
mod imports;
mod incremental_sync;
mod input_hygiene;
mod insights_charts;
mod insights_pages;
mod journey;
mod labels;
mod layering;
mod login_throttling;
mod migrations;
mod nested_lists;
mod null_propagation;
mod observability;
mod openapi;
mod organisations;
mod plan_periods;
mod rate_limits;
mod reference_data;
mod register;
mod rest;
mod rig;
mod robustness;
mod schema_sdl;
mod session_renewal;
mod shutdown;
mod signatories;
mod spreadsheets;
mod statements;
mod status_evidence;
mod studies;
mod study_attacks;
mod study_builder;
mod study_records;
mod study_releases;
mod subscriptions;
mod token_lifecycle;
mod writes;
