//! The shared kernel: what every feature uses and that never uses a feature. The database
//! layer ([`db`]), the service layer's error ([`error`]), who may do what ([`access`]), the
//! audit trail ([`audit`]), validation ([`validate`], [`text`], [`code`]), time ([`time`]), stored files and what they are attached to ([`files`], [`attachments`]),
//! and the web plumbing ([`web`]).

pub mod access;
pub mod attachments;
pub mod audit;
pub mod code;
pub mod comments;
pub mod db;
pub mod error;
pub mod figures;
pub mod files;
pub mod pdf;
pub mod period;
pub mod records;
pub mod scope;
pub mod text;
pub mod time;
pub mod validate;
pub mod web;
pub mod work;
