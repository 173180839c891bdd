#!/usr/bin/env bash
# Installs every Debian package BitNAS needs to build, test and run. Idempotent: packages
# already present are skipped, so a second run does no network work.
#
#   scripts/install-deps.sh            the packages to build, test and run
#   scripts/install-deps.sh --browser  also chromium, for the test that opens `bitnas report`'s
#                                      page in a headless browser (skipped without it); not
#                                      the default, since chromium is large and CI stays fast
set -euo pipefail

browser=0
for arg in "$@"; do
  case "$arg" in
    --browser) browser=1 ;;
    *) echo "install-deps: unknown option '$arg' (known: --browser)" >&2; exit 2 ;;
  esac
done

packages=(
  build-essential cmake ninja-build pkg-config git ccache
  libeigen3-dev libtbb-dev libyaml-cpp-dev libsqlite3-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev zlib1g-dev libcli11-dev nlohmann-json3-dev
  dataset-fashion-mnist
  clang libclang-rt-14-dev  # libFuzzer harnesses (scripts/fuzz.sh, run by CI)
)
[ "$browser" -eq 0 ] || packages+=(chromium)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
