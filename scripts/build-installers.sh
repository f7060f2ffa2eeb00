#!/usr/bin/env bash
# Builds Refrain's Linux installers, a .deb and an .rpm, with the Tauri CLI
# pinned in the UI's dev dependencies (ui/package.json), then checks what they
# hold: the app, its desktop entry and icon, and the four sample songs. Both
# bundles are made by the Tauri CLI itself, with nothing downloaded.
#
#   scripts/build-installers.sh
#
# The installers land in target/release/bundle/deb/ and bundle/rpm/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

# rpm reads the .rpm back for the check below.
if ! command -v rpm >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends rpm >/dev/null
fi

# The CLI runs tauri.conf.json's beforeBuildCommand (the UI's build) first.
ui/node_modules/.bin/tauri build --bundles deb,rpm --ci

target="${CARGO_TARGET_DIR:-target}/release/bundle"
version=$(sed -n 's/^ *"version": "\(.*\)",$/\1/p' tauri.conf.json | head -n 1)
deb=$(ls "$target"/deb/Refrain_"$version"_*.deb)
rpm_file=$(ls "$target"/rpm/Refrain-"$version"-*.rpm)

fail() { echo "build-installers: $*" >&2; exit 1; }

echo "== The .deb: $deb =="
info=$(dpkg-deb --info "$deb")
contents=$(dpkg-deb --contents "$deb")
echo "$info"
grep -q "Package: refrain" <<<"$info" || fail "the .deb is not the refrain package"
grep -q "Depends:.*libwebkit2gtk-4.1" <<<"$info" || fail "the .deb does not depend on WebKitGTK 4.1"
grep -q "Depends:.*syncthing" <<<"$info" || fail "the .deb does not depend on Syncthing (team sharing carries its files with it)"
grep -Eq " (\./)?usr/bin/refrain$" <<<"$contents" || fail "the .deb holds no /usr/bin/refrain"
grep -Eq " (\./)?usr/share/applications/Refrain.desktop$" <<<"$contents" || fail "the .deb holds no desktop entry"
for song in "Daisy Bell.ogg" "A Long Way to Tipperary.ogg" "Oh Susanna.wav" "My Bonnie Lies Over the Ocean.flac"; do
  grep -q "/music/$song$" <<<"$contents" || fail "the .deb holds no sample song $song"
done

echo "== The .rpm: $rpm_file =="
rpm -qip "$rpm_file"
rpm_contents=$(rpm -qlp "$rpm_file")
grep -qx "/usr/bin/refrain" <<<"$rpm_contents" || fail "the .rpm holds no /usr/bin/refrain"
for song in "Daisy Bell.ogg" "A Long Way to Tipperary.ogg" "Oh Susanna.wav" "My Bonnie Lies Over the Ocean.flac"; do
  grep -q "/music/$song$" <<<"$rpm_contents" || fail "the .rpm holds no sample song $song"
done

printf '\nInstallers ready and checked:\n  %s (%s KiB)\n  %s (%s KiB)\n' \
  "$deb" "$(( $(stat -c %s "$deb") / 1024 ))" "$rpm_file" "$(( $(stat -c %s "$rpm_file") / 1024 ))"
