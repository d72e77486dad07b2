//! Public applications: upcoming batches open to the public, applications with a reference
//! code, and the BLKK's decisions on them.

pub mod api;
pub mod model;
pub mod pages;
pub mod service;
pub mod store;
