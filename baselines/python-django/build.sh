#!/usr/bin/env bash
# Creates .venv (python3) and installs requirements.txt into it; a no-op when the
# installed set already matches requirements.txt (stamped by its hash).
set -euo pipefail
cd "$(dirname "$0")"

stamp=.venv/.requirements.sha256
want="$(sha256sum requirements.txt | cut -d' ' -f1)"
if [[ -x .venv/bin/python && "$(cat "$stamp" 2>/dev/null)" == "$want" ]]; then
  exit 0
fi

[[ -x .venv/bin/python ]] || python3 -m venv .venv
rm -f "$stamp"
.venv/bin/python -m pip install --disable-pip-version-check --no-input --quiet --require-hashes -r requirements.txt
.venv/bin/python -m pip check --disable-pip-version-check >/dev/null
echo "$want" >"$stamp"
