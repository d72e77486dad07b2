//! Batches: a BLKK's trainings, planned and changed by its managers, the trainees enrolled
//! in them, attendance, results and certificates.

pub mod api;
pub mod model;
pub mod pages;
pub mod service;
pub mod store;
