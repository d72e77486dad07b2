//! Integration tests against real databases and the real server, one file per feature on
//! a shared harness (`support`).

mod mailbox;
mod support;

mod access;
mod accounts;
mod aid;
mod areas;
mod attachments;
mod centres;
mod cli;
mod figures;
mod home;
mod imports;
mod income;
mod layout;
mod menu;
mod notifications;
mod openapi;
mod orgs;
mod partnerships;
mod person_records;
mod records;
mod report_pages;
mod reports;
mod resubmit;
mod schema;
mod scope;
mod security;
mod training_pages;
mod trainings;
mod users;
mod versions;
mod visits;
mod work;
