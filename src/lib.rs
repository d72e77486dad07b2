//! Simandiri: the national e-reporting, monitoring and self-reliance platform for
//! Indonesia's BLK Komunitas.
//!
//! - [`features`]: one folder per feature (areas, kejuruan, orgs, centres, accounts, home),
//!   each with its model, store, service, pages, API and routes.
//! - [`kernel`]: what every feature shares and that uses no feature: the database layer,
//!   errors, access, the audit trail, validation, and the web plumbing.
//! - [`http`]: the features merged into one application and served.
//! - [`seed`]: reference areas, demo data, synthetic national data.
//! - [`cli`]: the `simandiri` command.
//! - [`glossary`]: the Indonesian domain terms kept in code, explained.

rust_i18n::i18n!("locales", fallback = "id");

pub mod cli;
pub mod features;
pub mod glossary;
pub mod http;
pub mod kernel;
pub mod seed;

/// Makes every feature known to the kernel: its record kinds and its part of the work
/// queue. Done once, before anything uses them (the server, the command line, the seeds).
pub fn init() {
    kernel::records::register(http::record_kinds);
    kernel::work::register(http::work_providers);
    kernel::scope::register(http::scoped_tables);
    kernel::web::menu::register(http::menu);
    kernel::figures::register(http::figure_sources);
}
