//! The integration suite: one binary that drives the real `aiops` binary and the core library
//! against a real PostgreSQL (a fresh database per test, under `DATABASE_URL`).

mod support;

mod aiopslab;
mod api;
mod bench;
mod cli_bad_input;
mod cli_basics;
mod cluster;
mod core_queue;
mod dashboard;
mod data;
mod faults;
mod fuzz;
mod generated_files;
mod netpart;
mod operations;
mod props;
mod resilience;
mod soak;
mod stats;
mod watch;
mod worker;
