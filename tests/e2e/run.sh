#!/usr/bin/env bash
# End-to-end tests of the real Refrain app in a real window.
#
# Starts a virtual screen (Xvfb) and tauri-driver (which starts WebKitWebDriver
# and, for each WebDriver session, the app itself), then runs the tests in this
# folder with Node's built-in test runner. The app keeps its data in a fresh
# temporary folder (REFRAIN_DATA_DIR), which the app inherits from tauri-driver.
#
# It also proves the app makes no network connection (docs/offline-proof.md):
# everything runs in a network namespace holding only loopback, the app runs
# under strace, and tests/e2e/no-network-check.mjs fails the run if the app or
# any process it started tried to reach a network or look a name up.
#
#   bash tests/e2e/run.sh
#
# Environment:
#   REFRAIN_APP_BIN   the app binary (default: target/debug/refrain)
#   REFRAIN_E2E_KEEP  set to 1 to keep the data folder, logs and traces afterwards
#   REFRAIN_E2E_ONLY  run only the scenarios whose file names start with this
#                     (e.g. 05-import), on a fresh data folder
#   REFRAIN_E2E_COMMAND  a command to run instead of the scenarios, in the same
#                     set-up (tests/e2e/bench/battery.sh uses it)
#   REFRAIN_E2E_GTK_SETTINGS  lines for GTK's settings.ini in the app's own
#                     config folder (e.g. gtk-cursor-blink=false), to try a
#                     desktop setting in a benchmark
#   REFRAIN_E2E_ALLOW_NETWORK  set to 1 to run where no network namespace can be
#                     made (the app then has the machine's network; the trace
#                     is still checked)
#
# Needs the system packages from scripts/setup.sh (xvfb, webkit2gtk-driver,
# strace, iproute2) and installs tauri-driver with cargo when it is missing.
set -euo pipefail
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$0")/../.."
root="$PWD"

