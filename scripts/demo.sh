#!/usr/bin/env bash
# `make demo`: Loupe's main job on real data, from nothing to a served catalog.
#   1. Debian packages, a release build of `loupe`, the models (`loupe models fetch`);
#   2. the demo data from Debian packages (scripts/prepare-demo-data.py): Fashion-MNIST's 10,000
#      test images by class, skimage's photos and openclipart pictures by category, and 20,000
#      WordNet glosses;
#   3. three datasets in a catalog, with model-backed spaces whose embeddings Loupe computes:
#      images with `conse-minilm` (EfficientNet-Lite0 classes in MiniLM's space: searchable by
#      words) and texts with `minilm`;
#   4. `loupe serve` on http://127.0.0.1:${PORT:-8080} (web UI at /, API under /v1).
# Steps 1–3 are skipped when already done (delete $LOUPE_DEMO_DIR, default .demo, to start over).
set -euo pipefail
cd "$(dirname "$0")/.."
demo="${LOUPE_DEMO_DIR:-.demo}"
port="${PORT:-8080}"

scripts/install-system-packages.sh demo
swift build -c release --product loupe
loupe="$(swift build -c release --show-bin-path)/loupe"
"$loupe" models fetch

python3 scripts/prepare-demo-data.py "$demo/sources"
data="$demo/loupe-data"
if [[ ! -f "$demo/.imported" ]]; then
  rm -rf "$data"
  catalog=(--data-dir "$data")
  "$loupe" datasets create fashion-mnist --description "Fashion-MNIST test set, 10 classes" "${catalog[@]}"
  "$loupe" import rows --dataset fashion-mnist "$demo/sources/fashion-mnist" "${catalog[@]}"
  "$loupe" spaces create --dataset fashion-mnist --model conse-minilm conse "${catalog[@]}"
  "$loupe" datasets create pictures --description "skimage photos and openclipart pictures by category" "${catalog[@]}"
  "$loupe" import rows --dataset pictures "$demo/sources/pictures" "${catalog[@]}"
  "$loupe" spaces create --dataset pictures --model conse-minilm conse "${catalog[@]}"
  "$loupe" datasets create wordnet --description "20,000 WordNet glosses" "${catalog[@]}"
  "$loupe" import rows --dataset wordnet "$demo/sources/wordnet-glosses.ndjson" "${catalog[@]}"
  "$loupe" spaces create --dataset wordnet --model minilm minilm "${catalog[@]}"
  for pair in pictures:conse wordnet:minilm fashion-mnist:conse; do
    "$loupe" embed --dataset "${pair%%:*}" --space "${pair##*:}" "${catalog[@]}"
  done
  touch "$demo/.imported"
fi

cat <<EOT

Loupe is serving $data on http://127.0.0.1:$port (web UI at /, API under /v1). Try:
  curl -s http://127.0.0.1:$port/v1/datasets
  curl -s -X POST http://127.0.0.1:$port/v1/datasets/pictures/spaces/conse/search \\
       -H 'content-type: application/json' -d '{"text": "a dog on the grass", "k": 5}'
  curl -s -X POST 'http://127.0.0.1:$port/v1/infer?model=efficientnet-lite0&top=3' \\
       -H 'content-type: image/png' --data-binary @$demo/sources/pictures/photos/chelsea.png
EOT
exec "$loupe" serve --data-dir "$data" --host 127.0.0.1 --port "$port"
