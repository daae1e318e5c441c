#!/usr/bin/env bash
# Browser tests of the web UI: builds `loupe`, starts `loupe serve` on a free port with a fresh data
# directory, imports 1,000 real Fashion-MNIST images (raw pixels as a custom 784-d space) and
# 100,000 synthetic 2-D points and 87 real pictures in a ConSE space (the models must be fetched:
# `make models`), then drives headless Chromium through every screen
# (scripts/ui_test.py) and prints the measured first gallery paint and map frame time.
#
#   scripts/test-ui.sh                       # screenshots go to .build/ui-screenshots
#   scripts/test-ui.sh docs/screenshots      # refresh the screenshots the README shows
#   LOUPE_CONFIGURATION=release scripts/test-ui.sh
set -euo pipefail
cd "$(dirname "$0")/.."
screenshots="${1:-.build/ui-screenshots}"
configuration="${LOUPE_CONFIGURATION:-debug}"

scripts/install-system-packages.sh ui
if ! .venv-ui/bin/python -c "import selenium" 2>/dev/null; then
  python3 -m venv .venv-ui
  .venv-ui/bin/pip install --quiet --disable-pip-version-check "selenium>=4.20,<5"
fi

swift build -c "$configuration" --product loupe
loupe="$(swift build -c "$configuration" --show-bin-path)/loupe"

work="$(mktemp -d "${TMPDIR:-/tmp}/loupe-ui-test.XXXXXX")"
server=""
cleanup() {
  [[ -n "$server" ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

python3 scripts/ui_test_data.py "$work/data" 1000
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$loupe" serve --port "$port" --data-dir "$work/loupe-data" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/v1/health" >/dev/null 2>&1 && break
  if ! kill -0 "$server" 2>/dev/null; then
    echo "loupe serve exited:"; cat "$work/serve.log"; exit 1
  fi
  sleep 0.2
done

status=0
.venv-ui/bin/python scripts/ui_test.py "http://127.0.0.1:$port" "$work/data" "$screenshots" || status=$?
if [[ $status -ne 0 ]]; then
  echo "--- loupe serve log (last 40 lines) ---"
  tail -n 40 "$work/serve.log"
fi
exit $status
