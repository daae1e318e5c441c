#!/usr/bin/env bash
# Creates the Python environment of the peer benchmarks (hnswlib, faiss, …) with the versions
# pinned in shared/bench/README.md. Idempotent: an existing environment is kept.
#   scripts/setup-peers.sh VENV_DIR
set -euo pipefail
venv="${1:-.venv-peers}"
if [[ -x "$venv/bin/python" ]] && "$venv/bin/python" -c "import hnswlib, faiss" 2>/dev/null; then
  exit 0
fi
python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check \
  numpy==2.4.6 scipy==1.17.1 threadpoolctl==3.8.0 scikit-learn==1.9.1 \
  hnswlib==0.8.0 faiss-cpu==1.15.1 annoy==1.17.3 usearch==2.26.6 datasketch==2.0.0
