"""Pictures of topics and themes: interactive HTML (plotly) and static PNG (matplotlib).

* a 2-D map of units coloured by topic, and the same map coloured by primary theme;
* topic sizes;
* theme prevalence by cohort (group) and year;
* topic shares over time (when there is more than one year or series).

HTML: one self-contained page, ``topics.html``, with plotly.js inside it (nothing is
fetched from a CDN; it opens offline). PNG: drawn by matplotlib's Agg canvas, no
browser and no global pyplot state. Hover texts carry ids, topics, themes and metadata,
never the participants' words.

The plotly figure builders (``topic_map_figure`` ...) are public so the app can show
them with ``st.plotly_chart``.

Topic labels are drawn as the disclosure layer shows them (:func:`shown_labels`:
``Disclosure.aggregate``, names masked, words only units without quote consent use
withheld), never raw: :func:`save_figures` of a workspace draws them so and records them in
``labels.json`` beside the pictures; the review app shows the PNGs only while those are
still the labels it would show, else draws them again in memory (:func:`pictures`).
"""
from __future__ import annotations

import html
import io
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping

import numpy as np
import pandas as pd

from ..disclosure import Disclosure
from ..workspace import atomic_write_bytes
from .tables import NONE, map_frame, read_workspace, theme_prevalence, topics_over_time

log = logging.getLogger(__name__)

_PALETTE = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf",
    "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#dbdb8d", "#9edae5",
    "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354", "#756bb1",
]
_GREY = "#c8c8c8"
MAX_LEGEND = 20          # topics named in a legend; the rest are "other topics"
# units drawn on the interactive map (topics.html): above it a seeded sample, each topic in
# proportion with at least MIN_MAP_POINTS of its units (a page of 200,000 points was 76 MB, slow
# to open, and building it took about 240 MB more than one of 50,000); the PNGs draw every unit
MAP_POINTS = 20_000
MIN_MAP_POINTS = 20
LABELS_FILE = "labels.json"   # the shown topic labels the PNGs beside it were drawn with
PNG_NAMES = ("topic_map.png", "theme_map.png", "topic_sizes.png", "theme_prevalence.png", "topics_over_time.png")


@dataclass(frozen=True)
class Picture:
    """A PNG picture held in memory: its file name (``topic_map.png`` ...) and bytes."""

    name: str
    png: bytes


def shown_labels(ws) -> dict[int, str]:
    """Every topic's label as the disclosure layer lets it out (``Disclosure.aggregate``)."""
    gate = Disclosure(ws)
    return {int(t): gate.aggregate(lab) or "" for t, lab in ws.conn.execute("SELECT topic, label FROM topic_info")}


def relabelled(frames: Mapping[str, pd.DataFrame], labels: Mapping[int, str]) -> dict[str, pd.DataFrame]:
    """``frames`` with ``topic_info``'s labels replaced by ``labels`` (a topic it lacks: no label)."""
    info = frames["topic_info"].copy()
    info["label"] = [labels.get(int(t), "") for t in info["topic"]]
    return {**frames, "topic_info": info}


def _colour(key, keys_in_order: list) -> str:
    if key in (-1, NONE, "outliers (no topic)"):
        return _GREY
    return _PALETTE[keys_in_order.index(key) % len(_PALETTE)] if key in keys_in_order else _GREY


def _topic_names(info: pd.DataFrame | None) -> dict[int, str]:
    if info is None or info.empty:
        return {}
    return {int(t): (f"{t}: {lab}" if t != -1 else "outliers") for t, lab in zip(info["topic"], info["label"])}


# ----------------------------------------------------------------------------- plotly
def map_sample(mf: pd.DataFrame, n: int = MAP_POINTS, seed: int = 0, key: str = "topic") -> pd.DataFrame:
    """``mf`` whole when it has at most ``n`` rows; else a seeded sample of about ``n`` of them,
    each group of ``key`` (the map's colours: ``"topic"`` or ``"theme"``) in proportion to its
    size with at least :data:`MIN_MAP_POINTS` rows (all of a smaller group), in ``mf``'s order.
    ``attrs["units"]``: how many units ``mf`` had; ``attrs["groups"]``: ``key``'s groups in the
    whole frame's order, so the sample's colours are the PNG's."""
    if len(mf) <= n:
        return mf
    share = n / len(mf)
    keep = []
    for _, g in mf.groupby(key, sort=True, dropna=False):
        k = min(len(g), max(MIN_MAP_POINTS, round(len(g) * share)))
        keep.append(g.sample(n=k, random_state=seed))
    out = pd.concat(keep).sort_index()
    out.attrs["units"] = len(mf)
    out.attrs["groups"] = {key: _ordered_groups(mf, key)}
    return out


