"""Coded segments exported from NVivo, MAXQDA, Dedoose and ATLAS.ti (written as those tools write
them): each coded segment is one unit, its document the source (a pseudonymous key; the name an
identifier, never text or metadata), its codes metadata, never an open question; the same segment
coded twice is one unit."""
from __future__ import annotations

import pytest

from copquotes.ingest import detect_format

from .builders import csv_bytes, units_of

RANG = "I rang two people from here when our program was cancelled, and it helped."
ONLY = "Being the only prevention worker in my organisation is isolating, and this group has been my lifeline."
NAME = "I name my own assumptions before I run a session with students now."

NVIVO = f"""Name: Nodes\\\\Peer support

<Files\\\\Interviews\\\\Interview - Helen Park> - § 2 references coded  [4.12% Coverage]

Reference 1 - 2.34% Coverage

{RANG}

Reference 2 - 1.78% Coverage

{ONLY[:51]}
{ONLY[52:]}

<Files\\\\Interviews\\\\Interview P09> - § 1 reference coded  [1.02% Coverage]

Reference 1 - 1.02% Coverage

{NAME}

Name: Nodes\\\\Isolation

<Files\\\\Interviews\\\\Interview - Helen Park> - § 1 reference coded  [1.23% Coverage]

Reference 1 - 1.23% Coverage

{ONLY}
"""

CODING_SUMMARY = f"""Coding Summary By Node
Early career CoP evaluation
11/06/2024 3:12 PM

Node
Nodes\\\\Peer support
Document
Files\\\\Interview - Helen Park
Reference 1 - 2.34% Coverage
{RANG}
Reference 2 - 1.78% Coverage
{ONLY}
Document
Files\\\\Interview P09
Reference 1 - 1.02% Coverage
{NAME}

Node
Nodes\\\\Isolation
Document
Files\\\\Interview - Helen Park
Reference 1 - 1.23% Coverage
{ONLY}
"""

MAXQDA = [["Color", "Document group", "Document name", "Code", "Segment", "Beginning", "End", "Comment",
           "Modified by", "Modified", "Created by", "Created", "Area", "Coverage %"],
          ["#ff0000", "Interviews 2024", "Interview - Helen Park", "Peer support", RANG, "12", "12", "strong quote",
           "HW", "03/05/2024 10:02", "HW", "03/05/2024 10:02", "81", "3.10"],
          ["#ff0000", "Interviews 2024", "Interview - Helen Park", "Peer support", ONLY, "14", "15", "",
           "HW", "03/05/2024 10:04", "HW", "03/05/2024 10:04", "102", "3.90"],
          ["#00ff00", "Interviews 2024", "Interview P09", "Practice change", NAME, "4", "5", "",
           "HW", "03/05/2024 10:09", "HW", "03/05/2024 10:09", "66", "2.00"],
          ["#0000ff", "Interviews 2024", "Interview - Helen Park", "Isolation", ONLY, "14", "15", "",
           "HW", "03/05/2024 10:11", "HW", "03/05/2024 10:11", "102", "3.90"]]
EXPECTED_MAXQDA = [("S1", RANG, ("Peer support",)), ("S1", ONLY, ("Peer support", "Isolation")),
                   ("S2", NAME, ("Practice change",))]
EXPECTED_NVIVO = EXPECTED_MAXQDA[:2] + [("S2", NAME, ("Peer support",))]

DEDOOSE = [["Media Title", "Excerpt Range", "Excerpt Creator", "Excerpt Date", "Resource Creator", "Resource Date",
            "Excerpt Copy", "Peer support", "Isolation", "Practice change"],
           ["Interview - Helen Park", "120-245", "hwhitcombe", "5/3/2024", "hwhitcombe", "5/1/2024", RANG,
            "True", "False", "False"],
           ["Interview - Helen Park", "300-402", "hwhitcombe", "5/3/2024", "hwhitcombe", "5/1/2024", ONLY,
            "True", "True", "False"],
           ["Interview P09", "40-120", "hwhitcombe", "5/3/2024", "hwhitcombe", "5/1/2024", NAME,
            "False", "False", "True"]]

DEDOOSE_COMBINED = [["Media Title", "Excerpt Range", "Excerpt Copy", "Codes Applied Combined"],
                    ["Interview - Helen Park", "120-245", RANG, "Peer support"],
                    ["Interview - Helen Park", "300-402", ONLY, "Peer support; Isolation"],
                    ["Interview P09", "40-120", NAME, "Practice change"]]

