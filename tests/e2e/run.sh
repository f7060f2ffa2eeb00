#!/usr/bin/env bash
# End-to-end tests of the real Refrain app in a real window.
#
# Starts a virtual screen (Xvfb) and tauri-driver (which starts WebKitWebDriver
# and, for each WebDriver session, the app itself), then runs the tests in this
# folder with Node's built-in test runner. The app keeps its data in a fresh
# temporary folder (REFRAIN_DATA_DIR), which the app inherits from tauri-driver.
#
#   bash tests/e2e/run.sh
#
# Environment:
#   REFRAIN_APP_BIN   the app binary (default: target/debug/refrain)
#   REFRAIN_E2E_KEEP  set to 1 to keep the data folder and logs afterwards
#
# Needs the system packages from scripts/setup.sh (xvfb, webkit2gtk-driver) and
# installs tauri-driver with cargo when it is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"

app="${REFRAIN_APP_BIN:-target/debug/refrain}"
case "$app" in /*) ;; *) app="$root/$app" ;; esac
if [ ! -x "$app" ]; then
  echo "e2e: no app binary at $app (build it with: cargo build --bin refrain)" >&2
  exit 1
fi
for tool in Xvfb WebKitWebDriver node pulseaudio parec; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "e2e: $tool is missing; run scripts/setup.sh (packages xvfb, webkit2gtk-driver, nodejs)" >&2
    exit 1
  fi
done
export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "e2e: installing tauri-driver (about a minute)"
  cargo install tauri-driver --locked --version '^2' --quiet
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/refrain-e2e.XXXXXX")"
pids=()
cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$rc" -ne 0 ]; then
    for log in "$work"/*.log; do
      [ -s "$log" ] || continue
      echo "---- $(basename "$log") (last 40 lines) ----" >&2
      tail -n 40 "$log" >&2
    done
  fi
  if [ "${REFRAIN_E2E_KEEP:-}" = 1 ]; then
    echo "e2e: kept $work"
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local p=$1
  while ! port_free "$p"; do p=$((p + 2)); done
  echo "$p"
}

# A virtual screen on the first free display from :99.
display=99
while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do display=$((display + 1)); done
Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$display" ] && break; sleep 0.1; done
[ -e "/tmp/.X11-unix/X$display" ] || { echo "e2e: Xvfb did not start on :$display" >&2; exit 1; }
export DISPLAY=":$display"

# The app's data and what it needs to run quietly without a desktop session.
export REFRAIN_DATA_DIR="$work/data"
mkdir -p "$REFRAIN_DATA_DIR"
export XDG_RUNTIME_DIR="$work/runtime"
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
export NO_AT_BRIDGE=1

# A sound output that plays in real time with no sound card: a PulseAudio
# null sink, reached through ALSA's pulse plugin. Its monitor lets the tests
# record what the app played.
export PULSE_RUNTIME_PATH="$XDG_RUNTIME_DIR/pulse"
export PULSE_SERVER="unix:$PULSE_RUNTIME_PATH/native"
pulseaudio --daemonize=no --exit-idle-time=-1 --disallow-exit --disallow-module-loading=false \
  --use-pid-file=false -n \
  --load="module-null-sink sink_name=refrain_e2e rate=48000" \
  --load="module-native-protocol-unix socket=$PULSE_RUNTIME_PATH/native auth-anonymous=1" \
  >"$work/pulseaudio.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
pactl info >/dev/null 2>&1 || { echo "e2e: PulseAudio did not start" >&2; exit 1; }
pactl set-default-sink refrain_e2e
export REFRAIN_E2E_MONITOR=refrain_e2e.monitor
cat >"$work/asound.conf" <<'ALSA'
</usr/share/alsa/alsa.conf>
pcm.!default { type pulse }
ctl.!default { type pulse }
ALSA
export ALSA_CONFIG_PATH="$work/asound.conf"

# tauri-driver on 4444 (or the next free port), WebKitWebDriver beside it.
port=$(free_port 4444)
native_port=$(free_port $((port + 1)))
tauri-driver --port "$port" --native-port "$native_port" >"$work/tauri-driver.log" 2>&1 &
pids+=($!)
export REFRAIN_WEBDRIVER_URL="http://127.0.0.1:$port"
ready=
for _ in $(seq 100); do
  if node -e "fetch(process.argv[1] + '/status').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))" \
    "$REFRAIN_WEBDRIVER_URL"; then
    ready=1
    break
  fi
  sleep 0.2
done
[ -n "$ready" ] || { echo "e2e: tauri-driver did not answer on port $port" >&2; exit 1; }

export REFRAIN_APP_BIN="$app"
export REFRAIN_E2E_ARTIFACTS="$root/tests/artifacts"
mkdir -p "$REFRAIN_E2E_ARTIFACTS"
rm -f "$REFRAIN_E2E_ARTIFACTS/failure.png"

echo "e2e: app $app, display :$display, driver port $port, data $REFRAIN_DATA_DIR"
# One at a time, in the order of their numbers: later tests use what the
# earlier ones made (the music test uses the register test's group).
node --test --test-reporter=spec --test-concurrency=1 tests/e2e/[0-9][0-9]-*.test.mjs
