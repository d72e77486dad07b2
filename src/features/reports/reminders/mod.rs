//! Reminders: the daily reminders of reports due soon or overdue, the notices of each step
//! of a report, and each user's report work.

pub mod service;
pub mod store;
