"""Build the labelled quote set from ``_content_*.py``: five exports, a roster, a manifest, gold.

Run from anywhere: ``python corpus/labelled/quotes/build.py``. Deterministic: the
files it writes are committed, so the benchmark never has to run this.

Files written next to this script:

* ``fg_early_career_2024.vtt``         Zoom VTT ("Name: text" cues, long turns split into cues)
* ``fg_rre_2024-2025.vtt``             Teams VTT (``<v Name>text</v>`` cues)
* ``fg_regional_2023.txt``             Otter TXT ("Name  0:03", text, blank line)
* ``survey_mid_senior_2023.csv``       Qualtrics CSV (three header rows, UTF-8 with BOM)
* ``survey_prevention_leaders_2025.csv`` SurveyMonkey CSV (two header rows)
* ``roster.csv``, ``copquotes.yaml``
* ``gold.jsonl``: one line per marked quote: ``{"text", "file", "speaker_label", "consent",
  "publishable"}``; ``publishable`` is true for consented quotes, false for the strong
  quotes of people who did not consent (they must never be candidates).
"""
from __future__ import annotations

import csv
import io
import json
import random
import re
import sys
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _content_surveys import (EXTRA_QUALTRICS, EXTRA_SURVEYMONKEY, QUALTRICS,  # noqa: E402
                              QUALTRICS_QUESTIONS, SURVEYMONKEY, SURVEYMONKEY_QUESTIONS)
from _content_transcripts import EARLY_CAREER, REGIONAL, ROSTER, RRE  # noqa: E402

MARK = re.compile(r"\{\{([QN]):(.*?)\}\}", re.S)


def strip(text: str, file: str, label: str, gold: list) -> str:
    def sub(m):
        kind, quote = m.group(1), m.group(2).strip()
        gold.append({"text": quote, "file": file, "speaker_label": label, "consent": kind == "Q",
                     "publishable": kind == "Q"})
        return quote
    return MARK.sub(sub, text)


def _ts(seconds: float, vtt: bool = True) -> str:
    h, rem = divmod(int(seconds), 3600)
    m, s = divmod(rem, 60)
    ms = int(round((seconds - int(seconds)) * 1000))
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _cues(text: str, rng: random.Random) -> list[str]:
    """Split a long turn into caption-sized cues at sentence ends, as Zoom and Teams do."""
    sents = re.findall(r"[^.!?]+[.!?]*\s*", text)
    cues, cur = [], ""
    for s in sents:
        if cur and len((cur + s).split()) > rng.choice([18, 24, 30]):
            cues.append(cur.strip())
            cur = ""
        cur += s
    if cur.strip():
        cues.append(cur.strip())
    return cues or [text]


def zoom_vtt(turns, file, gold, rng) -> str:
    out, t, n = ["WEBVTT", ""], 2.0, 1
    for label, text in turns:
        for cue in _cues(strip(text, file, label, gold), rng):
            dur = 1.5 + 0.35 * len(cue.split())
            out += [str(n), f"{_ts(t)} --> {_ts(t + dur)}", f"{label}: {cue}", ""]
            t += dur + rng.uniform(0.2, 1.5)
            n += 1
    return "\n".join(out)


def teams_vtt(turns, file, gold, rng) -> str:
    out, t = ["WEBVTT", ""], 3.0
    conv = str(uuid.UUID(int=rng.getrandbits(128)))
    for i, (label, text) in enumerate(turns):
        for j, cue in enumerate(_cues(strip(text, file, label, gold), rng)):
            dur = 1.2 + 0.33 * len(cue.split())
            out += [f"{conv}/{i + 10}-{j}", f"{_ts(t)} --> {_ts(t + dur)}", f"<v {label}>{cue}</v>", ""]
            t += dur + rng.uniform(0.1, 1.0)
    return "\n".join(out)


