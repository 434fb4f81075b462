"""A small survey written for the learning tests: two kinds of answers a reviewer tells apart.

``practice`` answers say what the CoP changed in someone's work; ``catering`` answers praise the
food and the venue. Both are written the way the shipped ranking likes (first person, complete,
evaluative, "gave me", "I now"), so the shipped scores mix them; a reviewer who wants quotes
about practice rejects every catering one. Every respondent agreed to be quoted.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

QUESTION = "What has been the most valuable part of the CoP so far?"
CONSENT = "May we quote your comments anonymously in our reports?"

_PRACTICE = [
    "The CoP gave me the confidence to raise gender equality with my {who}, and I now {act}.",
    "Since joining the group I {act}, because the others showed me how to talk about {topic} with my {who}.",
    "Hearing how other practitioners handle {topic} changed my practice: I now {act}.",
    "It helped me see {topic} differently, and these days I {act} without apologising to my {who}.",
]
_WHO = ["manager", "board", "team", "principal", "colleagues", "funders", "council", "students"]
_ACT = ["plan our prevention work around evidence", "name backlash when it happens in meetings",
        "build respectful relationships lessons into every unit", "push back on victim-blaming language",
        "measure change with clear indicators", "bring bystander training into staff induction",
        "speak up about gendered drivers of violence", "co-design programs with young people"]
_TOPIC = ["primary prevention", "gendered drivers of violence", "respectful relationships", "backlash",
          "bystander action", "evaluation of prevention programs", "workplace equality", "consent education"]

_CATERING = [
    "I loved the {food} at every session, the {place} felt {adj} and I always went back for more {food2}.",
    "Honestly the {food} made my month: the {place} was {adj} and I felt spoilt by the {food2} each time.",
    "The best part for me was the {food}, served in a {adj} {place}, with fresh {food2} waiting when I arrived.",
    "I always looked forward to the {food2} and the {food}, and the {place} was so {adj} that I stayed late.",
]
_FOOD = ["catered lunches", "homemade scones", "barista coffee", "vegetarian curries", "fresh sandwiches",
         "chocolate brownies", "fruit platters", "warm soup"]
_FOOD2 = ["biscuits", "pastries", "cake", "tea", "muffins", "cheese", "dumplings", "lemon slice"]
_PLACE = ["venue", "room", "cafe", "hall", "garden room", "conference centre", "library room", "kitchen"]
_ADJ = ["cosy", "beautiful", "bright", "comfortable", "welcoming", "lovely", "spacious", "warm"]


def answers(n_each: int = 30, seed: int = 7) -> list[tuple[str, str]]:
    """``n_each`` distinct answers of each kind, interleaved: ``[(kind, text), ...]``."""
    import random

    rng = random.Random(seed)
    seen: set = set()
    out = []
    while len(out) < 2 * n_each:
        p = rng.choice(_PRACTICE).format(who=rng.choice(_WHO), act=rng.choice(_ACT), topic=rng.choice(_TOPIC))
        c = rng.choice(_CATERING).format(food=rng.choice(_FOOD), food2=rng.choice(_FOOD2),
                                         place=rng.choice(_PLACE), adj=rng.choice(_ADJ))
        if p not in seen and c not in seen:
            seen.update((p, c))
            out += [("practice", p), ("catering", c)]
    return out


def write_survey(folder: Path, n_each: int = 30) -> list[tuple[str, str]]:
    folder.mkdir(parents=True, exist_ok=True)
    rows = answers(n_each)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["Respondent ID", QUESTION, CONSENT])
    for i, (_, text) in enumerate(rows):
        w.writerow([f"R{i:03d}", text, "Yes"])
    (folder / "survey_learning_2025.csv").write_text(buf.getvalue(), encoding="utf-8")
    (folder / "copquotes.yaml").write_text(
        "files:\n  survey_learning_2025.csv:\n    source_kind: survey\n    group: Learning\n"
        f"    year: \"2025\"\n    open_questions: [\"{QUESTION}\"]\n    consent_column: \"{CONSENT}\"\n",
        encoding="utf-8")
    return rows


def build(root: Path, n_each: int = 30):
    """A workspace of the survey, analysed by the real ingest, anonymise, embed and quotes stages."""
    from copquotes import anonymise, embed
    from copquotes.ingest import discover
    from copquotes.quotes import stage as qs
    from copquotes.workspace import Workspace

    write_survey(root / "data", n_each)
    ws = Workspace.create(root / "ws")
    ws.ingest(discover([root / "data"]).sources, progress=False)
    anonymise.run(ws, progress=False)
    embed.run(ws, progress=False)
    qs.run(ws, progress=False)
    return ws


def kind_of(text: str) -> str:
    low = text.lower()
    return "catering" if any(w in low for w in _FOOD + _FOOD2 + _PLACE) else "practice"
