#!/usr/bin/env bash
# Loupe against its peers on identical files, in one run: the peers' own script exports the
# datasets and measures hnswlib and faiss (exact and HNSW); `loupe bench ann` measures Loupe on
# the same files under the same rules; scripts/ann_ratios.py prints the side-by-side table.
#
#   scripts/bench-ann.sh [DATASETS]        default: fashion-mnist,clustered384
#
# Environment: SHARED (default: ../shared beside the repository), WORK (default: .bench),
# EFS (default 16,32,64,128,256), REPEATS (default 3).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$root/../shared}
work=${WORK:-$root/.bench}
datasets=${1:-fashion-mnist,clustered384}
efs=${EFS:-16,32,64,128,256}
repeats=${REPEATS:-3}

[[ -f "$shared/bench/ann_peers.py" ]] || { echo "cannot find $shared/bench/ann_peers.py (set SHARED)" >&2; exit 1; }
"$root/scripts/install-system-packages.sh" bench
mkdir -p "$work"
"$root/scripts/setup-peers.sh" "$work/venv"
(cd "$root" && swift build -c release --product loupe 2>&1 | tail -1)
loupe="$root/.build/release/loupe"
python="$work/venv/bin/python"

cd "$work"
run="$work/run-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$run"
bandwidths=()
for dataset in ${datasets//,/ }; do
  folder="bench-data/$dataset"
  [[ -d "$folder" ]] || folder=$(ls -d bench-data/"${dataset}"_n* 2>/dev/null | head -1 || true)
  if [[ -z "$folder" || ! -f "$folder/groundtruth.ivecs" ]]; then
    echo "exporting $dataset …" >&2
    "$python" "$shared/bench/ann_peers.py" --export-only --datasets "$dataset" >/dev/null 2>>"$run/export.log"
    folder="bench-data/$dataset"
    [[ -d "$folder" ]] || folder=$(ls -d bench-data/"${dataset}"_n* | head -1)
  fi
  echo "== $dataset: peers (hnswlib, faiss) …" >&2
  "$python" "$shared/bench/ann_peers.py" --datasets "$dataset" --libs flat,hnswlib,faiss_hnsw \
    --efs "$efs" --repeats "$repeats" --no-save-data >>"$run/peers.jsonl" 2>"$run/peers-$dataset.log"
  bandwidth=$(grep -o 'memory read bandwidth: 1 thread [0-9.]* GB/s' "$run/peers-$dataset.log" | awk '{print $6}' | tail -1)
  [[ -n "$bandwidth" ]] && bandwidths+=(--peer-bandwidth "$(basename "$folder")=$bandwidth")
  echo "== $dataset: loupe …" >&2
  "$loupe" bench ann --data "$folder" --efs "$efs" --repeats "$repeats" >>"$run/loupe.jsonl" 2>>"$run/loupe.log"
done
python3 "$root/scripts/ann_ratios.py" "$run/peers.jsonl" "$run/loupe.jsonl" "${bandwidths[@]}" | tee "$run/table.md"
echo "raw results: $run" >&2