def otter_txt(turns, file, gold, rng) -> str:
    out, t = [], 3
    for label, text in turns:
        clean = strip(text, file, label, gold)
        m, s = divmod(int(t), 60)
        out += [f"{label}  {m}:{s:02d}", clean, ""]
        t += 4 + 0.4 * len(clean.split()) + rng.uniform(0, 3)
    return "\n".join(out)


def qualtrics_csv(rows, file, gold, rng) -> str:
    ids = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished",
           "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName", "RecipientEmail",
           "ExternalReference", "LocationLatitude", "LocationLongitude", "DistributionChannel", "UserLanguage",
           "Q1", "Q2_1", "Q2_2", "Q3", "Q4", "Q5", "Q6", "Q7"]
    texts = ["Start Date", "End Date", "Response Type", "IP Address", "Progress", "Duration (in seconds)",
             "Finished", "Recorded Date", "Response ID", "Recipient Last Name", "Recipient First Name",
             "Recipient Email", "External Data Reference", "Location Latitude", "Location Longitude",
             "Distribution Channel", "User Language", "Which CoP group were you part of?",
             "How much do you agree with the following statements? - The CoP deepened my understanding of primary prevention",
             "How much do you agree with the following statements? - The CoP was time well spent",
             *QUALTRICS_QUESTIONS]
    imports = ['{"ImportId":"startDate","timeZone":"Australia/Melbourne"}',
               '{"ImportId":"endDate","timeZone":"Australia/Melbourne"}', '{"ImportId":"status"}',
               '{"ImportId":"ipAddress"}', '{"ImportId":"progress"}', '{"ImportId":"duration"}',
               '{"ImportId":"finished"}', '{"ImportId":"recordedDate","timeZone":"Australia/Melbourne"}',
               '{"ImportId":"_recordId"}', '{"ImportId":"recipientLastName"}', '{"ImportId":"recipientFirstName"}',
               '{"ImportId":"recipientEmail"}', '{"ImportId":"externalDataReference"}',
               '{"ImportId":"locationLatitude"}', '{"ImportId":"locationLongitude"}',
               '{"ImportId":"distributionChannel"}', '{"ImportId":"userLanguage"}', '{"ImportId":"QID1"}',
               '{"ImportId":"QID2_1"}', '{"ImportId":"QID2_2"}', '{"ImportId":"QID3_TEXT"}',
               '{"ImportId":"QID4_TEXT"}', '{"ImportId":"QID5_TEXT"}', '{"ImportId":"QID6_TEXT"}',
               '{"ImportId":"QID7"}']
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(ids)
    w.writerow(texts)
    w.writerow(imports)
    agree = ["Strongly agree", "Agree", "Somewhat agree", "Neither agree nor disagree", "Disagree"]
    for i, (name, email, a1, a2, a3, a4, consent) in enumerate(rows):
        first, last = name.split(" ", 1)
        day = 1 + i % 27
        start = f"2023-11-{day:02d} 09:{10 + i % 40:02d}:00"
        end = f"2023-11-{day:02d} 09:{20 + i % 30:02d}:00"
        label = f"respondent {i + 1}"
        cells = [strip(a, file, label, gold) for a in (a1, a2, a3, a4)]
        w.writerow([start, end, "IP Address", f"10.{i % 200}.{(i * 7) % 250}.{(i * 13) % 250}", "100",
                    str(300 + i * 17), "True", end, f"R_{uuid.UUID(int=rng.getrandbits(128)).hex[:15]}",
                    last, first, email, "", "-37.81", "144.96", "email", "EN", "Mid-Senior",
                    rng.choice(agree), rng.choice(agree), *cells, consent])
    return "\ufeff" + buf.getvalue()


