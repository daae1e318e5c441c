#!/usr/bin/env bash
# Image decoding + EfficientNet-Lite preprocessing: Loupe against Pillow 13.0.0 on the same files,
# in one run. scripts/images_peer.py measures Pillow; `loupe bench images` measures Loupe under the
# same rules (files in memory, best of REPEATS passes, ROUNDS rounds over the files per pass). The
# two alternate ALTERNATIONS times so that both see the same quiet and busy moments of a shared
# machine; the peer script prints the side-by-side table of the best figures, with ratios.
#
#   scripts/bench-images.sh
#
# Environment: WORK (default: .bench), VENV (Pillow's Python environment, default:
# $WORK/venv-images, created with pillow==13.0.0 and numpy when missing), FOLDER (default: Debian
# python3-skimage's sample data), REPEATS (default 5), ROUNDS (default 4), THREADS (default 1,2),
# ALTERNATIONS (default 3).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-$root/.bench}
folder=${FOLDER:-/usr/lib/python3/dist-packages/skimage/data}
repeats=${REPEATS:-5}
rounds=${ROUNDS:-4}
threads=${THREADS:-1,2}
alternations=${ALTERNATIONS:-3}

"$root/scripts/install-system-packages.sh" bench
[[ -f "$folder/astronaut.png" ]] || { echo "cannot find skimage's photos in $folder (install python3-skimage or set FOLDER)" >&2; exit 1; }
mkdir -p "$work"
venv=${VENV:-$work/venv-images}
if ! "$venv/bin/python" -c "import PIL, numpy; assert PIL.__version__ == '13.0.0'" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check pillow==13.0.0 numpy==2.4.6
fi
(cd "$root" && swift build -c release --product loupe 2>&1 | tail -1)
loupe="$root/.build/release/loupe"
python="$venv/bin/python"
options=(--folder "$folder" --repeats "$repeats" --rounds "$rounds" --threads "$threads")

run="$work/images-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$run"
for ((i = 1; i <= alternations; i++)); do
  echo "== pillow ($i of $alternations) …" >&2
  "$python" "$root/scripts/images_peer.py" run "${options[@]}" >>"$run/peer.jsonl" 2>>"$run/peer.log"
  echo "== loupe ($i of $alternations) …" >&2
  "$loupe" bench images "${options[@]}" >>"$run/loupe.jsonl" 2>>"$run/loupe.log"
done
head -1 "$run/peer.log" >&2
"$python" "$root/scripts/images_peer.py" table "$run/peer.jsonl" "$run/loupe.jsonl" | tee "$run/table.md"
echo "raw results: $run" >&2
