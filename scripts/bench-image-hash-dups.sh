#!/usr/bin/env bash
# Image near-duplicates by pixel correlation and by perceptual hash, on the planted set of scripts/bench-image-dups.sh
# (SOURCE=fashion: 1,500 Fashion-MNIST originals + 400 copies shifted, brightened, noised,
# JPEG q75 or resized 28->22->28; SOURCE=clipart: openclipart pictures with stronger edits):
#   1. the peer, the `imagehash` package (phash, Pillow 13): every file hashed, every pair's
#      Hamming distance (numpy), timed (one Python process, one core);
#   2. the threshold sweep (scripts/image_hash_peer.py score): the largest Hamming distance whose
#      precision on half A of the plants is >= 0.95, recall per edit and precision on half B at
#      it; with the EfficientNet-Lite0 vectors of bench-image-dups.sh, also the combination
#      "distance <= t OR cosine >= tau" chosen the same way;
#   3. Loupe's own detector, scored: the correlation threshold tau chosen on half A with the numpy
#      mirror of `loupe duplicates --images --threshold` (scripts/image_hash_peer.py correlation:
#      from the strictest tau down to the first with precision < 0.95 on A, the highest recall, the
#      strictest tau among ties), then the files
#      imported as image rows and grouped by `loupe duplicates --images --threshold tau`
#      (decoding, thumbnails, candidates and verification, timed); every pair inside one of its
#      groups counts as reported, recall per edit and precision on half B;
#      a second call (signatures stored with the rows by the first) is timed too;
#   4. the same rows, in a catalog of their own, grouped by `loupe duplicates --images
#      --max-distance t` (decoding, hashing and the all-pairs join, timed), its groups scored.
#
#   scripts/bench-image-hash-dups.sh
#
# Environment: SOURCE (fashion or clipart), WORK (default .bench), VENV (a Python with numpy,
# scipy, Pillow 13.0.0 and imagehash 4.3.2; made under $WORK if missing), LOUPE (default: the
# release build), and the variables of bench-image-dups.sh for making the planted set. The
# vectors come from bench-image-dups.sh (run it first for the combined rule; skipped without).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-$root/.bench}
venv=${VENV:-$work/venv-imagehash}
source=${SOURCE:-fashion}
data="$work/image-dups-$source"
if ! "$venv/bin/python" -c "import numpy, scipy, PIL, imagehash" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check numpy==2.4.6 pillow==13.0.0 scipy==1.17.1 imagehash==4.3.2
fi
python="$venv/bin/python"
if [[ -z "${LOUPE:-}" ]]; then
  (cd "$root" && swift build -c release --product loupe 2>&1 | tail -1)
  LOUPE="$root/.build/release/loupe"
fi
if [[ ! -f "$data/planted.tsv" ]]; then
  "$python" "$root/scripts/image_dups_peer.py" inputs --out "$data" --source "$source" --clipart "${CLIPART:-/usr/share/openclipart/png}" \
    --fashion "${FASHION:-/usr/share/datasets/fashion-mnist}" --originals "${ORIGINALS:-1500}" --planted "${PLANTED:-400}"
fi
run="$work/image-hash-dups-$source-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$run"
echo "== imagehash peer over $(ls "$data/images" | wc -l) images …" >&2
"$python" "$root/scripts/image_hash_peer.py" peer --data "$data" --out "$run/peer-hashes.tsv" >"$run/peer.json"
vectors=()
[[ -f "$data/vectors.ndjson" ]] && vectors=(--vectors "$data/vectors.ndjson")
"$python" "$root/scripts/image_hash_peer.py" score --data "$data" --hashes "$run/peer-hashes.tsv" "${vectors[@]}" \
  >"$run/sweep.json" 2>"$run/sweep.md"
distance=$("$python" -c "import json,sys; print(json.load(open(sys.argv[1]))['chosen'])" "$run/sweep.json")
"$python" "$root/scripts/image_hash_peer.py" correlation --data "$data" >"$run/correlation-sweep.json" 2>"$run/correlation-sweep.md"
tau=$("$python" -c "import json,sys; print(json.load(open(sys.argv[1]))['chosen'])" "$run/correlation-sweep.json")
catalog="$run/catalog"
"$python" "$root/scripts/image_dups_peer.py" rows --data "$data" >"$run/rows.ndjson"
"$LOUPE" datasets create --data-dir "$catalog" dups >/dev/null
"$LOUPE" import rows --data-dir "$catalog" --dataset dups "$run/rows.ndjson" >/dev/null
echo "== loupe duplicates --images at correlation $tau …" >&2
/usr/bin/time -f "%e s wall, %U s user, %M KiB peak" "$LOUPE" duplicates --data-dir "$catalog" --dataset dups --images --threshold "$tau" --json \
  >"$run/loupe-correlation.json" 2>"$run/loupe-correlation.time"
# Again: the signatures are now stored with the rows, so only the search runs.
/usr/bin/time -f "%e s wall, %U s user, %M KiB peak" "$LOUPE" duplicates --data-dir "$catalog" --dataset dups --images --threshold "$tau" --json \
  >"$run/loupe-correlation-again.json" 2>"$run/loupe-correlation-again.time"
cmp -s "$run/loupe-correlation.json" "$run/loupe-correlation-again.json" || echo "warning: the second call answered differently" >&2
"$python" "$root/scripts/image_hash_peer.py" correlation --data "$data" --pairs "$run/loupe-correlation.json" >"$run/correlation-result.json" 2>/dev/null
echo "== loupe duplicates --images at max distance $distance …" >&2
# A catalog of its own, so that this call decodes every file too.
"$LOUPE" datasets create --data-dir "$catalog-hash" dups >/dev/null
"$LOUPE" import rows --data-dir "$catalog-hash" --dataset dups "$run/rows.ndjson" >/dev/null
/usr/bin/time -f "%e s wall, %U s user, %M KiB peak" "$LOUPE" duplicates --data-dir "$catalog-hash" --dataset dups --images --max-distance "$distance" --json \
  >"$run/loupe-duplicates.json" 2>"$run/loupe-duplicates.time"
"$python" "$root/scripts/image_hash_peer.py" score --data "$data" --hashes "$run/peer-hashes.tsv" --pairs "$run/loupe-duplicates.json" \
  >"$run/result.json" 2>/dev/null
cat "$run/sweep.md" >&2
cat "$run/correlation-sweep.md" >&2
cat "$run/sweep.json"
"$python" -c "import json,sys; print(json.dumps(json.load(open(sys.argv[1]))['loupe_duplicates']))" "$run/result.json"
"$python" -c "import json,sys; r = json.load(open(sys.argv[1])); print(json.dumps(dict(chosen_on_half_a=r['chosen'], min_copy_score=r['min_copy_score'], mirror_half_b=r['report'], loupe=r['loupe_duplicates'])))" "$run/correlation-result.json"
echo "imagehash peer: $(cat "$run/peer.json")" >&2
echo "loupe duplicates --images --threshold $tau: $(cat "$run/loupe-correlation.time") (first call: decodes every file)" >&2
echo "loupe duplicates --images --threshold $tau: $(cat "$run/loupe-correlation-again.time") (again: stored signatures)" >&2
echo "loupe duplicates --images --max-distance $distance: $(cat "$run/loupe-duplicates.time")" >&2
echo "raw results: $run" >&2
