//! Report types: what the ministry asks BLKK to report, as data (their indicators, the
//! figures those are filled from, and which BLKK must send each type).

pub mod api;
pub mod model;
pub mod pages;
pub mod service;
pub mod store;
