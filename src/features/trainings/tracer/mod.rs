//! The tracer study: what became of graduates (outcomes), each BLKK's tracer list, and the
//! follow-up schedule.

pub mod api;
pub mod model;
pub mod pages;
pub mod service;
pub mod store;
