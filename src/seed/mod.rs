//! Data the program brings: reference areas and the kejuruan catalogue, the demo bodies
//! from the source articles, and deterministic synthetic national data.

pub mod demo;
pub mod generate;
pub mod income;
pub mod partnerships;
pub mod reference;
pub mod reports;
pub mod trainings;
pub mod visits;
