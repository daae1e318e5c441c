#!/usr/bin/env bash
# Search over HTTP against the same search in process, in one run: `loupe bench http` prepares
# 100k × 384 seeded clustered vectors in one HNSW space (kept in WORK for later runs), measures
# the catalog's search in process, starts `loupe serve` on the data, drives it with its own
# keep-alive load generator (one blocking socket per client thread) and with wrk
# (scripts/bench-http.lua), reads the server's resident memory, and stops it with SIGTERM. The
# recall@10 of the in-process and the HTTP answers against an exact scan is reported beside the
# speed. Prints a table with the issue's targets and the machine's load at the start and end.
#
#   scripts/bench-http.sh            # CLIENTS=8 DURATION=10 COUNT=100000 DIMS=384
#   WAIT_QUIET=600 scripts/bench-http.sh   # first wait up to 10 min for a quiet machine
#
# Environment: WORK (default .bench), CLIENTS, DURATION (seconds per timed load), COUNT, DIMS,
# LOUPE (a loupe binary to use instead of building .build/release/loupe), WAIT_QUIET (seconds to
# wait for the CPU pressure — /proc/pressure/cpu "some avg10" — to fall under QUIET_PRESSURE
# percent, default 0 and 10), SERVE_ARGS (extra `loupe serve` options, e.g. "--executor cooperative").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-$root/.bench}
clients=${CLIENTS:-8}
duration=${DURATION:-10}
count=${COUNT:-100000}
dims=${DIMS:-384}
wait_quiet=${WAIT_QUIET:-0}
quiet_pressure=${QUIET_PRESSURE:-10}

command -v wrk >/dev/null || "$root/scripts/install-system-packages.sh" bench
loupe=${LOUPE:-}
if [[ -z "$loupe" ]]; then
  (cd "$root" && swift build -c release --product loupe 2>&1 | tail -1)
  loupe="$root/.build/release/loupe"
fi

run="$work/http-run-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$run"
waited=0
while (( waited < wait_quiet )); do
  awk -v limit="$quiet_pressure" '/^some/ { split($2, a, "="); exit (a[2] < limit ? 0 : 1) }' /proc/pressure/cpu && break
  sleep 5
  waited=$((waited + 5))
done
load() { echo "$(uptime | sed 's/.*load average/load average/'); cpu pressure $(head -1 /proc/pressure/cpu)"; }
echo "start (after ${waited} s waiting for quiet): $(load)" >"$run/load.txt"
echo "== loupe bench http (count $count, dims $dims, $clients clients, ${duration} s) …" >&2
"$loupe" bench http --data-dir "$work/http-data-$count-$dims" --count "$count" --dims "$dims" --clients "$clients" \
  --duration "$duration" --wrk-script "$root/scripts/bench-http.lua" ${SERVE_ARGS:+"--serve-args=$SERVE_ARGS"} \
  >"$run/loupe.jsonl" 2>"$run/loupe.log"
echo "end: $(load)" >>"$run/load.txt"
python3 - "$run/loupe.jsonl" "$run/load.txt" <<'PY' | tee "$run/table.md"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
rows = [l for l in lines if l.get("bench") == "http"]
summary = next(l for l in lines if l.get("bench") == "http-summary")
memory = next(l for l in lines if l.get("bench") == "http-memory")
prepare = next(l for l in lines if l.get("bench") == "http-prepare")
def fmt(v, d=2):
    return "–" if v is None else f"{v:.{d}f}"
print("| mode | clients | QPS | p50 ms | p99 ms | recall@10 | server CPU ms/req | client CPU ms/req |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for r in rows:
    print(f"| {r['mode']} | {r['clients']} | {fmt(r['qps'], 0)} | {fmt(r['p50_ms'], 3)} | {fmt(r['p99_ms'], 3)} | {fmt(r.get('recall_at_k'), 4)} "
          f"| {fmt(r.get('server_cpu_ms_per_request'), 3)} | {fmt(r.get('client_cpu_ms_per_request'), 3)} |")
print()
print(f"HTTP / in-process throughput at {rows[-1]['clients']} clients: own client {fmt(summary.get('own_client_ratio'))}×, "
      f"wrk {fmt(summary.get('wrk_ratio'))}× (target ≥ 0.5×)")
print(f"Over HTTP (own client): p50 {fmt(summary.get('own_client_p50_ms'), 3)} ms (target ≤ 3), "
      f"p99 {fmt(summary.get('own_client_p99_ms'), 3)} ms (target ≤ 15)")
print(f"Server RSS {fmt(memory['rss_mb'], 1)} MB = {fmt(memory['rss_over_raw'], 3)}× the raw vectors "
      f"({fmt(memory['raw_vector_mb'], 1)} MB; no model loaded) (target ≤ 1.6×)")
print("Load: " + "; ".join(l.strip() for l in open(sys.argv[2])))
if prepare.get("source") == "built":
    print(f"Prepared: .npy import {prepare['npy_import_vectors_per_s']:.0f} vectors/s, {prepare['index']} build {prepare['index_build_s']:.1f} s")
PY
echo "raw results: $run" >&2
