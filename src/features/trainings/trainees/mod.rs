//! Trainees: persons found by NIK (never duplicated), what each BLKK keeps about them and
//! its link to their own data, and a trainee's rights over their personal data (UU PDP) on
//! their own page.

pub mod api;
pub mod model;
pub mod nik;
pub mod pages;
pub mod service;
pub mod store;