ATLAS = [["ID", "Quotation Name", "Document", "Quotation Content", "Codes", "Number of Codes", "Comment",
          "Reference", "Density", "Created by", "Created"],
         ["1:1", "I rang two people", "Interview - Helen Park", RANG, "Peer support", "1", "", "12:0 @ 12:76", "0",
          "H. Whitcombe", "3/05/2024 10:02:00"],
         ["1:2", "Being the only", "Interview - Helen Park", ONLY, "Peer support\nIsolation", "2", "", "14:0 @ 15:40",
          "0", "H. Whitcombe", "3/05/2024 10:04:00"],
         ["2:1", "I name my own", "Interview P09", NAME, "Practice change", "1", "", "4:0 @ 5:12", "0",
          "H. Whitcombe", "3/05/2024 10:09:00"]]


def _xlsx(path, rows, title="Coded segments"):
    """The segments on the second sheet: the workbook opens on the code system someone kept beside them."""
    import openpyxl

    wb = openpyxl.Workbook()
    codes = wb.active
    codes.title = "Code system"
    for r in (["Code", "Segments"], ["Peer support", 2], ["Isolation", 1]):
        codes.append(r)
    ws = wb.create_sheet(title)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def _nvivo_docx(path, text):
    import docx

    d = docx.Document()
    for line in text.split("\n\n"):
        d.add_paragraph(line.replace("\n", " ").strip())
    d.save(path)
    return path


def _write(tmp_path, name, content):
    p = tmp_path / name
    if name.endswith(".xlsx"):
        return _xlsx(p, content)
    if name.endswith(".docx"):
        return _nvivo_docx(p, content)
    p.write_bytes(csv_bytes(content) if isinstance(content, list) else content.encode("utf-8"))
    return p


@pytest.mark.parametrize("name,content,fmt,expected", [
    ("peer_support_nodes.txt", NVIVO, "nvivo_txt", EXPECTED_NVIVO),
    ("Coding Summary By Node.txt", CODING_SUMMARY, "nvivo_txt", EXPECTED_NVIVO),
    ("peer_support_nodes.docx", NVIVO, "nvivo_docx", EXPECTED_NVIVO),
    ("Coded segments.csv", MAXQDA, "coded_csv", EXPECTED_MAXQDA),
    ("Coded segments.xlsx", MAXQDA, "coded_xlsx", EXPECTED_MAXQDA),
    ("excerpts.csv", DEDOOSE, "coded_csv", EXPECTED_MAXQDA),
    ("excerpts_combined.csv", DEDOOSE_COMBINED, "coded_csv", EXPECTED_MAXQDA),
    ("quotations.xlsx", ATLAS, "coded_xlsx", EXPECTED_MAXQDA),
])
def test_coded_segments_are_units_with_their_document_and_codes(tmp_path, name, content, fmt, expected):
    p = _write(tmp_path, name, content)
    assert detect_format(p) == fmt
    _, r, units = units_of(p)
    got = [(u.speaker_key, u.text, dict(u.extra).get("codes")) for u in units]
    assert got == expected                                         # the segment coded twice is one unit
    assert {u.question for u in units} == {None} and {u.speaker_role for u in units} == {"unknown"}
    assert {u.consent for u in units} == {None}                    # nobody's consent is known
    for u in units:                                                # the document's name never travels with a unit
        assert "Helen" not in f"{u.text} {u.locator} {u.extra} {u.speaker_key} {u.group} {u.year}"
    person = [i for i in r.identifiers if i.kind == "person"]
    assert [(i.value, i.source) for i in person] == [("Helen Park", "document_name")]
    assert "Interview - Helen Park" in {i.value for i in r.identifiers}
    assert not {"Interview", "P09", "2024"} & {a for i in r.identifiers for a in (i.value, *i.aliases)}


def test_the_files_consent_and_kind_apply_to_every_segment(tmp_path):
    p = _write(tmp_path, "Coded segments.csv", MAXQDA)
    _, r, units = units_of(p, consent="yes", source_kind="interview", group="Early career")
    assert {(u.consent, u.source_kind, u.group) for u in units} == {(True, "interview", "Early career")}
    assert r.meta["codes_found"] == ["Isolation", "Peer support", "Practice change"]


@pytest.mark.parametrize("rows", [
    # a survey whose answers someone coded by hand: no document column, so still a survey
    [["ID", "Code", "Label", "What could be improved?"],
     ["1", "ee", "Environment", "The room was cold and the car park was full every time."],
     ["2", "ap", "Access", "Sessions after school finish would let more of us come."]],
    # a survey asking about a document: no coded-segment column, so still a survey
    [["ID", "Document", "What did you think of it?"],
     ["1", "Framework", "Useful, though long; the examples were what I used most."],
     ["2", "Toolkit", "I printed the scripts and keep them on my desk."]],
])
def test_surveys_with_a_code_or_document_column_stay_surveys(tmp_path, rows):
    p = _write(tmp_path, "responses.csv", rows)
    fmt, _, units = units_of(p)
    assert fmt == "plain_csv" and len(units) == 2 and all(u.question for u in units)
