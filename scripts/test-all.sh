#!/usr/bin/env bash
# Runs every test: the UI's type check and unit tests, the Rust formatting and
# lints, the Rust tests (core rules and store, the PDF layout, the audio engine,
# the CLI, the carrier's real Syncthing on loopback, commands through Tauri's
# mock runtime, the generated TypeScript contract), then the end-to-end test
# of the real app in a real window under Xvfb, with an accessibility audit of
# every screen.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

step() { printf '\n== %s ==\n' "$*"; }

step "UI type check (svelte-check)"
npm --prefix ui run check

step "UI build (embedded in the app)"
npm --prefix ui run build

step "Rust formatting (cargo fmt)"
cargo fmt --all --check

# The lints ride on the test build: clippy-driver compiles the workspace's own
# crates (the same thing `cargo clippy` does by this wrapper), so every
# target, tests and benches included, is linted with warnings as errors while
# it is built, and the dependencies are compiled once, not once more for a
# separate check.
step "Rust build, with clippy's lints as errors (every target)"
export RUSTC_WORKSPACE_WRAPPER="$(rustc --print sysroot)/bin/clippy-driver"
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
cargo test --workspace --all-targets --locked --no-run

step "Rust tests (one test binary per crate)"
cargo test --workspace --locked
unset RUSTC_WORKSPACE_WRAPPER CLIPPY_ARGS

# After the Rust tests: the screens' whole-app suites run against the app's
# real commands (tests/ui_bridge.rs), which `cargo test` has just built.
step "UI unit tests (Vitest)"
npm --prefix ui test

# The app binary the end-to-end tests drive, target/debug/refrain, was built
# by `cargo test` just now (the app's integration tests need it). A separate
# `cargo build` would build the window stack again: the test build's
# dev-dependencies switch on a few features of shared crates.
step "App binary"
app="${CARGO_TARGET_DIR:-target}/debug/refrain"
test -x "$app" || cargo build --locked --bin refrain

step "End-to-end tests in the real window"
REFRAIN_APP_BIN="$app" bash tests/e2e/run.sh
