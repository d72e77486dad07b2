//! Compliance: live completeness and timeliness of each report type in every scope, and the
//! BLKK that have not sent it.

pub mod api;
pub mod figures;
pub mod model;
pub mod pages;
pub mod service;
pub mod store;
