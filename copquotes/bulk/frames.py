"""The coded units table and the quotes table, built a part of the units at a time.

One row per unit: anonymised text (through the disclosure gate; empty for a unit without
(confirmed) quote consent), metadata, per theme its score (``<theme>_score``) and label
(``<theme>_label``, a reviewer's correction winning over the tagger), the labelled themes, and
the topic. :func:`copquotes.export.units_table` is every part of it together; the bulk files
(:mod:`copquotes.bulk`) write it part by part, so no step holds a large workspace at once.
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd

from .. import themescores
from ..disclosure import Disclosure, is_held
from ..errors import WorkspaceError
from ..questions import shown_questions

# the columns before the theme columns, in order (``document`` is the source's pseudonym)
BASE_COLUMNS = ["unit_id", "document", "position", "source_kind", "group", "year", "question", "speaker",
                "speaker_role", "consent", "text", "topic", "topic_label", "themes"]
QUOTE_COLUMNS = ["quote_id", "unit_id", "start", "end", "text", "edited_text", "score", "themes", "status",
                 "version", "attribution", "speaker", "document"]


def analyse_hint(ws) -> str:
    return f"run 'copquotes analyse --workspace {ws.path}' first (the anonymise stage)"


def _ids_json(ids) -> str:
    return json.dumps(list(ids))


class UnitFrames:
    """``frame(unit_ids)``: the units table's rows of those units (in the given order), with the
    same columns for every part. Reads the workspace's identifier lists and theme names once.
    Refuses (``WorkspaceError``) while any unit has no anonymised text."""

    def __init__(self, ws):
        n_missing = ws.conn.execute(
            "SELECT COUNT(*) FROM units u WHERE NOT EXISTS (SELECT 1 FROM anon a WHERE a.unit_id = u.unit_id)"
        ).fetchone()[0]
        if n_missing:
            raise WorkspaceError(
                f"{n_missing} unit(s) have not been anonymised, and only anonymised text may be exported: "
                + analyse_hint(ws))
        from ..review import theme_catalogue

        self.ws = ws
        self.gate = Disclosure(ws)
        self.names = self.gate.sources()
        tagged = set(themescores.themes(ws)) | {t for (t,) in ws.conn.execute("SELECT DISTINCT theme FROM theme_labels")}
        self.themes = [t for t, _ in theme_catalogue(ws) if t in tagged]
        self._labels: dict[str, str] = {}
        self._cohorts: dict[str, str] = {}

    def ordered_ids(self) -> list[str]:
        """Every unit id, in the table's order (by file, then position in it)."""
        return [uid for (uid,) in self.ws.conn.execute("SELECT unit_id FROM units ORDER BY file_id, position")]

    @property
    def columns(self) -> list[str]:
        out = list(BASE_COLUMNS)
        for t in self.themes:
            out += [f"{t}_score", f"{t}_label"]
        return out

    def frame(self, unit_ids: list[str]) -> pd.DataFrame:
        ws, gate = self.ws, self.gate
        ids = _ids_json(unit_ids)
        base = pd.read_sql_query(
            "SELECT u.unit_id, u.file_id, u.position, u.source_kind, u.grp AS 'group', u.year,"
            " u.question, u.speaker_key AS speaker, u.speaker_role, u.consent, a.text AS text,"
            " t.topic, ti.label AS topic_label, instr(COALESCE(u.extra_json, ''), '\"consent_match\"') > 0 AS unconfirmed"
            " FROM units u JOIN anon a ON a.unit_id = u.unit_id"
            " LEFT JOIN unit_topics t ON t.unit_id = u.unit_id LEFT JOIN topic_info ti ON ti.topic = t.topic"
            " WHERE u.unit_id IN (SELECT value FROM json_each(?)) ORDER BY u.file_id, u.position", ws.conn,
            params=(ids,))
        # sources by their pseudonym, never a file or folder name
        base.insert(1, "document", [self.names.get(fid, "source") for fid in base["file_id"]])
        # the safety net: names of each file's roster and speaker labels the anonymiser missed
        base["text"] = [gate.text(t, fid) for t, fid in zip(base["text"], base["file_id"])]
        # speakers by a keyed pseudonym (the quote records' one), never the stored key
        base["speaker"] = [gate.speaker(fid, key, uid) for fid, key, uid in
                           zip(base["file_id"], base["speaker"], base["unit_id"])]
        # question texts come from the export's header, which the anonymise stage never sees
        # ("What could Jane Smith improve?"): the redactor runs over each distinct one once
        if base["question"].notna().any():
            pairs = list(zip(base["question"], base["file_id"]))
            shown = shown_questions(ws, gate, set(pairs))
            base["question"] = [shown.get(p) for p in pairs]
        # a group or year is a name someone typed: shown as the researcher tables show it, so that a
        # cohort's rows of this table join its rows and columns there
        for col in ("group", "year"):
            base[col] = [self._cohort(v) if isinstance(v, str) else v for v in base[col]]
        if base["topic_label"].notna().any():
            for v in base["topic_label"].dropna().unique():
                if v not in self._labels:
                    self._labels[v] = gate.aggregate(v)
            base["topic_label"] = base["topic_label"].map(self._labels)
        self._add_themes(base, ids)
        # no word of a speaker without quote consent leaves: their units keep their coding, not their text;
        # consent matched by first name only is no consent until it is confirmed
        base.loc[(base["consent"] != 1) | (base["unconfirmed"] == 1), "text"] = ""
        base["consent"] = base["consent"].map({1: "yes", 0: "no"}).fillna("unknown")
        base["topic"] = base["topic"].astype("Int64")
        return base.drop(columns=["file_id", "unconfirmed"])[self.columns]

    def _cohort(self, value: str) -> str:
        if value not in self._cohorts:
            self._cohorts[value] = self.gate.derived(value)
        return self._cohorts[value]

    def _add_themes(self, base: pd.DataFrame, ids: str) -> None:
        # the tagger's scores and labels, a reviewer's label in place of the tagger's (and a
        # reviewer's label for a theme the unit has no score for)
        scored = {(uid, r[0]): [r[1], r[2]] for uid, rs in themescores.rows(self.ws, json.loads(ids)).items()
                  for r in rs}
        for uid, theme, label in self.ws.conn.execute(
                "SELECT unit_id, theme, label FROM theme_labels WHERE unit_id IN (SELECT value FROM json_each(?))",
                (ids,)):
            if label is not None:
                scored.setdefault((uid, theme), [None, None])[1] = label
        themes = pd.DataFrame([(uid, t, sc, lab) for (uid, t), (sc, lab) in scored.items()],
                              columns=["unit_id", "theme", "score", "label"])
        if not self.themes:
            base["themes"] = ""
            return
        scores = themes.pivot(index="unit_id", columns="theme", values="score").reindex(columns=self.themes)
        labels = themes.pivot(index="unit_id", columns="theme", values="label").reindex(columns=self.themes)
        labelled = labels.fillna(0).astype(int)
        names = np.array(self.themes, dtype=object)
        joined = ["; ".join(names[row == 1]) for row in labelled.to_numpy()]
        base["themes"] = base["unit_id"].map(dict(zip(labelled.index, joined))).fillna("")
        for t in self.themes:
            base[f"{t}_score"] = base["unit_id"].map(scores[t]).astype(float).round(4)
            base[f"{t}_label"] = base["unit_id"].map(labelled[t]).fillna(0).astype(int)


