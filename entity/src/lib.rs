//! sea-orm entities of cemr-api: the shape of each table and its relations, nothing more.
//!
//! No business rules and no API types live here: the service maps these models into its
//! own GraphQL and REST types, so a column rename never changes the public contract.

pub mod account;
pub mod action_plan;
pub mod action_plan_article;
pub mod api_token;
pub mod audit_entry;
pub mod change_event;
pub mod charter_article;
pub mod charter_principle;
pub mod county;
pub mod county_board;
pub mod county_board_strategy;
pub mod county_board_support;
pub mod county_board_support_focus;
pub mod follow_up_report;
pub mod idempotency_record;
pub mod interview;
pub mod interview_answer;
pub mod login_device;
pub mod login_throttle;
pub mod organisation;
pub mod programme_participation;
pub mod quote;
pub mod respondent_group;
pub mod seminar;
pub mod seminar_attendance;
pub mod signature;
pub mod signature_motive;
pub mod study;
pub mod study_code;
pub mod study_codebook;
pub mod study_finding;
pub mod study_participant;
pub mod study_question;
pub mod study_release;
pub mod study_source_figure;
pub mod support_programme;
pub mod webhook;
