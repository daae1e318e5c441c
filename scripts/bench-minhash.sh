#!/usr/bin/env bash
# MinHash LSH: Loupe against datasketch on identical inputs, in one run. scripts/minhash_peer.py
# writes the inputs (ann_peers.py's synthetic sets, seeded pairs, WordNet glosses with planted
# near-duplicates) and measures datasketch; `loupe bench minhash` measures Loupe on the same
# files; the peer script prints the side-by-side table with ratios.
#
#   scripts/bench-minhash.sh
#
# Environment: WORK (default: .bench), VENV (the peers' Python environment, default:
# $WORK/venv, created by scripts/setup-peers.sh when missing), WORDNET (default: /usr/share/wordnet, Debian
# wordnet-base), REPEATS (default 3), SEEDS (default 5), PLANTED (default 1000).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-$root/.bench}
wordnet=${WORDNET:-/usr/share/wordnet}
repeats=${REPEATS:-3}
seeds=${SEEDS:-5}
planted=${PLANTED:-1000}

"$root/scripts/install-system-packages.sh" bench
[[ -f "$wordnet/data.noun" ]] || { echo "cannot find WordNet at $wordnet (install wordnet-base or set WORDNET)" >&2; exit 1; }
mkdir -p "$work"
venv=${VENV:-$work/venv}
"$root/scripts/setup-peers.sh" "$venv"
(cd "$root" && swift build -c release --product loupe 2>&1 | tail -1)
loupe="$root/.build/release/loupe"
python="$venv/bin/python"

run="$work/minhash-$(date +%Y%m%d-%H%M%S)"
data="$work/minhash-data"
mkdir -p "$run" "$data"
"$python" "$root/scripts/minhash_peer.py" inputs --out "$data" --wordnet "$wordnet" --planted "$planted" 2>"$run/inputs.log"
cat "$run/inputs.log" >&2
echo "== datasketch …" >&2
"$python" "$root/scripts/minhash_peer.py" run --data "$data" --repeats "$repeats" --seeds "$seeds" >"$run/peer.jsonl" 2>"$run/peer.log"
echo "== loupe …" >&2
"$loupe" bench minhash --data "$data" --repeats "$repeats" --seeds "$seeds" >"$run/loupe.jsonl" 2>"$run/loupe.log"
"$python" "$root/scripts/minhash_peer.py" table "$run/peer.jsonl" "$run/loupe.jsonl" | tee "$run/table.md"
echo "raw results: $run" >&2
