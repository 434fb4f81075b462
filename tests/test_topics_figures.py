"""The topic pictures draw topic labels as the disclosure layer shows them
(copquotes/topics/figures.py): the stage's ``topics.html`` and PNGs, and the PNGs drawn in
memory for the review app."""
from __future__ import annotations

import json

from matplotlib.text import Text

from app.builders import SECRET, build_workspace
from copquotes.topics import figures, read_workspace, save_figures, shown_labels


def _workspace(tmp_path):
    ws = build_workspace(tmp_path / "ws")
    with ws.transaction() as c:    # a label with a word only speakers without consent used
        c.execute("UPDATE topic_info SET label = ? WHERE topic = 1", (f"1_together_{SECRET}",))
    return ws


def test_pictures_draw_the_labels_they_are_given_never_the_stored_ones(tmp_path):
    ws = _workspace(tmp_path)
    labels = {0: "0_first_shown", 1: "1_second_shown", 2: "2_third_shown"}
    f = figures.build_frames(figures.relabelled(read_workspace(ws, lean=True), labels))
    drawn = {name: " ".join(t.get_text() for t in fig.findobj(Text)) for name, fig in figures._drawings(f)}
    assert "second_shown" in drawn["topic_map.png"] and "third_shown" in drawn["topic_sizes.png"]
    every = " ".join(drawn.values()).lower()
    assert SECRET not in every and "okafor" not in every and "walk" not in every
    ws.close()


def test_the_stage_draws_and_records_the_labels_the_disclosure_layer_shows(tmp_path):
    ws = _workspace(tmp_path)
    out = ws.path / "figures"
    save_figures(ws, out)
    shown = shown_labels(ws)
    assert "[withheld]" in shown[1] and "[name]" in shown[0]
    page = (out / "topics.html").read_text(encoding="utf-8")
    assert SECRET not in page and "okafor" not in page.lower() and "[withheld]" in page
    recorded = json.loads((out / figures.LABELS_FILE).read_text(encoding="utf-8"))["labels"]
    assert {int(t): lab for t, lab in recorded.items()} == shown
    assert figures.stored_pictures(out, shown) and figures.stored_pictures(out, {**shown, 1: "other"}) is None
    ws.close()
