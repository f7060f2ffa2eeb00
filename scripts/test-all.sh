#!/usr/bin/env bash
# Runs every test: the UI's unit tests, the Rust tests (core rules and store,
# commands through Tauri's mock runtime, generated TypeScript types, the CLI),
# then the end-to-end test of the real app in a real window under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

step() { printf '\n== %s ==\n' "$*"; }

step "UI type check (svelte-check)"
npm --prefix ui run check

step "UI unit tests (Vitest)"
npm --prefix ui test

step "UI build (embedded in the app)"
npm --prefix ui run build

step "Rust tests"
cargo test --workspace --locked

step "App binary"
cargo build --locked --bin refrain

step "End-to-end tests in the real window"
bash tests/e2e/run.sh
