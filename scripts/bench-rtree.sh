#!/usr/bin/env bash
# The R-tree against its peers on identical points and queries, in one run: `loupe bench rtree`
# measures Loupe and exports its data; scripts/rtree_peers.py measures libspatialindex (PyPI
# `rtree`) and shapely's STRtree (GEOS) on the exported files; scripts/rtree_ratios.py prints the
# side-by-side table.
#
#   scripts/bench-rtree.sh [SETS]     default: uniform:1000000,clustered:1000000,uniform:100000
#
# Environment: WORK (default: .bench), CAPACITIES (default 16,32,64), QUERIES (default 1000),
# CHECK (queries of each kind checked against brute force, default 50), PEER_CAPACITIES
# (libspatialindex leaf capacities, default "32 100").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-$root/.bench}
sets=${1:-uniform:1000000,clustered:1000000,uniform:100000}
capacities=${CAPACITIES:-16,32,64}
queries=${QUERIES:-1000}
check=${CHECK:-50}
peer_capacities=${PEER_CAPACITIES:-32 100}

mkdir -p "$work"
venv="$work/venv-rtree"
if ! "$venv/bin/python" -c "import rtree, shapely, numpy" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check numpy==2.4.6 rtree==1.4.1 shapely==2.2.0
fi
(cd "$root" && swift build -c release --product loupe 2>&1 | tail -1)
loupe="$root/.build/release/loupe"

run="$work/rtree-run-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$run/data"
echo "== loupe bench rtree ($sets) …" >&2
"$loupe" bench rtree --sets "$sets" --capacities "$capacities" --queries "$queries" --check "$check" \
  --export "$run/data" >"$run/loupe.jsonl" 2>"$run/loupe.log"
echo "== peers (libspatialindex, shapely) …" >&2
# shellcheck disable=SC2086
"$venv/bin/python" "$root/scripts/rtree_peers.py" "$run"/data/* --leaf-capacity $peer_capacities \
  >"$run/peers.jsonl" 2>"$run/peers.log"
python3 "$root/scripts/rtree_ratios.py" "$run/loupe.jsonl" "$run/peers.jsonl" | tee "$run/table.md"
echo "raw results: $run" >&2