def topic_map_figure(mf: pd.DataFrame, color: str = "topic", topic_info: pd.DataFrame | None = None):
    """Scatter of units on the 2-D map, coloured by ``"topic"`` or ``"theme"``; when ``mf`` is
    a sample (:func:`map_sample`), the title says of how many units."""
    import plotly.graph_objects as go

    names = _topic_names(topic_info)
    fig = go.Figure()
    key = "topic" if color == "topic" else "theme"
    groups = mf.attrs.get("groups", {}).get(key) or _ordered_groups(mf, key)
    Scatter = go.Scattergl if len(mf) > 3000 else go.Scatter
    for g in groups:
        d = mf[mf[key] == g]
        name = names.get(int(g), str(g)) if key == "topic" else str(g)
        hover = [
            f"{u}<br>topic {t}: {html.escape(str(lab))}<br>theme: {html.escape(str(th))}"
            f"<br>{html.escape(str(gr))} · {html.escape(str(yr))} · {html.escape(str(sk))}"
            for u, t, lab, th, gr, yr, sk in zip(d["unit_id"], d["topic"], d["topic_label"], d["theme"],
                                                 d.get("group", [""] * len(d)), d.get("year", [""] * len(d)),
                                                 d.get("source_kind", [""] * len(d)))
        ]
        fig.add_trace(Scatter(x=d["x"], y=d["y"], mode="markers", name=_short(name, 45),
                              marker=dict(size=5 if len(mf) > 2000 else 7, color=_colour(g, groups),
                                          opacity=0.75),
                              text=hover, hoverinfo="text"))
    title = f"Units on a 2-D map, coloured by {key}"
    if mf.attrs.get("units", len(mf)) > len(mf):
        title += f" (a sample of {len(mf):,} of the {mf.attrs['units']:,} units)"
    fig.update_layout(title=title, xaxis=dict(visible=False),
                      yaxis=dict(visible=False), legend=dict(itemsizing="constant"), template="plotly_white",
                      height=650)
    return fig


def topic_sizes_figure(topic_info: pd.DataFrame):
    import plotly.graph_objects as go

    d = topic_info[topic_info["topic"] != -1].sort_values("size")
    fig = go.Figure(go.Bar(x=d["size"], y=[_short(f"{t}: {lab}", 50) for t, lab in zip(d["topic"], d["label"])],
                           orientation="h", marker_color="#1f77b4"))
    out = topic_info.loc[topic_info["topic"] == -1, "size"]
    sub = f" ({int(out.iloc[0])} units in no topic)" if len(out) else ""
    fig.update_layout(title="Topic sizes (units)" + sub, template="plotly_white",
                      height=max(350, 22 * len(d) + 120), margin=dict(l=320))
    return fig


def theme_prevalence_figure(prev: pd.DataFrame):
    """Heatmap: share of units carrying each theme, per cohort and year."""
    import plotly.graph_objects as go

    piv, cols = _prevalence_pivot(prev)
    fig = go.Figure(go.Heatmap(z=piv.values, x=cols, y=list(piv.index), colorscale="Blues", zmin=0,
                               zmax=max(0.01, float(np.nanmax(piv.values)) if piv.size else 1),
                               text=[[f"{v:.0%}" for v in row] for row in piv.values], texttemplate="%{text}",
                               hovertemplate="%{y} · %{x}: %{z:.0%}<extra></extra>"))
    fig.update_layout(title="Theme prevalence by cohort and year (share of units)", template="plotly_white",
                      height=max(350, 40 * len(piv) + 150))
    return fig


def topics_over_time_figure(tot: pd.DataFrame, period: str = "year", top: int = 10):
    import plotly.graph_objects as go

    d = tot[tot["topic"] != -1]
    keep = d.groupby("topic")["units"].sum().sort_values(ascending=False).index[:top]
    fig = go.Figure()
    for t in keep:
        dt = d[d["topic"] == t]
        fig.add_trace(go.Scatter(x=dt[period].astype(str), y=dt["share"], mode="lines+markers",
                                 name=_short(f"{t}: {dt['label'].iloc[0]}", 45)))
    fig.update_layout(title=f"Topic shares by {period} (top {len(keep)} topics)", yaxis_tickformat=".0%",
                      template="plotly_white", height=500)
    return fig


