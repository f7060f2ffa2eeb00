//! The CLI's tests, one binary: the real `refrain-cli` run as a person or a
//! script would run it.

mod support;

mod backup;
mod carry;
mod commands;
mod full_disk;
mod sync;
