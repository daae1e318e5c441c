#!/usr/bin/env bash
# Installs the Debian packages Loupe needs, skipping those already installed.
#   scripts/install-system-packages.sh build   # what `swift build` / `swift test` need (pip fetches
#                                              # the test models: make models)
#   scripts/install-system-packages.sh bench   # + real datasets and Python for the peer benchmarks
#   scripts/install-system-packages.sh demo    # + the demo's datasets (Fashion-MNIST, WordNet)
#   scripts/install-system-packages.sh ui      # + headless Chromium and its driver, Fashion-MNIST and
#                                              # venv for the web UI's browser tests (scripts/test-ui.sh)
set -euo pipefail

# Image codecs (libjpeg-turbo's TurboJPEG, libpng, libwebp) and the real photos and clip art the
# image tests decode (skimage's sample data, openclipart PNGs); SQLite for the catalog.
packages=(libopenblas-dev libsqlite3-dev python3-pip libturbojpeg0-dev libpng-dev libwebp-dev python3-skimage openclipart-png)
if [[ "${1:-build}" == "bench" ]]; then
  packages+=(dataset-fashion-mnist wordnet-base python3-venv wrk)
fi
if [[ "${1:-build}" == "demo" ]]; then
  packages+=(dataset-fashion-mnist wordnet-base curl)
fi
if [[ "${1:-build}" == "ui" ]]; then
  packages+=(chromium chromium-driver dataset-fashion-mnist python3-venv curl)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "Installing Debian packages: ${missing[*]}"
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
