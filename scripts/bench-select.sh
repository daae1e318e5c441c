#!/usr/bin/env bash
# Curation: near-duplicates (images and texts), label mistakes and k-center selection, Loupe
# against the Python tools a data scientist would use, on identical inputs, in one run.
# scripts/select_peer.py writes the inputs (Fashion-MNIST with planted image copies and flipped
# labels, WordNet glosses with planted edited copies) and measures the peers (scikit-learn,
# datasketch, numpy); `loupe bench select` measures Loupe on the same files; the peer script
# scores both sides' answers against the planted truth and prints the tables with ratios.
#
#   scripts/bench-select.sh
#
# Environment: WORK (default: .bench), VENV (the peers' Python environment, default:
# $WORK/venv-select, created when missing), THREADS (default 2, both sides), FASHION (default:
# /usr/share/datasets/fashion-mnist, Debian dataset-fashion-mnist), WORDNET (default:
# /usr/share/wordnet, Debian wordnet-base).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-$root/.bench}
threads=${THREADS:-2}
fashion=${FASHION:-/usr/share/datasets/fashion-mnist}
wordnet=${WORDNET:-/usr/share/wordnet}
venv=${VENV:-$work/venv-select}

"$root/scripts/install-system-packages.sh" bench
[[ -f "$fashion/train-images-idx3-ubyte.gz" ]] || { echo "cannot find Fashion-MNIST at $fashion (install dataset-fashion-mnist or set FASHION)" >&2; exit 1; }
[[ -f "$wordnet/data.noun" ]] || { echo "cannot find WordNet at $wordnet (install wordnet-base or set WORDNET)" >&2; exit 1; }
mkdir -p "$work"
if ! "$venv/bin/python" -c "import sklearn, datasketch, PIL, threadpoolctl" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check \
    numpy==2.4.6 scipy==1.17.1 threadpoolctl==3.8.0 scikit-learn==1.9.1 datasketch==2.0.0 pillow==13.0.0
fi
(cd "$root" && swift build -c release --product loupe 2>&1 | tail -1)
loupe="$root/.build/release/loupe"
python="$venv/bin/python"

run="$work/select-$(date +%Y%m%d-%H%M%S)"
data="$work/select-data"
mkdir -p "$run" "$data"
[[ -f "$data/manifest.json" ]] || "$python" "$root/scripts/select_peer.py" inputs --out "$data" --fashion "$fashion" --wordnet "$wordnet"
echo "== peers (scikit-learn, datasketch, numpy) …" >&2
"$python" "$root/scripts/select_peer.py" run --data "$data" --out "$run" --threads "$threads" >"$run/peer.jsonl" 2>"$run/peer.log"
cat "$run/peer.log" >&2
echo "== loupe …" >&2
"$loupe" bench select --data "$data" --out "$run" --threads "$threads" >"$run/loupe.jsonl" 2>"$run/loupe.log"
cat "$run/loupe.log" >&2
"$python" "$root/scripts/select_peer.py" table --data "$data" --run "$run" | tee "$run/table.md"
echo "raw results: $run" >&2
