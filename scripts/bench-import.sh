#!/usr/bin/env bash
# The catalog's import and search path against its Python peers, in one run on the same files:
# `loupe bench import` writes 100k × 384 seeded vectors as NDJSON and .npy and measures Loupe
# (import, index build, in-process search); scripts/import_peer.py measures Python + orjson +
# sqlite3 on the same imports and hnswlib on the same index and queries.
#
#   scripts/bench-import.sh                 COUNT=100000 DIMS=384 DURABILITY=power_loss
#
# Environment: WORK (default: .bench), IMPORT_PYTHON (numpy, optionally orjson; default: a venv
# made in $WORK/venv-import), ANN_PYTHON (numpy + hnswlib; default: the venv that
# scripts/setup-peers.sh makes in $WORK/venv).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-$root/.bench}
count=${COUNT:-100000}
dims=${DIMS:-384}
durability=${DURABILITY:-power_loss}
mkdir -p "$work"
work=$(cd "$work" && pwd)

if [[ -z "${IMPORT_PYTHON:-}" ]]; then
  [[ -x "$work/venv-import/bin/python" ]] || { python3 -m venv "$work/venv-import" && "$work/venv-import/bin/pip" install -q numpy orjson; }
  IMPORT_PYTHON="$work/venv-import/bin/python"
fi
if [[ -z "${ANN_PYTHON:-}" ]]; then
  "$root/scripts/setup-peers.sh" "$work/venv"
  ANN_PYTHON="$work/venv/bin/python"
fi
(cd "$root" && swift build -c release --product loupe 2>&1 | tail -1)
loupe="$root/.build/release/loupe"

scratch="$work/import-$count-$dims"
run="$work/import-$(date +%Y%m%d-%H%M%S).jsonl"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
# Both importers start with the input files in the page cache (as just written), whatever the
# other left: Loupe's import releases the pages of a file it has read (an import reads it once).
warm() { [[ ! -d "$scratch" ]] || cat "$scratch"/vectors.* "$scratch"/ids.txt >/dev/null 2>&1 || true; }
warm
"$loupe" bench import --count "$count" --dims "$dims" --durability "$durability" --scratch "$scratch" --keep | tee "$run"
warm
"$IMPORT_PYTHON" "$root/scripts/import_peer.py" import "$scratch" --durability "$durability" | tee -a "$run"
"$ANN_PYTHON" "$root/scripts/import_peer.py" index "$scratch" | tee -a "$run"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"${IMPORT_PYTHON}" - "$run" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
def pick(stage, peer, clients=None):
    for row in rows:
        if row["stage"] == stage and (("peer" in row) == peer) and (clients is None or row.get("clients") == clients):
            return row
print(f"\n{'measure':<34}{'Loupe':>12}{'peer':>12}{'ratio':>8}")
for stage, key, label in (("import_ndjson", "per_second", "NDJSON import, vectors/s"), ("import_npy", "per_second", ".npy import, vectors/s")):
    loupe, peer = pick(stage, False), pick(stage, True)
    print(f"{label:<34}{loupe[key]:>12,.0f}{peer[key]:>12,.0f}{loupe[key] / peer[key]:>8.2f}")
loupe, peer = pick("index_build", False), pick("index_build", True)
print(f"{'HNSW build, s (lower is better)':<34}{loupe['seconds']:>12.2f}{peer['seconds']:>12.2f}{peer['seconds'] / loupe['seconds']:>8.2f}")
loupe, peer = pick("search", False, 1), pick("search", True, 1)
print(f"{'search QPS, 1 caller':<34}{loupe['qps']:>12,.0f}{peer['qps']:>12,.0f}{loupe['qps'] / peer['qps']:>8.2f}")
print(f"{'search p50 / p99 ms, 1 caller':<34}{loupe['p50_ms']:>6.3f}/{loupe['p99_ms']:<6.3f}{peer['p50_ms']:>6.3f}/{peer['p99_ms']:<6.3f}")
print(f"{'recall@10':<34}{loupe['recall']:>12.3f}{peer['recall']:>12.3f}")
eight = pick("search", False, 8)
if eight:
    print(f"{'search QPS, 8 callers (Loupe)':<34}{eight['qps']:>12,.0f}   p50 {eight['p50_ms']:.3f} ms, p99 {eight['p99_ms']:.3f} ms")
PY
