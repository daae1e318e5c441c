#!/usr/bin/env bash
# MiniLM sentence embeddings: Loupe against PyTorch (sentence-transformers) on the same WordNet
# glosses, in one run. ../shared/bench/encoder_peers.py measures the peer; `loupe bench
# text-encoder` measures Loupe under the same rules (same glosses in the same order, batch 32,
# the same thread count, tokenisation timed, 2 warm-up batches, best of 3 passes). Each side runs
# ROUNDS times, alternating, and keeps its best pass (noise on a shared machine only slows a run
# down). Peak resident memory is each process's maximum RSS (getrusage of the child).
#
#   scripts/bench-encoders.sh
#
# Environment: SHARED (default: ../shared next to the checkout), VENV (the peer's Python
# environment, default: $WORK/venv-enc, created with the versions pinned in
# $SHARED/bench/README.md when missing — torch brings ~6 GB), WORK (default: .bench), THREADS
# (default 2), TEXTS (default 1024), BATCH (default 32), ORDER (length-sorted or file-order),
# ROUNDS (default 2), WAIT_QUIET (seconds to wait before each measurement for the CPU pressure —
# /proc/pressure/cpu "some avg10" — to fall under QUIET_PRESSURE percent, default 0 and 5; the
# pressure at the start of each measurement is logged), LOUPE_MODEL_CACHE (where `loupe models fetch` put all-MiniLM-L6-v2).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$root/../shared}
work=${WORK:-$root/.bench}
threads=${THREADS:-2}
texts=${TEXTS:-1024}
batch=${BATCH:-32}
order=${ORDER:-length-sorted}
rounds=${ROUNDS:-2}
wait_quiet=${WAIT_QUIET:-0}
quiet_pressure=${QUIET_PRESSURE:-5}
model="${LOUPE_MODEL_CACHE:-$HOME/.cache/loupe/models}/all-MiniLM-L6-v2"

[[ -f "$shared/bench/encoder_peers.py" ]] || { echo "cannot find $shared/bench/encoder_peers.py (set SHARED)" >&2; exit 1; }
"$root/scripts/install-system-packages.sh" bench
mkdir -p "$work"
venv=${VENV:-$work/venv-enc}
if ! [[ -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c "import torch, sentence_transformers" 2>/dev/null; then
  echo "== creating $venv (torch, sentence-transformers; several GB)" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check \
    torch==2.15.0 transformers==5.23.0 sentence-transformers==6.2.0 tokenizers==0.23.3 \
    efficientnet-lite-pytorch==0.1.0 numpy==2.4.6
fi
(cd "$root" && swift build -c release --product loupe 2>&1 | tail -1)
loupe="$root/.build/release/loupe"
"$loupe" models fetch all-MiniLM-L6-v2
python="$venv/bin/python"
run="$work/encoders-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$run"

# wait_for_quiet NAME: up to $wait_quiet seconds until the CPU pressure (some avg10) is under
# $quiet_pressure %, then logs the pressure to $run/NAME.log.
wait_for_quiet() {
  local waited=0
  while (( waited < wait_quiet )); do
    awk -v limit="$quiet_pressure" '/^some/ { split($2, a, "="); exit (a[2] < limit ? 0 : 1) }' /proc/pressure/cpu && break
    sleep 5
    waited=$((waited + 5))
  done
  echo "cpu pressure at start: $(head -1 /proc/pressure/cpu)" >>"$run/$1.log"
}

# measure NAME COMMAND...: runs COMMAND, appends its JSON line (with "peak_rss_mb" from getrusage)
# to $run/NAME.jsonl and its log to $run/NAME.log.
measure() {
  local name="$1"; shift
  wait_for_quiet "$name"
  "$python" - "$@" >>"$run/$name.jsonl" 2>>"$run/$name.log" <<'PY'
import json, resource, subprocess, sys
out = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, text=True, check=True).stdout
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1000.0   # kB -> MB
for line in out.splitlines():
    if line.startswith("{"):
        row = json.loads(line)
        row["peak_rss_mb"] = round(rss, 1)
        print(json.dumps(row))
PY
}

for round in $(seq 1 "$rounds"); do
  echo "== round $round/$rounds: PyTorch …" >&2
  measure peer "$python" "$shared/bench/encoder_peers.py" --minilm "$model" --threads "$threads" \
    --texts "$texts" --text-batch "$batch" --text-order "$order"
  echo "== round $round/$rounds: Loupe …" >&2
  measure loupe "$loupe" bench text-encoder --model "$model" --threads "$threads" \
    --texts "$texts" --text-batch "$batch" --text-order "$order"
done

"$python" - "$run/peer.jsonl" "$run/loupe.jsonl" <<'PY' | tee "$run/table.md"
import json, sys
def best(path):
    rows = [json.loads(l) for l in open(path) if l.strip()]
    top = max(rows, key=lambda r: r["items_per_s"])
    return top, [r["items_per_s"] for r in rows], max(r["peak_rss_mb"] for r in rows)
peer, peer_all, peer_rss = best(sys.argv[1])
ours, ours_all, ours_rss = best(sys.argv[2])
print(f"| model | threads | batch | texts | PyTorch sentences/s | Loupe sentences/s | Loupe/PyTorch | PyTorch peak RSS MB | Loupe peak RSS MB |")
print(f"|---|---|---|---|---|---|---|---|---|")
print(f"| {peer['model']} | {peer['threads']} | {peer['batch']} | {ours['texts']} | {peer['items_per_s']:.1f} | {ours['items_per_s']:.1f} "
      f"| **{ours['items_per_s'] / peer['items_per_s']:.2f}×** | {peer_rss:.0f} | {ours_rss:.0f} |")
print(f"\nall passes: PyTorch {peer_all}, Loupe {ours_all}; target Loupe/PyTorch >= 1.0: "
      f"{'PASS' if ours['items_per_s'] >= peer['items_per_s'] else 'FAIL'}")
PY
echo "raw results: $run" >&2
