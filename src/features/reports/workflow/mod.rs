//! Reports and their workflow: a BLKK opens, saves and sends the report of a period; its
//! pembina verifies or returns it; a verified report is reopened with a reason. With its
//! history, the lists, and the one-page summary.

pub mod api;
pub mod model;
pub mod pages;
pub mod service;
pub mod store;
