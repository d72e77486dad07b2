//! Simandiri: the national e-reporting, monitoring and self-reliance platform for
//! Indonesia's BLK Komunitas.
//!
//! Layers, from the inside out:
//! - [`domain`]: pure rules and types (validation, access, audit diffs); no I/O.
//! - [`storage`]: the database (SQLite or PostgreSQL, one code base).
//! - [`app`]: use cases that check access, validate and store in one transaction.
//! - [`web`]: pages (HTML) and the JSON API over the use cases.
//! - [`seed`]: reference areas, demo data, synthetic national data.
//! - [`cli`]: the `simandiri` command.

rust_i18n::i18n!("locales", fallback = "id");

pub mod app;
pub mod cli;
pub mod domain;
pub mod seed;
pub mod storage;
pub mod web;
