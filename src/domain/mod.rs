//! Domain rules: pure types and functions, no I/O. Storage and the web layer depend on this,
//! never the other way round.

pub mod access;
pub mod area;
pub mod audit;
pub mod centre;
pub mod glossary;
pub mod org;
pub mod role;
pub mod text;
pub mod validation;
