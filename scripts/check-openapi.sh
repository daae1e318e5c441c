#!/usr/bin/env bash
# Validates the OpenAPI document `loupe serve` serves against the OpenAPI 3.1 specification with
# openapi-spec-validator (PyPI), in a venv of its own under WORK. The Swift test
# OpenAPIConformanceTests checks that the document and the real routes agree.
#   scripts/check-openapi.sh [path/to/loupe]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-$root/.bench}
loupe=${1:-$root/.build/debug/loupe}
[[ -x "$loupe" ]] || (cd "$root" && swift build --product loupe 2>&1 | tail -1)
venv="$work/venv-openapi"
if ! "$venv/bin/python" -c "import openapi_spec_validator" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check openapi-spec-validator==0.9.0
fi
document=$(mktemp --suffix=.json)
trap 'rm -f "$document"' EXIT
"$loupe" serve --print-open-api >"$document"
"$venv/bin/python" - "$document" <<'PY'
import json, sys
from openapi_spec_validator import validate
from openapi_spec_validator.validation.validators import OpenAPIV31SpecValidator
document = json.load(open(sys.argv[1]))
validate(document, cls=OpenAPIV31SpecValidator)
operations = sum(1 for item in document["paths"].values() for key in item if key != "parameters")
print(f"openapi.json is valid OpenAPI {document['openapi']}: {len(document['paths'])} paths, {operations} operations")
PY
