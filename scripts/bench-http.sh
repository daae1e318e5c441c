#!/usr/bin/env bash
# Search over HTTP against the same search in process, in one run: `loupe bench http` prepares
# 100k × 384 seeded clustered vectors in one HNSW space (kept in WORK for later runs), measures
# the catalog's search in process, starts `loupe serve` on the data, drives it with its own
# keep-alive load generator and with wrk (scripts/bench-http.lua), reads the server's resident
# memory, and stops it with SIGTERM. Prints a table with the issue's targets.
#
#   scripts/bench-http.sh            # CLIENTS=8 DURATION=10 COUNT=100000 DIMS=384
#
# Environment: WORK (default .bench), CLIENTS, DURATION (seconds per timed load), COUNT, DIMS,
# LOUPE (a loupe binary to use instead of building .build/release/loupe).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-$root/.bench}
clients=${CLIENTS:-8}
duration=${DURATION:-10}
count=${COUNT:-100000}
dims=${DIMS:-384}

command -v wrk >/dev/null || "$root/scripts/install-system-packages.sh" bench
loupe=${LOUPE:-}
if [[ -z "$loupe" ]]; then
  (cd "$root" && swift build -c release --product loupe 2>&1 | tail -1)
  loupe="$root/.build/release/loupe"
fi

run="$work/http-run-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$run"
echo "== loupe bench http (count $count, dims $dims, $clients clients, ${duration} s) …" >&2
"$loupe" bench http --data-dir "$work/http-data-$count-$dims" --count "$count" --dims "$dims" --clients "$clients" \
  --duration "$duration" --wrk-script "$root/scripts/bench-http.lua" >"$run/loupe.jsonl" 2>"$run/loupe.log"
python3 - "$run/loupe.jsonl" <<'PY' | tee "$run/table.md"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
rows = [l for l in lines if l.get("bench") == "http"]
summary = next(l for l in lines if l.get("bench") == "http-summary")
memory = next(l for l in lines if l.get("bench") == "http-memory")
prepare = next(l for l in lines if l.get("bench") == "http-prepare")
def fmt(v, d=2):
    return "–" if v is None else f"{v:.{d}f}"
print("| mode | clients | QPS | p50 ms | p99 ms |")
print("| --- | ---: | ---: | ---: | ---: |")
for r in rows:
    print(f"| {r['mode']} | {r['clients']} | {fmt(r['qps'], 0)} | {fmt(r['p50_ms'], 3)} | {fmt(r['p99_ms'], 3)} |")
print()
print(f"HTTP / in-process throughput at {rows[-1]['clients']} clients: own client {fmt(summary.get('own_client_ratio'))}×, "
      f"wrk {fmt(summary.get('wrk_ratio'))}× (target ≥ 0.5×)")
print(f"Over HTTP (own client): p50 {fmt(summary.get('own_client_p50_ms'), 3)} ms (target ≤ 3), "
      f"p99 {fmt(summary.get('own_client_p99_ms'), 3)} ms (target ≤ 15)")
print(f"Server RSS {fmt(memory['rss_mb'], 1)} MB = {fmt(memory['rss_over_raw'], 3)}× the raw vectors "
      f"({fmt(memory['raw_vector_mb'], 1)} MB; no model loaded) (target ≤ 1.6×)")
if prepare.get("source") == "built":
    print(f"Prepared: .npy import {prepare['npy_import_vectors_per_s']:.0f} vectors/s, {prepare['index']} build {prepare['index_build_s']:.1f} s")
PY
echo "raw results: $run" >&2
