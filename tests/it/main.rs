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
mod experiments;
mod faults;
mod fuzz;
mod generated_files;
mod http_worker;
mod limits;
mod netpart;
mod operations;
mod pgbouncer;
mod props;
mod resilience;
mod schedules;
mod soak;
mod stats;
mod watch;
mod worker;
