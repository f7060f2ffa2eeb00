//! The desktop app's tests, one binary: the commands through Tauri's mock
//! runtime, and the generated TypeScript contract. The real window is tested
//! end to end in `tests/e2e/`.

mod ipc;

mod bindings;
mod commands;
mod player_updates;
mod register_in_the_room;
