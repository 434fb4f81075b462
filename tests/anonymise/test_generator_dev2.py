"""The generator's DEV2 split (benchmarks/anon_generate.py): new names, towns and templates only."""
from __future__ import annotations

import importlib.util
from pathlib import Path

_GEN = Path(__file__).resolve().parents[2] / "benchmarks" / "anon_generate.py"


def _generator():
    spec = importlib.util.spec_from_file_location("anon_generate", _GEN)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_dev2_shares_no_name_town_or_template_with_the_lists_dev_and_score_are_cut_from():
    gen = _generator()
    d2 = gen.DEV2
    for group, parts in d2["groups"].items():
        for part in ("first", "last"):
            assert not set(parts[part]) & set(gen.GROUPS[group][part]), (group, part)
    assert not set(d2["towns"]) & set(gen.TOWNS)
    assert not set(d2["person_templates"]) & set(gen.PERSON_TEMPLATES)
    assert not set(d2["possessive_templates"]) & set(gen.POSSESSIVE_TEMPLATES)


def test_dev2_items_use_dev2_names_and_score_is_not_among_them():
    gen = _generator()
    dev2 = gen.generate("dev2", scale=0.1)
    assert dev2 == gen.generate("dev2", scale=0.1)
    score = gen.generate("score", scale=0.1)
    texts = {d["text"] for d in score}
    assert not any(d["text"] in texts for d in dev2 if d["identifiers"])
    towns = {d["text"][i["start"]:i["end"]].lower() for d in dev2 for i in d["identifiers"] if i["category"] == "place_town"}
    assert towns and towns <= {t.lower() for t in gen.DEV2["towns"]}
    assert all(d["split"] == "dev2" for d in dev2)
