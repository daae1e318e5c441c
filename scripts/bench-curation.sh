#!/usr/bin/env bash
# Curation's clustering and projection against their peers on the same data, in one run:
# `loupe bench curation` measures Loupe's k-means, UMAP, PCA and HDBSCAN on Fashion-MNIST's
# 10,000 test images (784-d, pixels / 255) and writes its UMAP embedding; then
# scripts/curation_peers.py measures scikit-learn's KMeans and umap-learn on the same .fvecs file
# (and scores Loupe's embedding with scikit-learn's trustworthiness); scripts/curation_ratios.py
# prints the table with the ratios.
#
#   scripts/bench-curation.sh
#
# Environment: WORK (default: .bench), THREADS (default 2, both sides), KMEANS (default 10,100),
# RESTARTS (k-means n_init, default 3), UMAP_RUNS (umap-learn runs in one process; the first
# includes numba's JIT, default 2), FASHION_MNIST (folder of the gzip IDX files, default Debian's).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-$root/.bench}
threads=${THREADS:-2}
kmeans=${KMEANS:-10,100}
restarts=${RESTARTS:-3}
umap_runs=${UMAP_RUNS:-2}
mnist=${FASHION_MNIST:-/usr/share/datasets/fashion-mnist}

mkdir -p "$work"
venv="$work/venv-curation"
if ! "$venv/bin/python" -c "import umap, sklearn, threadpoolctl" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check \
    numpy==2.4.6 scipy==1.17.1 threadpoolctl==3.8.0 scikit-learn==1.9.1 umap-learn==0.5.12
fi
data="$work/curation-data"
if [[ ! -s "$data/fashion-mnist-10k.fvecs" ]]; then
  "$venv/bin/python" "$root/scripts/curation_peers.py" export --images "$mnist/t10k-images-idx3-ubyte.gz" \
    --labels "$mnist/t10k-labels-idx1-ubyte.gz" --out "$data"
fi
(cd "$root" && swift build -c release --product loupe 2>&1 | tail -1)
loupe="$root/.build/release/loupe"

run="$work/curation-run-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$run"
echo "== loupe bench curation ($threads threads) …" >&2
"$loupe" bench curation --data "$data/fashion-mnist-10k.fvecs" --kmeans "$kmeans" --restarts "$restarts" \
  --threads "$threads" --export "$run" >"$run/loupe.jsonl" 2>"$run/loupe.log"
echo "== peers (scikit-learn KMeans, umap-learn; $threads threads) …" >&2
# numpy's own OpenBLAS picks its kernels itself: an OPENBLAS_CORETYPE set for the system library
# would slow it (see the workplace notes), so it is cleared for the peers alone.
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS="$threads" NUMBA_NUM_THREADS="$threads" \
  "$venv/bin/python" "$root/scripts/curation_peers.py" run --data "$data/fashion-mnist-10k.fvecs" \
  --kmeans "$kmeans" --restarts "$restarts" --threads "$threads" --umap-runs "$umap_runs" \
  --loupe-embedding "$run/umap-embedding.f32" >"$run/peers.jsonl" 2>"$run/peers.log"
python3 "$root/scripts/curation_ratios.py" "$run/loupe.jsonl" "$run/peers.jsonl" | tee "$run/table.md"
echo "raw results: $run" >&2