app="${REFRAIN_APP_BIN:-target/debug/refrain}"
case "$app" in /*) ;; *) app="$root/$app" ;; esac
if [ ! -x "$app" ]; then
  echo "e2e: no app binary at $app (build it with: cargo build --bin refrain)" >&2
  exit 1
fi
for tool in Xvfb WebKitWebDriver node pulseaudio parec strace ip unshare setpriv dbus-daemon gnome-keyring-daemon xdotool pdftotext pdftoppm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "e2e: $tool is missing; run scripts/setup.sh (packages xvfb, webkit2gtk-driver, nodejs, strace, iproute2, util-linux, dbus-daemon, gnome-keyring, xdotool, poppler-utils)" >&2
    exit 1
  fi
done
export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "e2e: installing tauri-driver (about a minute)"
  cargo install tauri-driver --locked --version '^2' --quiet
fi

# No network from here on: the rest of this script runs again inside a network
# namespace of its own, holding only loopback (brought up: tauri-driver and
# WebKitWebDriver talk over 127.0.0.1). The whole harness goes in, not just
# the app, because tauri-driver launches the app and the app must be able to
# reach the driver. As root a plain `unshare --net` does it; otherwise a user
# namespace maps the caller to root inside it, just enough to bring lo up.
# REFRAIN_E2E_IN_NETNS only says which side of the re-run this is: what the
# namespace holds is checked below, not taken on trust.
if [ "${REFRAIN_E2E_IN_NETNS:-}" != 1 ]; then
  if [ "${REFRAIN_E2E_ALLOW_NETWORK:-}" = 1 ]; then
    echo "e2e: REFRAIN_E2E_ALLOW_NETWORK=1: the app has this machine's network; only the trace is checked" >&2
  else
    netns=(unshare --net)
    [ "$(id -u)" -eq 0 ] || netns=(unshare --user --map-root-user --net)
    if ! err=$("${netns[@]}" ip link set lo up 2>&1); then
      echo "e2e: cannot make a network namespace (${netns[*]}: ${err:-failed})." >&2
      echo "e2e: the end-to-end run proves the app works with no network by running it in one." >&2
      echo "e2e: run it as root, allow user namespaces, or set REFRAIN_E2E_ALLOW_NETWORK=1 to run with the network." >&2
      exit 1
    fi
    export REFRAIN_E2E_IN_NETNS=1
    exec "${netns[@]}" bash -c 'ip link set lo up && exec bash "$0" "$@"' "$self" "$@"
  fi
else
  links=$(ip -o link show | awk -F': ' '{ printf "%s ", $2 }')
  if [ "$links" != "lo " ] || ip route get 1.1.1.1 >/dev/null 2>&1 || ip -6 route get 2606:4700:4700::1111 >/dev/null 2>&1; then
    echo "e2e: expected a network namespace holding only loopback; found interfaces: $links" >&2
    exit 1
  fi
  echo "e2e: no network: a namespace of its own holding only loopback"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/refrain-e2e.XXXXXX")"
traces="$work/traces"
mkdir -p "$traces"
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

# A virtual screen on the first free display from :99, large enough for the
# window sizes 09-register-in-the-room measures (up to 1920x1080). The window
# itself opens at its usual 1280x800.
display=99
while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do display=$((display + 1)); done
Xvfb ":$display" -screen 0 1920x1080x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$display" ] && break; sleep 0.1; done
[ -e "/tmp/.X11-unix/X$display" ] || { echo "e2e: Xvfb did not start on :$display" >&2; exit 1; }
export DISPLAY=":$display"

# The app's data and what it needs to run quietly without a desktop session.
export REFRAIN_DATA_DIR="$work/data"
mkdir -p "$REFRAIN_DATA_DIR"
# The reports folder (reports are saved there unless another place is chosen).
export REFRAIN_EXPORTS_DIR="$work/reports"
export XDG_RUNTIME_DIR="$work/runtime"
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
export NO_AT_BRIDGE=1
# The window's own data, cache and settings inside the work folder too, so
# that 99-nothing-readable can search everything the app wrote.
export XDG_DATA_HOME="$work/xdg-data" XDG_CACHE_HOME="$work/xdg-cache" XDG_CONFIG_HOME="$work/xdg-config"
mkdir -p "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_CONFIG_HOME"
if [ -n "${REFRAIN_E2E_GTK_SETTINGS:-}" ]; then
  mkdir -p "$XDG_CONFIG_HOME/gtk-3.0"
  printf '[Settings]\n%s\n' "$REFRAIN_E2E_GTK_SETTINGS" >"$XDG_CONFIG_HOME/gtk-3.0/settings.ini"
fi

# A session bus, as every desktop has, at the place the app looks for it
# ($XDG_RUNTIME_DIR/bus): the single-instance hand-over uses it. On it, a
# Secret Service (gnome-keyring, unlocked with a throwaway password) so that
# "remember on this computer" is tested against a real keychain.
export DBUS_SESSION_BUS_ADDRESS="unix:path=$XDG_RUNTIME_DIR/bus"
dbus-daemon --session --address="$DBUS_SESSION_BUS_ADDRESS" --nofork --nopidfile \
  >"$work/dbus.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -S "$XDG_RUNTIME_DIR/bus" ] && break; sleep 0.1; done
[ -S "$XDG_RUNTIME_DIR/bus" ] || { echo "e2e: the session bus did not start" >&2; exit 1; }
printf 'e2e-keyring' | gnome-keyring-daemon --unlock --components=secrets --foreground \
  >"$work/gnome-keyring.log" 2>&1 &
pids+=($!)

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

# What tauri-driver launches: the app under strace, following every process
# it starts (WebKit's web and network processes), logging only the calls that
# open a way out: socket (a UDP or raw one fails the check as it is made),
# connect and bind (where to), and execve (what ran). The sends on the app's
# many local sockets (PulseAudio, X, WebKit's own) are not traced: they are
# hundreds a second, and nothing reaches a network through a socket whose
# making and connecting the log does not show. --seccomp-bpf has the kernel
# stop the app only at the traced calls, a few hundred times a launch. Beside
# each log goes the loopback address WebKitWebDriver gave the app for
# automation, the one loopback address the check allows. tauri-driver passes
# its own environment on to the app, so all this is set before it starts.
#
# WebKitWebDriver ends a session by killing the process it started, here
# strace. setpriv --pdeathsig kills the app with it, as it would have been
# killed without strace; and from then on the seccomp filter strace installed
# makes every watched call fail (ENOSYS) in whatever it had traced. The log is
# therefore whole even though it stops before the app's exit, provided the
# filter really is in place: checked here first.
if ! strace -f --seccomp-bpf -qq -e trace=connect -o /dev/null \
  grep -q '^Seccomp:[[:space:]]*2' /proc/self/status 2>"$work/strace.log"; then
  echo "e2e: strace cannot trace with a seccomp filter here: $(head -n 3 "$work/strace.log")" >&2
  exit 1
fi
cat >"$work/refrain-traced" <<'SH'
#!/bin/sh
: "${REFRAIN_E2E_TRACES:?}" "${REFRAIN_E2E_APP_UNTRACED:?}"
printf '%s\n' "${WEBKIT_INSPECTOR_SERVER:-}" >"$REFRAIN_E2E_TRACES/app.$$.automation"
# Threads and child processes are logged too, so that each call is known to
# be the app's, WebKit's or Syncthing's. A scenario whose app runs Syncthing
# (the team's) asks for the sends as well, by this file: Syncthing's local
# discovery is UDP, whose destinations only the sends show.
#
# set_robust_list is traced only for speed: strace (6.1 at least) stops a new
# thread or process at every system call it makes until its first traced
# one, and only then leaves the rest to the seccomp filter. Every thread and
# fork glibc starts calls set_robust_list first thing, so each is stopped
# once there instead of at every read and write of its life (which made the
# app's threads and WebKit's processes many times dearer under test).
# REFRAIN_E2E_TRACE_CALLS replaces the list, only to measure what tracing
# itself costs (the battery benchmark's REFRAIN_BENCH_COMPARE_ENV); the check
# still judges whatever the log holds.
calls=${REFRAIN_E2E_TRACE_CALLS:-execve,socket,connect,bind,clone,clone3,fork,vfork,set_robust_list}
for needed in execve socket connect bind; do
  case ",$calls," in
    *",$needed,"*) ;;
    *) echo "refrain-traced: REFRAIN_E2E_TRACE_CALLS must keep $needed, which the no-network check judges" >&2; exit 1 ;;
  esac
done
if [ -e "$REFRAIN_E2E_TRACES/trace-sends" ]; then
  calls="$calls,sendto,sendmsg,sendmmsg"
  : >"$REFRAIN_E2E_TRACES/app.$$.sends"
fi
exec strace -f --seccomp-bpf -q -s 200 -e signal=none -e trace="$calls" \
  -o "$REFRAIN_E2E_TRACES/app.$$.strace" \
  setpriv --pdeathsig KILL -- "$REFRAIN_E2E_APP_UNTRACED" "$@"
SH
chmod +x "$work/refrain-traced"
export REFRAIN_E2E_TRACES="$traces" REFRAIN_E2E_APP_UNTRACED="$app"
export REFRAIN_APP_BIN="$work/refrain-traced"
node tests/e2e/no-network-check.mjs --self-test

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

export REFRAIN_E2E_ARTIFACTS="$root/tests/artifacts"
mkdir -p "$REFRAIN_E2E_ARTIFACTS"
rm -f "$REFRAIN_E2E_ARTIFACTS/failure.png"

echo "e2e: app $app (under strace), display :$display, driver port $port, data $REFRAIN_DATA_DIR"
# One at a time, in the order of their numbers: later tests use what the
# earlier ones made (the music test uses the register test's group).
tests_rc=0
if [ -n "${REFRAIN_E2E_COMMAND:-}" ]; then
  # Something else in the same set-up instead of the scenarios (the
  # benchmarks in tests/e2e/bench/).
  bash -c "$REFRAIN_E2E_COMMAND" || tests_rc=$?
else
  node --test --test-reporter=spec --test-concurrency=1 tests/e2e/${REFRAIN_E2E_ONLY:-[0-9][0-9]-}*.test.mjs || tests_rc=$?
fi

# The network check, even when a test failed. Each log is final once its
# strace has gone: give the last one a few seconds.
for log in "$traces"/app.*.strace; do
  pid=${log##*/app.}
  pid=${pid%.strace}
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
done
check_rc=0
node tests/e2e/no-network-check.mjs --seccomp-bpf "$traces" | tee "$REFRAIN_E2E_ARTIFACTS/no-network.txt" || check_rc=$?
[ "$tests_rc" -eq 0 ] || exit "$tests_rc"
exit "$check_rc"
