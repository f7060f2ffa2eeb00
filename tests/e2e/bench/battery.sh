#!/usr/bin/env bash
# The battery benchmark (docs/performance.md): the release build of the app in
# the real window under Xvfb, playing into a PulseAudio null sink, beside a
# reference player (ffplay or mpv, no display) playing the same file. Run on
# demand; it is not one of the tests.
#
#   bash tests/e2e/bench/battery.sh                 # idle and playing on each screen (about 7 minutes)
#   bash tests/e2e/bench/battery.sh --soak [MIN]    # navigation and playback for MIN minutes (10)
#   bash tests/e2e/bench/battery.sh --long [MIN]    # a setlist of MIN minutes (90) played through
#   bash tests/e2e/bench/battery.sh --elimination   # the register while playing, each region hidden in turn
#   bash tests/e2e/bench/battery.sh --first-screen  # the passphrase screen left open (field focused, not, no caret)
#                                                   # (REFRAIN_BENCH_STYLES='[["name","css"],...]' tries other styles)
#   ... --window S --settle S                      # the measuring window and the settling time
#   REFRAIN_BENCH_COMPARE="before=A/refrain after=B/refrain" bash tests/e2e/bench/battery.sh --rounds 2
#                                                   # several builds side by side in one run
#
# Environment: REFRAIN_APP_BIN (default target/release/refrain, built here if
# missing), REFRAIN_BENCH_LABEL (names the figures file, default "app"),
# REFRAIN_BENCH_COMPARE (LABEL=BIN pairs, each BIN a file named refrain).
# Figures: tests/artifacts/bench/battery-LABEL-MODE.json, and on the terminal.
set -euo pipefail
cd "$(dirname "$0")/../../.."

if [ -n "${REFRAIN_BENCH_COMPARE:-}" ]; then
  # run.sh starts with the first build; battery.mjs swaps in each in turn.
  first="${REFRAIN_BENCH_COMPARE%% *}"
  export REFRAIN_APP_BIN="${first#*=}"
fi
export REFRAIN_APP_BIN="${REFRAIN_APP_BIN:-target/release/refrain}"
if [ ! -x "$REFRAIN_APP_BIN" ]; then
  echo "bench: building the release app (cargo build --release --bin refrain)"
  npm --prefix ui run build
  cargo build --release --locked --bin refrain
fi
# The reference player, from Debian's packages.
if ! command -v ffplay >/dev/null 2>&1 && ! command -v mpv >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "bench: installing ffmpeg (for ffplay, the reference player)"
  $sudo apt-get update -qq || true
  $sudo apt-get install -y --no-install-recommends ffmpeg >/dev/null
fi
quoted=""
[ "$#" -eq 0 ] || quoted=$(printf "%q " "$@")
REFRAIN_E2E_COMMAND="node tests/e2e/bench/battery.mjs $quoted" exec bash tests/e2e/run.sh