def surveymonkey_csv(rows, file, gold, rng) -> str:
    head1 = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
             "First Name", "Last Name", "Custom Data 1", "The CoP has strengthened my connections in the sector",
             *SURVEYMONKEY_QUESTIONS]
    head2 = ["", "", "", "", "", "", "", "", "", "Response", "Open-Ended Response", "Open-Ended Response",
             "Open-Ended Response", "Response"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(head1)
    w.writerow(head2)
    for i, (first, last, email, a1, a2, a3, consent) in enumerate(rows):
        label = f"respondent {i + 1}"
        cells = [strip(a, file, label, gold) for a in (a1, a2, a3)]
        w.writerow([str(11400000000 + i * 7919), "431234567", f"03/{1 + i % 28:02d}/2025 10:02:11 AM",
                    f"03/{1 + i % 28:02d}/2025 10:09:40 AM", f"203.{i % 200}.1.{i % 250}", email, first, last, "",
                    rng.choice(["Strongly agree", "Agree", "Neutral"]), *cells, consent])
    return buf.getvalue()


MANIFEST = """\
# Labelled quote set for benchmarks/quotes.py (fictional people, written for copquotes).
rosters: [roster.csv]
exclude: ["gold.jsonl", "README.md", "*.py"]
files:
  fg_early_career_2024.vtt:
    source_kind: focus_group
    group: Early career
    year: "2024"
  fg_rre_2024-2025.vtt:
    source_kind: focus_group
    group: RRE
    year: 2024-2025
  fg_regional_2023.txt:
    source_kind: focus_group
    group: Regional and rural
    year: "2023"
  survey_mid_senior_2023.csv:
    source_kind: survey
    group: Mid-Senior
    year: "2023"
    open_questions: [Q3, Q4, Q5, Q6]
    consent_column: Q7
  survey_prevention_leaders_2025.csv:
    source_kind: survey
    group: Prevention leaders
    year: "2025"
    open_questions:
      - What has been the most valuable part of the CoP so far?
      - What difference, if any, has the CoP made to your work?
      - Anything else you would like to tell us?
    consent_column: May we quote your comments anonymously in our reports?
"""


def main() -> None:
    rng = random.Random(20240611)
    gold: list[dict] = []
    files = {
        "fg_early_career_2024.vtt": zoom_vtt(EARLY_CAREER, "fg_early_career_2024.vtt", gold, rng),
        "fg_rre_2024-2025.vtt": teams_vtt(RRE, "fg_rre_2024-2025.vtt", gold, rng),
        "fg_regional_2023.txt": otter_txt(REGIONAL, "fg_regional_2023.txt", gold, rng),
    }
    q_rows = QUALTRICS + EXTRA_QUALTRICS
    rng.shuffle(q_rows)
    files["survey_mid_senior_2023.csv"] = qualtrics_csv(q_rows, "survey_mid_senior_2023.csv", gold, rng)
    s_rows = SURVEYMONKEY + EXTRA_SURVEYMONKEY
    rng.shuffle(s_rows)
    files["survey_prevention_leaders_2025.csv"] = surveymonkey_csv(
        s_rows, "survey_prevention_leaders_2025.csv", gold, rng)
    for name, text in files.items():
        (HERE / name).write_text(text, encoding="utf-8", newline="")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["name", "role", "quote_consent", "aliases", "group"])
    for row in ROSTER:
        w.writerow(row)
    (HERE / "roster.csv").write_text(buf.getvalue(), encoding="utf-8")
    (HERE / "copquotes.yaml").write_text(MANIFEST, encoding="utf-8")
    with open(HERE / "gold.jsonl", "w", encoding="utf-8") as fh:
        for g in gold:
            fh.write(json.dumps(g, ensure_ascii=False) + "\n")
    # counts for the README
    n_units = 0
    for label, turns in (("ec", EARLY_CAREER), ("rre", RRE), ("reg", REGIONAL)):
        n_units += len(turns)
    for rows, k in ((q_rows, 4), (s_rows, 3)):
        for r in rows:
            n_units += sum(1 for a in r[-1 - k:-1] if a.strip())
    pub = sum(1 for g in gold if g["publishable"])
    print(f"wrote {len(files)} exports; {pub} publishable quotes, {len(gold) - pub} non-consented; "
          f"{n_units} turns/answers, {n_units - len(gold)} without a marked quote")


if __name__ == "__main__":
    main()
