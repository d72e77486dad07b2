//! Training figures: trainees, graduates and placement in every scope, live, with their
//! drill-down.

pub mod api;
pub mod model;
pub mod pages;
pub mod service;
pub mod store;
