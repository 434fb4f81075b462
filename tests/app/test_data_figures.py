"""The review app's topic pictures (copquotes/app/data.py ``figures``) go through the disclosure
layer: their topic labels are those ``Disclosure.aggregate`` shows (a word only units without
quote consent use withheld, a name masked), never the raw labels the pictures on disk may hold."""
from __future__ import annotations

from copquotes import topics
from copquotes.app import data
from copquotes.topics import Picture, save_figures

from .builders import SECRET, build_workspace, unit_id

TOPIC_PICTURES = ("topic_map.png", "topic_sizes.png")


def _workspace(tmp_path):
    ws = build_workspace(tmp_path / "ws")
    with ws.transaction() as c:    # a label with a word only speakers without consent used
        c.execute("UPDATE topic_info SET label = ? WHERE topic = 1", (f"1_together_{SECRET}",))
    return ws


def _raw_labels(ws) -> dict[int, str]:
    return {int(t): lab for t, lab in ws.conn.execute("SELECT topic, label FROM topic_info")}


def _on_disk(ws, pics) -> dict[str, bytes]:
    return {p.name: (ws.path / "figures" / p.name).read_bytes() for p in pics}


def test_pictures_drawn_with_raw_labels_are_never_shown(tmp_path):
    ws = _workspace(tmp_path)
    # pictures as the topics stage drew them before: raw labels, recorded as drawn
    save_figures(ws, ws.path / "figures", labels=_raw_labels(ws))
    shown = topics.shown_labels(ws)
    words = " ".join(shown.values())
    assert SECRET not in words and "okafor" not in words.lower()
    assert "[withheld]" in shown[1] and "[name]" in shown[0]
    pics = data.figures(ws)
    assert pics[0].name == "topic_map.png" and {p.name for p in pics} >= set(TOPIC_PICTURES)
    disk = _on_disk(ws, pics)
    assert all(p.png != disk[p.name] for p in pics if p.name in TOPIC_PICTURES)
    assert {p.name: p.png for p in pics} == {p.name: p.png for p in topics.pictures(ws, shown)}
    ws.close()


def test_the_stages_pictures_are_shown_while_their_labels_are_still_the_shown_ones(tmp_path):
    ws = _workspace(tmp_path)
    save_figures(ws, ws.path / "figures")            # the stage draws the shown labels
    pics = data.figures(ws)
    assert pics == [Picture(p.name, png) for p, png in zip(pics, _on_disk(ws, pics).values())]
    # a speaker withdraws consent: "reflect" (topic 2's label) is now said only without it
    with ws.transaction() as c:
        c.execute("UPDATE units SET consent = 0 WHERE unit_id = ?", (unit_id(6),))
    assert "[withheld]" in topics.shown_labels(ws)[2]
    again = data.figures(ws)
    disk = _on_disk(ws, again)
    assert all(p.png != disk[p.name] for p in again if p.name in TOPIC_PICTURES)
    ws.close()


def test_no_topics_no_pictures(tmp_path):
    ws = _workspace(tmp_path)
    with ws.transaction() as c:
        c.execute("DELETE FROM topic_info")
    assert data.figures(ws) == []
    ws.close()


def test_a_large_workspaces_stale_pictures_are_not_shown_nor_drawn_again(tmp_path, monkeypatch):
    ws = _workspace(tmp_path)
    save_figures(ws, ws.path / "figures", labels=_raw_labels(ws))    # drawn with raw labels
    monkeypatch.setattr(data, "REDRAW_MAX_UNITS", ws.n_units() - 1)   # this workspace counts as large
    drawn = []
    monkeypatch.setattr(topics, "pictures", lambda *a, **k: drawn.append(a) or [])
    assert data.figures(ws) == [] and drawn == []
    ws.close()