def quotes_frame(ws, gate: Disclosure, names: dict, unit_ids: list[str]) -> pd.DataFrame:
    """The stored quotes of those units (every status, with its version, score and themes); the
    text, edit and attribution through the disclosure gate, and only where a quote export would
    take the quote: not for a rejected quote, nor a held one (a hold flag no reviewer cleared by
    approving it: a risk, or consent matched by first name only), nor one whose unit lost its
    quote consent. Those rows keep their coding, with empty text."""
    rows = ws.conn.execute(
        "SELECT q.quote_id, q.unit_id, q.start, q.\"end\", COALESCE(q.suggested_text, q.text), q.edited_text,"
        " q.score, q.themes_json,"
        " q.status, q.version, q.attribution, u.speaker_key, u.file_id, q.flags_json,"
        " (u.consent = 1 AND q.status != 'rejected') AS shown"
        " FROM quotes q JOIN units u ON u.unit_id = q.unit_id"
        " WHERE q.unit_id IN (SELECT value FROM json_each(?)) ORDER BY u.file_id, u.position, q.start, q.quote_id",
        (_ids_json(unit_ids),)).fetchall()
    out = []
    for (qid, uid, start, end, text, edited, score, themes_json, status, version, attribution, speaker, fid,
         flags, shown) in rows:
        shown = bool(shown) and not is_held(flags, status)
        themes = "; ".join(str(t.get("theme")) for t in json.loads(themes_json or "[]") if t.get("theme"))
        out.append({
            "quote_id": qid, "unit_id": uid, "start": int(start), "end": int(end),
            "text": gate.text(text, fid) if shown else "",
            "edited_text": gate.text(edited, fid) if (shown and edited) else None,
            "score": float(score or 0.0), "themes": themes, "status": status, "version": int(version),
            "attribution": gate.text(attribution or "", fid) if shown else "", "speaker": gate.speaker(fid, speaker, uid),
            "document": names.get(fid, "source"),
        })
    return pd.DataFrame(out, columns=QUOTE_COLUMNS)
