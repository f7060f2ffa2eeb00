#!/usr/bin/env bash
# What a team costs a laptop while nothing happens: the app idle on Today
# with no team, then as the office of a team connected through its own
# Syncthing to a hub and a laptop (tests/e2e/bench/team-idle.mjs). Run on
# demand; it is not one of the tests. Figures: tests/artifacts/bench/team-idle.json.
#
#   bash tests/e2e/bench/team-idle.sh [SECONDS]   # each measuring window (300)
#
# REFRAIN_APP_BIN picks the build (default target/debug/refrain; the release
# build is what a laptop runs).
set -euo pipefail
cd "$(dirname "$0")/../../.."
export REFRAIN_APP_BIN="${REFRAIN_APP_BIN:-target/debug/refrain}"
REFRAIN_E2E_COMMAND="node tests/e2e/bench/team-idle.mjs ${1:-300}" exec bash tests/e2e/run.sh