# ----------------------------------------------------------------------------- matplotlib
def _mpl_figure(w=10.0, h=7.0):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(w, h), dpi=110)
    FigureCanvasAgg(fig)
    return fig


def _png_map(mf: pd.DataFrame, key: str, topic_info):
    fig = _mpl_figure(10, 7.5)
    ax = fig.add_subplot(111)
    groups = _ordered_groups(mf, key)
    names = _topic_names(topic_info)
    size = 4 if len(mf) > 5000 else (8 if len(mf) > 1000 else 14)
    for g in reversed(groups):
        d = mf[mf[key] == g]
        label = names.get(int(g), str(g)) if key == "topic" else str(g)
        ax.scatter(d["x"], d["y"], s=size, c=_colour(g, groups), alpha=0.75, linewidths=0,
                   label=_short(label, 40) if groups.index(g) < MAX_LEGEND else None)
    if key == "topic":   # topic numbers at their centres
        for g in groups[:MAX_LEGEND]:
            if g == -1:
                continue
            d = mf[mf["topic"] == g]
            ax.annotate(str(g), (d["x"].median(), d["y"].median()), fontsize=8, weight="bold", ha="center")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(f"Units on a 2-D map, coloured by {key}")
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        order = np.argsort([groups.index(_parse_key(lb, key, groups)) for lb in labels])
        ax.legend([handles[i] for i in order], [labels[i] for i in order], fontsize=7, markerscale=2,
                  loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    fig.tight_layout()
    return fig


def _png_sizes(info: pd.DataFrame):
    d = info[info["topic"] != -1].sort_values("size")
    fig = _mpl_figure(10, max(3.0, 0.28 * len(d) + 1.2))
    ax = fig.add_subplot(111)
    ax.barh([_short(f"{t}: {lab}", 50) for t, lab in zip(d["topic"], d["label"])], d["size"], color="#1f77b4")
    ax.set_xlabel("units")
    ax.tick_params(axis="y", labelsize=7)
    out = info.loc[info["topic"] == -1, "size"]
    ax.set_title("Topic sizes" + (f" ({int(out.iloc[0])} units in no topic)" if len(out) else ""))
    fig.tight_layout()
    return fig


def _png_prevalence(prev: pd.DataFrame):
    piv, cols = _prevalence_pivot(prev)
    fig = _mpl_figure(max(6.0, 0.9 * len(cols) + 3), max(3.0, 0.45 * len(piv) + 1.8))
    ax = fig.add_subplot(111)
    vmax = max(0.01, float(np.nanmax(piv.values))) if piv.size else 1
    im = ax.imshow(piv.values, cmap="Blues", vmin=0, vmax=vmax, aspect="auto")
    ax.set_xticks(range(len(cols)))
    ax.set_xticklabels(cols, rotation=35, ha="right", fontsize=8)
    ax.set_yticks(range(len(piv)))
    ax.set_yticklabels(list(piv.index), fontsize=8)
    for i in range(piv.shape[0]):
        for j in range(piv.shape[1]):
            v = piv.values[i, j]
            ax.text(j, i, f"{v:.0%}", ha="center", va="center", fontsize=7,
                    color="white" if v > 0.6 * vmax else "black")
    fig.colorbar(im, ax=ax, fraction=0.03, format=lambda x, _: f"{x:.0%}")
    ax.set_title("Theme prevalence by cohort and year (share of units)")
    fig.tight_layout()
    return fig


def _png_over_time(tot: pd.DataFrame, period: str = "year", top: int = 10):
    d = tot[tot["topic"] != -1]
    keep = d.groupby("topic")["units"].sum().sort_values(ascending=False).index[:top]
    fig = _mpl_figure(10, 5.5)
    ax = fig.add_subplot(111)
    for i, t in enumerate(keep):
        dt = d[d["topic"] == t]
        ax.plot(dt[period].astype(str), dt["share"], marker="o", color=_PALETTE[i % len(_PALETTE)],
                label=_short(f"{t}: {dt['label'].iloc[0]}", 40))
    ax.yaxis.set_major_formatter(lambda x, _: f"{x:.0%}")
    ax.set_title(f"Topic shares by {period} (top {len(keep)} topics)")
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------- saving
def build_frames(frames: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The frames the pictures draw, from ``units``, ``unit_topics``, ``topic_info``, ``unit_themes``
    (and ``themes``, every theme's name, when ``unit_themes`` holds the labelled rows only)."""
    units, ut, info = frames["units"], frames["unit_topics"], frames["topic_info"]
    th = frames.get("unit_themes")
    out = {"topic_info": info}
    out["map"] = map_frame(units, ut, th, topic_labels=info) if not ut.empty else pd.DataFrame()
    if th is not None and (len(th) or frames.get("themes")):
        out["theme_prevalence"] = theme_prevalence(units, th, ("group", "year"), themes=frames.get("themes"))
    if not ut.empty:
        out["topics_over_time"] = topics_over_time(units, ut, "year", topic_labels=info)
    return out


def _drawings(f: Mapping[str, pd.DataFrame]) -> Iterator[tuple[str, object]]:
    """``(file name, matplotlib figure)`` of each PNG picture of :func:`build_frames`' ``f``,
    one at a time; pictures without data (no themes yet; a single year) are left out."""
    mf, info = f["map"], f["topic_info"]
    if not mf.empty:
        yield "topic_map.png", _png_map(mf, "topic", info)
        if (mf["theme"] != NONE).any():
            yield "theme_map.png", _png_map(mf, "theme", info)
    if not info.empty:
        yield "topic_sizes.png", _png_sizes(info)
    prev = f.get("theme_prevalence")
    if prev is not None and not prev.empty:
        yield "theme_prevalence.png", _png_prevalence(prev)
    tot = f.get("topics_over_time")
    if tot is not None and not tot.empty and tot["year"].nunique() > 1:
        yield "topics_over_time.png", _png_over_time(tot)


def _page_figures(f: Mapping[str, pd.DataFrame]) -> Iterator:
    """The plotly figures of ``topics.html``, in the PNGs' order."""
    mf, info = f["map"], f["topic_info"]
    if not mf.empty:
        yield topic_map_figure(map_sample(mf, key="topic"), "topic", info)
        if (mf["theme"] != NONE).any():
            yield topic_map_figure(map_sample(mf, key="theme"), "theme", info)
    if not info.empty:
        yield topic_sizes_figure(info)
    prev = f.get("theme_prevalence")
    if prev is not None and not prev.empty:
        yield theme_prevalence_figure(prev)
    tot = f.get("topics_over_time")
    if tot is not None and not tot.empty and tot["year"].nunique() > 1:
        yield topics_over_time_figure(tot)


def pictures(ws, labels: Mapping[int, str]) -> list[Picture]:
    """The PNG pictures of workspace ``ws`` drawn in memory with the topic labels ``labels``
    (:func:`shown_labels`), as :func:`save_figures` draws them."""
    f = build_frames(relabelled(read_workspace(ws, lean=True), labels))
    return [Picture(name, _png_bytes(fig)) for name, fig in _drawings(f)]


def stored_pictures(out_dir, labels: Mapping[int, str]) -> list[Picture] | None:
    """The PNGs :func:`save_figures` wrote to ``out_dir`` when it drew them with ``labels``
    (its ``labels.json`` says so), else None (drawn with other labels, or not recorded)."""
    if _drawn_labels(out_dir) != dict(labels):
        return None
    got = [Picture(name, (Path(out_dir) / name).read_bytes()) for name in PNG_NAMES if (Path(out_dir) / name).is_file()]
    return got if _drawn_labels(out_dir) == dict(labels) else None     # not rewritten meanwhile


def _drawn_labels(out_dir) -> dict[int, str] | None:
    """The topic labels the PNGs in ``out_dir`` were drawn with (``labels.json``); None when
    not recorded (pictures from before it was, or a run that stopped while drawing)."""
    try:
        got = json.loads((Path(out_dir) / LABELS_FILE).read_text(encoding="utf-8"))
        return {int(t): str(lab) for t, lab in got["labels"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def save_figures(ws_or_frames, out_dir, labels: Mapping[int, str] | None = None) -> list[Path]:
    """Write the pictures to ``out_dir``: ``topics.html`` (interactive) and one PNG per picture.

    ``ws_or_frames``: a :class:`~copquotes.workspace.Workspace` (after the topics stage)
    or a mapping with ``units``, ``unit_topics``, ``topic_info`` and optionally
    ``unit_themes`` (as :func:`~copquotes.topics.tables.read_workspace` returns).
    ``labels``: the topic labels to draw; of a workspace, by default those the disclosure
    layer shows (:func:`shown_labels`), recorded in ``labels.json`` once every picture is
    written. Pictures without data (no themes yet; a single year) are left out. Returns the paths.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if isinstance(ws_or_frames, Mapping):
        frames = ws_or_frames
    else:
        frames = read_workspace(ws_or_frames, lean=True)
        labels = shown_labels(ws_or_frames) if labels is None else labels
    if labels is not None:
        frames = relabelled(frames, labels)
    (out / LABELS_FILE).unlink(missing_ok=True)      # until every picture is the new one
    f = build_frames(frames)
    written: list[Path] = []
    page = _Page(out / "topics.html")
    try:
        for fig in _page_figures(f):
            page.add(fig)
        for name, fig in _drawings(f):
            _save_png(fig, out / name)
            written.append(out / name)
        html_path = page.close()
    finally:
        page.discard()
    if html_path is not None:
        written.insert(0, html_path)
    if labels is not None:
        atomic_write_bytes(out / LABELS_FILE, json.dumps({"labels": {str(t): lab for t, lab in labels.items()}},
                                                         ensure_ascii=False).encode("utf-8"))
    log.debug("wrote %d topic figures to %s", len(written), out)
    return written


class _Page:
    """``topics.html``, one self-contained page (plotly.js inline once, no CDN, no MathJax),
    written figure by figure to a temporary file that :meth:`close` renames into place: one
    figure's HTML is held at a time; a crash leaves the previous page."""

    _HEAD = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>copquotes topics</title>"
             "<style>body{font-family:sans-serif;margin:1em 2em} .fig{margin-bottom:2em}</style></head><body>"
             "<h1>Topics and themes</h1>")

    def __init__(self, path: Path):
        self.path = Path(path)
        self.tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        self.fh = None
        self.n = 0

    def add(self, fig) -> None:
        if self.fh is None:
            self.fh = open(self.tmp, "w", encoding="utf-8", newline="")
            self.fh.write(self._HEAD)
        part = fig.to_html(full_html=False, include_plotlyjs=(self.n == 0), include_mathjax=False,
                           config={"displaylogo": False, "responsive": True})
        self.fh.write(f'<div class="fig">{part}</div>')
        self.n += 1

    def close(self) -> Path | None:
        """The page's path once it is in place; None when no figure was added."""
        if self.fh is None:
            return None
        self.fh.write("</body></html>\n")
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()
        self.fh = None
        os.replace(self.tmp, self.path)
        return self.path

    def discard(self) -> None:
        """Remove the temporary file of a page that was not closed."""
        if self.fh is not None:
            self.fh.close()
            self.fh = None
            self.tmp.unlink(missing_ok=True)


def _png_bytes(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _save_png(fig, path: Path) -> None:
    """A crash while saving leaves the previous picture (temp file + rename), never half a file."""
    atomic_write_bytes(path, _png_bytes(fig))


# ----------------------------------------------------------------------------- helpers
def _ordered_groups(mf: pd.DataFrame, key: str) -> list:
    counts = mf[key].value_counts()
    if key == "topic":
        return sorted(counts.index, key=lambda t: (t == -1, t))
    return sorted(counts.index, key=lambda g: (g == NONE, -counts[g], str(g)))


def _parse_key(label: str, key: str, groups: list):
    if key == "topic":
        head = label.split(":", 1)[0]
        if head == "outliers":
            return -1
        try:
            return int(head)
        except ValueError:
            return groups[-1]
    for g in groups:
        if _short(str(g), 40) == label:
            return g
    return groups[-1]


def _prevalence_pivot(prev: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    prev = prev.copy()
    prev["column"] = [f"{g} · {y}" for g, y in zip(prev["group"], prev["year"])] if "year" in prev else prev["group"]
    cols = list(dict.fromkeys(prev["column"]))
    piv = prev.pivot_table(index="theme", columns="column", values="share", aggfunc="first", sort=False)
    piv = piv.reindex(columns=cols)
    return piv.fillna(0.0), cols


def _short(s: str, n: int) -> str:
    s = str(s)
    return s if len(s) <= n else s[: n - 1] + "…"
