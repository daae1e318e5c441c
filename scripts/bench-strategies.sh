#!/usr/bin/env bash
# SimHash-LSH and IVF: Loupe against faiss on identical files, in one run. For each dataset the
# peers run first — ann_peers.py --libs lsh (faiss IndexLSH + IndexRefineFlat) and
# scripts/ivf_peer.py (faiss IndexIVFFlat, IndexIVFScalarQuantizer SQ8 + refine) — then
# `loupe bench ann --indexes simhash,simhash-uncentred,ivf,ivf-int8` on the same files with the same settings;
# scripts/strategy_ratios.py prints the side-by-side tables.
#
#   scripts/bench-strategies.sh [DATASETS]        default: clustered384,fashion-mnist
#
# Environment: SHARED (default: ../shared beside the repository), WORK (default: .bench),
# VENV (default: $WORK/venv, created by scripts/setup-peers.sh when missing), DATA_DIR (default:
# $WORK/bench-data), REPEATS (3), LSH_BITS (256,1024), LSH_KFACTOR (10,50), NQ_LSH (200, the
# queries ann_peers.py times for LSH), NLIST (1024), NPROBES (1,2,4,8,16,32,64), IVF_KFACTOR (10),
# BUILD_THREADS (all cores), INDEXES (simhash,simhash-uncentred,ivf,ivf-int8: Loupe's side).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$root/../shared}
work=${WORK:-$root/.bench}
venv=${VENV:-$work/venv}
data_dir=${DATA_DIR:-$work/bench-data}
datasets=${1:-clustered384,fashion-mnist}
repeats=${REPEATS:-3}
lsh_bits=${LSH_BITS:-256,1024}
lsh_kfactor=${LSH_KFACTOR:-10,50}
nq_lsh=${NQ_LSH:-200}
nlist=${NLIST:-1024}
nprobes=${NPROBES:-1,2,4,8,16,32,64}
ivf_kfactor=${IVF_KFACTOR:-10}
threads=${BUILD_THREADS:-$(nproc)}
indexes=${INDEXES:-simhash,simhash-uncentred,ivf,ivf-int8}

[[ -f "$shared/bench/ann_peers.py" ]] || { echo "cannot find $shared/bench/ann_peers.py (set SHARED)" >&2; exit 1; }
"$root/scripts/install-system-packages.sh" bench
mkdir -p "$work" "$data_dir"
"$root/scripts/setup-peers.sh" "$venv"
(cd "$root" && swift build -c release --product loupe 2>&1 | tail -1)
loupe="$root/.build/release/loupe"
python="$venv/bin/python"

run="$work/strategies-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$run"
for dataset in ${datasets//,/ }; do
  folder="$data_dir/$dataset"
  [[ -d "$folder" ]] || folder=$(ls -d "$data_dir/${dataset}"_n* 2>/dev/null | head -1 || true)
  if [[ -z "$folder" || ! -f "$folder/groundtruth.ivecs" ]]; then
    echo "exporting $dataset …" >&2
    "$python" "$shared/bench/ann_peers.py" --export-only --datasets "$dataset" --data-dir "$data_dir" 2>>"$run/export.log"
    folder="$data_dir/$dataset"
    [[ -d "$folder" ]] || folder=$(ls -d "$data_dir/${dataset}"_n* | head -1)
  fi
  echo "== $dataset: faiss IndexLSH + refine …" >&2
  (cd "$run" && "$python" "$shared/bench/ann_peers.py" --datasets "$dataset" --libs lsh --lsh-bits "$lsh_bits" \
    --lsh-kfactor "$lsh_kfactor" --nq-flat-single "$nq_lsh" --repeats "$repeats" --build-threads "$threads" \
    --no-save-data --no-bw --out "$run/peer-reports" >>"$run/peers.jsonl" 2>"$run/peers-lsh-$dataset.log")
  echo "== $dataset: faiss IVF …" >&2
  "$python" "$root/scripts/ivf_peer.py" --data "$folder" --nlist "$nlist" --nprobe "$nprobes" --kinds flat,sq8 \
    --k-factor "$ivf_kfactor" --repeats "$repeats" --build-threads "$threads" --shared-bench "$shared/bench" \
    >>"$run/peers.jsonl" 2>"$run/peers-ivf-$dataset.log"
  echo "== $dataset: loupe …" >&2
  "$loupe" bench ann --data "$folder" --indexes "$indexes" --repeats "$repeats" --build-threads "$threads" \
    --lsh-bits "$lsh_bits" --lsh-kfactor "$lsh_kfactor" --nq-flat-single "$nq_lsh" \
    --nlist "$nlist" --nprobe "$nprobes" --ivf-rescore "$ivf_kfactor" --no-bandwidth \
    >>"$run/loupe.jsonl" 2>>"$run/loupe-$dataset.log"
done
python3 "$root/scripts/strategy_ratios.py" "$run/peers.jsonl" "$run/loupe.jsonl" | tee "$run/table.md"
echo "raw results: $run" >&2
