//! Integration tests against real databases and the real server. `support` is the harness.

mod support;

mod access;
mod api;
mod cli;
mod pages;
mod storage;
