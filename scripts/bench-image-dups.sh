#!/usr/bin/env bash
# Image near-duplicates on encoder embeddings: planted copies of real pictures — by default
# Fashion-MNIST test images with exactly the edits of the raw-pixel bench (scripts/select_peer.py:
# 1-pixel shift, brightness x0.7-1.3, +-2 noise, JPEG q75, resize 28->22->28); with
# SOURCE=clipart, openclipart pictures with stronger edits (50 % resize, JPEG q75, brightness,
# Gaussian noise sigma 6, 3-6 % crop) — embedded by Loupe with EfficientNet-Lite0 (1280-d), then:
#   1. every pair scored by cosine (numpy) and the threshold chosen on half A of the plants (the
#      lowest with precision >= 0.95), recall/precision reported on half B (scripts/image_dups_peer.py);
#   2. the same vectors imported into a catalog and grouped by `loupe duplicates` at that
#      threshold, its groups scored the same way.
#
#   scripts/bench-image-dups.sh
#
# Environment: SOURCE (fashion or clipart), WORK (default .bench), VENV (a Python with numpy and Pillow, default
# $WORK/venv-select as scripts/bench-select.sh makes it), CLIPART (default /usr/share/openclipart/png,
# Debian openclipart-png), ORIGINALS (1500), PLANTED (400), LOUPE (default: the release build).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-$root/.bench}
venv=${VENV:-$work/venv-select}
clipart=${CLIPART:-/usr/share/openclipart/png}
source=${SOURCE:-fashion}
data="$work/image-dups-$source"
fashion=${FASHION:-/usr/share/datasets/fashion-mnist}
if [[ $source == clipart ]]; then
  [[ -d "$clipart" ]] || { echo "cannot find openclipart PNGs at $clipart (install openclipart-png or set CLIPART)" >&2; exit 1; }
else
  [[ -f "$fashion/t10k-images-idx3-ubyte.gz" ]] || { echo "cannot find Fashion-MNIST at $fashion (install dataset-fashion-mnist or set FASHION)" >&2; exit 1; }
fi
if ! "$venv/bin/python" -c "import numpy, PIL" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check numpy==2.4.6 pillow==13.0.0
fi
python="$venv/bin/python"
if [[ -z "${LOUPE:-}" ]]; then
  (cd "$root" && swift build -c release --product loupe 2>&1 | tail -1)
  LOUPE="$root/.build/release/loupe"
fi
mkdir -p "$data"
[[ -f "$data/planted.tsv" ]] || "$python" "$root/scripts/image_dups_peer.py" inputs --out "$data" --source "$source" --clipart "$clipart" --fashion "$fashion" \
  --originals "${ORIGINALS:-1500}" --planted "${PLANTED:-400}"
if [[ ! -f "$data/vectors.ndjson" ]]; then
  echo "== embedding $(ls "$data/images" | wc -l) images with efficientnet-lite0 …" >&2
  "$LOUPE" embed --model efficientnet-lite0 "$data/images" -o "$data/vectors.ndjson" >&2
fi
run="$work/image-dups-$source-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$run"
"$python" "$root/scripts/image_dups_peer.py" score --data "$data" --vectors "$data/vectors.ndjson" >"$run/sweep.json" 2>"$run/sweep.md"
threshold=$("$python" -c "import json,sys; print(json.load(open(sys.argv[1]))['chosen'])" "$run/sweep.json")
echo "== loupe duplicates at cosine $threshold …" >&2
catalog="$run/catalog"
"$python" "$root/scripts/image_dups_peer.py" rows --data "$data" >"$run/rows.ndjson"
"$LOUPE" datasets create --data-dir "$catalog" dups >/dev/null
"$LOUPE" import rows --data-dir "$catalog" --dataset dups "$run/rows.ndjson" >/dev/null
"$LOUPE" spaces create --data-dir "$catalog" --dataset dups --dims 1280 --metric cosine effnet >/dev/null
"$LOUPE" import vectors --data-dir "$catalog" --dataset dups --space effnet "$data/vectors.ndjson" >/dev/null
/usr/bin/time -f "%e s wall, %M KiB peak" "$LOUPE" duplicates --data-dir "$catalog" --dataset dups --space effnet --threshold "$threshold" --json \
  >"$run/loupe-duplicates.json" 2>"$run/loupe-duplicates.time"
"$python" "$root/scripts/image_dups_peer.py" score --data "$data" --vectors "$data/vectors.ndjson" --pairs "$run/loupe-duplicates.json" \
  >"$run/result.json" 2>/dev/null
cat "$run/sweep.md" >&2
cat "$run/result.json"
echo "loupe duplicates: $(cat "$run/loupe-duplicates.time")" >&2
echo "raw results: $run" >&2
