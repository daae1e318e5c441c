#!/usr/bin/env bash
# Loupe's KD-tree and VP-tree against scikit-learn's KDTree and BallTree on identical files, in one
# run: shared/bench/ann_peers.py exports the datasets, scripts/trees_peers.py measures scikit-learn
# (leaf sizes default, 40 and 16; k=10; one thread; one query per call and all queries in one
# call), `loupe bench trees` measures Loupe under the same rules, and scripts/trees_ratios.py
# prints the side-by-side table with ratios.
#
#   scripts/bench-trees.sh [DATASETS]        default: lowdim16,digits
#
# Environment: SHARED (default: ../shared beside the repository), WORK (default: .bench),
# DATA_DIR (default: $WORK/bench-data), PYTHON (a Python with scikit-learn; default: the venv that
# scripts/setup-peers.sh makes in $WORK/venv), REPEATS (default 3), LEAF_SIZES (Loupe, default
# 16,32), PEER_LEAF_SIZES (default default,40,16), BUDGETS (VP-tree budgets, default 1000,3000,10000).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$root/../shared}
work=${WORK:-$root/.bench}
data_dir=${DATA_DIR:-$work/bench-data}
datasets=${1:-lowdim16,digits}
repeats=${REPEATS:-3}
leaf_sizes=${LEAF_SIZES:-16,32}
peer_leaf_sizes=${PEER_LEAF_SIZES:-default,40,16}
budgets=${BUDGETS:-1000,3000,10000}

mkdir -p "$work" "$data_dir"
work=$(cd "$work" && pwd)
data_dir=$(cd "$data_dir" && pwd)
if [[ -n "${PYTHON:-}" ]]; then
  python=$PYTHON
else
  "$root/scripts/setup-peers.sh" "$work/venv"
  python="$work/venv/bin/python"
fi
"$python" -c "import sklearn" 2>/dev/null || { echo "$python has no scikit-learn (set PYTHON)" >&2; exit 1; }
(cd "$root" && swift build -c release --product loupe 2>&1 | tail -1)
loupe="$root/.build/release/loupe"

run="$work/trees-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$run"
for dataset in ${datasets//,/ }; do
  folder="$data_dir/$dataset"
  [[ -d "$folder" ]] || folder=$(ls -d "$data_dir/${dataset}"_n* 2>/dev/null | head -1 || true)
  if [[ -z "$folder" || ! -f "$folder/groundtruth.ivecs" ]]; then
    [[ -f "$shared/bench/ann_peers.py" ]] || { echo "cannot find $shared/bench/ann_peers.py to export $dataset (set SHARED)" >&2; exit 1; }
    echo "exporting $dataset …" >&2
    (cd "$work" && "$python" "$shared/bench/ann_peers.py" --export-only --datasets "$dataset" --data-dir "$data_dir" \
      >/dev/null 2>>"$run/export.log")
    folder="$data_dir/$dataset"
    [[ -d "$folder" ]] || folder=$(ls -d "$data_dir/${dataset}"_n* | head -1)
  fi
  echo "== $dataset: scikit-learn KDTree, BallTree …" >&2
  "$python" "$root/scripts/trees_peers.py" --data "$folder" --leaf-sizes "$peer_leaf_sizes" --repeats "$repeats" \
    >>"$run/peers.jsonl" 2>>"$run/peers.log"
  echo "== $dataset: loupe …" >&2
  "$loupe" bench trees --data "$folder" --leaf-sizes "$leaf_sizes" --budgets "$budgets" --repeats "$repeats" \
    >>"$run/loupe.jsonl" 2>>"$run/loupe.log"
done
python3 "$root/scripts/trees_ratios.py" "$run/peers.jsonl" "$run/loupe.jsonl" | tee "$run/table.md"
echo "raw results: $run" >&2
