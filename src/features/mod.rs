//! One folder per feature. Each has the same small set of files: `model` (types, rules and
//! access facts; no I/O), `store` (its SQL), `service` (its use cases: check access,
//! validate, write in one transaction with the audit entry), `pages` (HTML), `api` (JSON),
//! and its routes in `mod.rs`. Inside a feature: pages/api → service → store → model.

pub mod accounts;
pub mod aid;
pub mod areas;
pub mod centres;
pub mod figures;
pub mod home;
pub mod imports;
pub mod income;
pub mod kejuruan;
pub mod mail;
pub mod notifications;
pub mod orgs;
pub mod partnerships;
pub mod records;
pub mod reports;
pub mod trainings;
pub mod visits;
