#!/usr/bin/env bash
# Builds and starts Refrain. Data is kept in the OS's app data folder, or in
# $REFRAIN_DATA_DIR when that is set.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm --prefix ui run build
exec cargo run --bin refrain
