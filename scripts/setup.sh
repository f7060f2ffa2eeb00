#!/usr/bin/env bash
# Installs what Refrain needs to build, run and test on Debian or Ubuntu:
# system libraries (WebKitGTK 4.1, ALSA), Xvfb and the WebKit WebDriver for the
# end-to-end tests, strace, iproute2 and util-linux (unshare, setpriv) for
# their proof that the app uses no network, a session D-Bus and gnome-keyring
# (a real Secret Service) for the tests of the single instance and of the
# keychain, poppler-utils (pdftotext, pdfinfo) to read back the PDF reports in
# the tests, xdotool to answer the system's file window in the end-to-end
# import, Syncthing (which carries team sharing's files; the carrier's tests
# run it), and the UI's npm packages. Safe to
# run again: it only installs what is missing. Needs a Rust toolchain (rustup)
# already installed.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential pkg-config curl file
  libwebkit2gtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev libssl-dev libxdo-dev
  libasound2-dev
  xvfb webkit2gtk-driver imagemagick sqlite3
  pulseaudio pulseaudio-utils libasound2-plugins
  strace iproute2 util-linux
  libdbus-1-dev dbus-daemon dbus-bin gnome-keyring
  libclang1
  poppler-utils xdotool
  syncthing
)
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing system packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# SQLite's session extension (team sharing) is bound with bindgen at build
# time: it needs libclang and the compiler headers of the same clang version.
clang_version=$(dpkg-query -W -f='${Depends}' libclang1 | grep -o 'libclang1-[0-9]*' | head -n1 | sed 's/libclang1-//')
if [ -n "$clang_version" ] && ! dpkg-query -W -f='${Status}' "libclang-common-$clang_version-dev" 2>/dev/null | grep -q "install ok installed"; then
  echo "setup: installing libclang-common-$clang_version-dev"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "libclang-common-$clang_version-dev" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: Rust is not installed. Install it with rustup (https://rustup.rs), then run this again." >&2
  exit 1
fi

# The formatter and the linter the tests run (in rustup's default profile).
for tool in fmt clippy; do
  if ! cargo "$tool" --version >/dev/null 2>&1; then
    echo "setup: adding cargo $tool (rustup component)"
    rustup component add "$([ "$tool" = fmt ] && echo rustfmt || echo clippy)"
  fi
done

# The UI's packages, exactly as locked.
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  echo "setup: installing the UI's npm packages"
  npm --prefix ui ci --no-audit --no-fund --loglevel=error
fi
