"""How far a reader can narrow a hidden count of a two-way table from what is published.

The reader of a table (rows by columns, each cell a count of people) sees the shown counts, knows
a hidden count is 1 or more (a 0 always reads "none") and knows some totals of its rows and
columns: a total a line adds up to (``"="``), at most (``"<="``) or at least (``">="``), and a
largest possible count per cell (``caps``: a topic's people bound each count of its row). Every
value of the hidden counts that agrees with all of it is *feasible*; a hidden count's feasible
interval is its smallest and largest feasible value (linear programming: :func:`intervals`).

A small count (1 to ``threshold - 1``) is **protected** when its interval reaches from 1 up to at
least ``threshold``: the reader cannot tell it from a count of 1, nor tell that it is small at all
(docs/disclosure.md, "Small cells"). Where the published totals alone narrow it (a line that adds
up to 3 holds no count above 3), the table cannot do better than hiding every count: the interval
it must reach is then the one it has with every nonzero count hidden. The readers (:func:`readers`)
differ in what they know of the lines; each must find every small count protected.

:func:`unprotected` decides this fast enough for the app: on a two-way table the linear programme
is a network flow (each cell is in one row and one column), so a count's largest and smallest
feasible value are its value plus or minus a maximum flow (integral: no rounding), the same
bounds :func:`intervals` finds with :func:`scipy.optimize.linprog`. :func:`protect` hides more
counts until :func:`unprotected` finds none.
"""
from __future__ import annotations

import math

import numpy as np

SAME, AT_MOST, AT_LEAST = "=", "<=", ">="


def exact_totals(counts: dict) -> tuple[dict, dict]:
    """Every row and every column adds up to a known total (the most a reader can know of them):
    ``(rows, columns)``, each line -> ``("=", its sum)``."""
    rows: dict = {}
    cols: dict = {}
    for (r, c), n in counts.items():
        rows[r] = rows.get(r, 0) + int(n)
        cols[c] = cols.get(c, 0) + int(n)
    return {r: (SAME, n) for r, n in rows.items()}, {c: (SAME, n) for c, n in cols.items()}


def intervals(counts: dict, hidden, rows: dict | None = None, cols: dict | None = None,
              caps: dict | None = None) -> dict:
    """Each hidden cell's feasible interval ``(low, high)`` by linear programming (``high`` is
    ``math.inf`` when nothing bounds it). ``counts``: ``(row, column)`` -> the true count;
    ``hidden``: the cells a reader does not see; ``rows`` / ``cols``: line -> ``(relation, total)``
    for the totals the reader knows; ``caps``: cell -> the largest count it can hold."""
    from scipy.optimize import linprog      # (not at import: every channel imports the disclosure layer)

    hidden = sorted(hidden, key=str)
    caps = caps or {}
    index = {c: k for k, c in enumerate(hidden)}
    a_ub, b_ub, a_eq, b_eq = [], [], [], []
    for axis, lines in ((0, rows or {}), (1, cols or {})):
        for key, (rel, total) in lines.items():
            row = np.zeros(len(hidden))
            rest = total
            for cell, n in counts.items():
                if cell[axis] == key:
                    if cell in index:
                        row[index[cell]] = 1.0
                    else:
                        rest -= n
            if rel == SAME:
                a_eq.append(row), b_eq.append(rest)
            elif rel == AT_MOST:
                a_ub.append(row), b_ub.append(rest)
            elif rel == AT_LEAST:
                a_ub.append(-row), b_ub.append(-rest)
            else:
                raise ValueError(f"relation must be '=', '<=' or '>=', not {rel!r}")
    bounds = [(1, caps.get(c)) for c in hidden]
    kw = dict(A_ub=np.array(a_ub) if a_ub else None, b_ub=b_ub or None, A_eq=np.array(a_eq) if a_eq else None,
              b_eq=b_eq or None, bounds=bounds, method="highs")
    out = {}
    for cell, k in index.items():
        objective = np.zeros(len(hidden))
        objective[k] = 1.0
        low = linprog(objective, **kw)
        high = linprog(-objective, **kw)
        if low.status != 0 and low.status != 3:
            raise ValueError(f"no table agrees with these totals ({low.message})")
        hi = math.inf if high.status == 3 else math.floor(-high.fun + 1e-6)
        out[cell] = (math.ceil(low.fun - 1e-6), hi)
    return out


class TableFlows:
    """The feasible interval of a hidden count as a flow, for one table and what its reader knows
    (the arguments of :func:`intervals`). Nodes: the rows, the columns and one node for the totals;
    a hidden cell is an arc row -> column (room: up to its cap) paired with column -> row (room:
    down to 1); a line's total is an arc pair between its line and the totals node (as far as its
    relation lets the line's sum rise or fall). A count rises by the flow that can go round from its
    column back to its row without it, and falls by the flow from its row to its column. Only flows
    up to what protection needs are pushed (a few units), by depth-first augmenting paths: a few
    hundred microseconds a cell where a general maximum flow costs a millisecond."""

    def __init__(self, counts: dict, rows: dict | None = None, cols: dict | None = None,
                 caps: dict | None = None):
        self.counts = {c: int(n) for c, n in counts.items()}
        self.caps = {c: max(int(top), self.counts.get(c, 0)) for c, top in (caps or {}).items()}
        row_keys = sorted({c[0] for c in counts}, key=str)
        col_keys = sorted({c[1] for c in counts}, key=str)
        self.node = {("r", k): i for i, k in enumerate(row_keys)}
        self.node.update({("c", k): len(row_keys) + i for i, k in enumerate(col_keys)})
        self.hub = len(self.node)
        totals = [t for lines in (rows or {}, cols or {}) for _, t in lines.values()]
        self.big = 2 * sum(self.counts.values()) + 2 * sum(abs(int(t)) for t in totals) + 10   # "no limit"
        self.adj: list[list[tuple[int, int]]] = [[] for _ in range(self.hub + 1)]
        self._room: list[int] = []      # the rooms with every count shown (only totals that let a line move)
        self._cell_room: dict = {}      # cell -> its arc, and its rooms when hidden
        for axis, tag, lines in ((0, "r", rows or {}), (1, "c", cols or {})):
            sums: dict = {}
            for cell, n in self.counts.items():
                sums[cell[axis]] = sums.get(cell[axis], 0) + n
            for key, s in sums.items():
                rel, total = lines.get(key, (None, 0))
                if rel not in (None, SAME, AT_MOST, AT_LEAST):
                    raise ValueError(f"relation must be '=', '<=' or '>=', not {rel!r}")
                rise = 0 if rel == SAME else max(0, int(total) - s) if rel == AT_MOST else self.big
                fall = 0 if rel == SAME else max(0, s - int(total)) if rel == AT_LEAST else self.big
                node = self.node[(tag, key)]
                if rise or fall:        # a row's sum rises along hub -> row, a column's along column -> hub
                    self._arc(*((self.hub, node) if tag == "r" else (node, self.hub)), rise, fall)
        for cell in sorted(self.counts, key=str):
            n = self.counts[cell]
            there, back = max(0, self.caps.get(cell, self.big) - n), max(0, n - 1)
            if n and (there or back):       # a shown count, or one that cannot move, has no room
                k = self._arc(self.node[("r", cell[0])], self.node[("c", cell[1])], 0, 0)
                self._cell_room[cell] = (k, there, back)
        self.where = {c: k for c, (k, _, _) in self._cell_room.items()}
        self._all = None
        self._widest: dict = {}

    def _arc(self, a: int, b: int, there: int, back: int) -> int:
        k = len(self._room)
        self.adj[a].append((b, k))
        self.adj[b].append((a, k + 1))
        self._room.extend((there, back))
        return k

    def graph(self, hidden, room: list | None = None) -> tuple[list, list, dict]:
        """The flow network with ``hidden`` hidden (besides those of ``room``, a graph's rooms):
        ``(arcs per node, rooms, cell -> its arc)``; arc ``k``'s way back is ``k ^ 1``."""
        room = list(self._room if room is None else room)
        for cell in hidden:
            if cell in self._cell_room:
                k, there, back = self._cell_room[cell]
                room[k], room[k + 1] = there, back
        return self.adj, room, self.where

    @staticmethod
    def _flow(graph, cell, source: int, sink: int, limit: int) -> int:
        """The flow from ``source`` to ``sink`` without ``cell``'s arcs, up to ``limit``: depth-first
        augmenting paths that end as soon as a node one arc from ``sink`` is reached."""
        adj, room, where = graph
        saved: dict[int, int] = {}          # the rooms this flow changes, put back at the end

        def change(arc: int, value: int) -> None:
            saved.setdefault(arc, room[arc])
            room[arc] = value

        if cell in where:
            change(where[cell], 0)
            change(where[cell] + 1, 0)
        total = 0
        try:
            while total < limit:
                last = {nxt: arc ^ 1 for nxt, arc in adj[sink] if room[arc ^ 1] > 0}    # nxt -> sink
                path = _path(adj, room, source, sink, last) if last else None
                if path is None:
                    return total
                push = min(limit - total, min(room[a] for a in path))
                for a in path:
                    change(a, room[a] - push)
                    change(a ^ 1, room[a ^ 1] + push)
                total += push
            return total
        finally:
            for arc, value in saved.items():
                room[arc] = value

    def bounds(self, graph, cell, low_to: int = 1, high_to: int | None = None) -> tuple[int, int]:
        """``cell``'s feasible interval with the hidden cells of ``graph`` (:meth:`graph`), searched
        only as far as ``low_to`` and ``high_to`` (no limit: its whole interval)."""
        n = self.counts[cell]
        top = self.caps.get(cell, self.big)
        high_to = top if high_to is None else min(high_to, top)
        r, c = self.node[("r", cell[0])], self.node[("c", cell[1])]
        up = self._flow(graph, cell, c, r, max(0, high_to - n)) if high_to > n else 0
        down = self._flow(graph, cell, r, c, n - max(1, low_to)) if n > max(1, low_to) else 0
        return n - down, n + up

    def widest(self, cell, threshold: int) -> tuple[int, int]:
        """``cell``'s interval with every nonzero count hidden (the most any hiding gives it), as far
        as 1 and ``threshold``."""
        if cell not in self._widest:
            if self._all is None:
                self._all = self.graph({c for c, n in self.counts.items() if n})
            self._widest[cell] = self.bounds(self._all, cell, 1, threshold)
        return self._widest[cell]

    def protected(self, graph, cell, threshold: int) -> bool:
        """Whether ``cell`` reaches from 1 (or as low as it can with every count hidden) up to
        ``threshold`` (or as high as it can with every count hidden)."""
        low, high = self.bounds(graph, cell, 1, threshold)
        if low <= 1 and high >= threshold:
            return True
        wide_low, wide_high = self.widest(cell, threshold)
        return low <= wide_low and high >= wide_high


def _path(adj, room, source: int, sink: int, last: dict) -> list | None:
    """Arcs with room from ``source`` to ``sink`` (depth first; ``last``: node -> its arc into
    ``sink``), or None."""
    if source in last:
        return [last[source]]
    seen = {source, sink}               # (a path through ``sink`` would only add a cycle to it)
    stack = [(source, iter(adj[source]))]
    path: list[int] = []
    while stack:
        node, arcs = stack[-1]
        for nxt, arc in arcs:
            if nxt in seen or room[arc] <= 0:
                continue
            if nxt in last:
                return path + [arc, last[nxt]]
            seen.add(nxt)
            path.append(arc)
            stack.append((nxt, iter(adj[nxt])))
            break
        else:
            stack.pop()
            if path:
                path.pop()
    return None


def readers(counts: dict, rows: dict | None = None, cols: dict | None = None) -> list[tuple[dict, dict]]:
    """What the readers the audit protects against know of the lines, the one who knows most first:
    ``rows`` and ``cols`` when given (that one reader); by default one who knows every row's and
    every column's exact sum, one who knows only the columns' (a survey: a theme's people over all)
    and one who knows only the rows' (one theme each: a topic's people)."""
    if rows is not None or cols is not None:
        return [(rows or {}, cols or {})]
    known_rows, known_cols = exact_totals(counts)
    return [(known_rows, known_cols), ({}, known_cols), (known_rows, {})]


class Readers:
    """:class:`TableFlows` for several readers (:func:`readers`), each knowing no more than the
    first. A count the first cannot narrow below 1 to ``threshold`` nobody can; one the totals alone
    keep narrower for the first must be as wide as the totals let it be for each of them (what one
    reader gets from the totals alone, another could get from the table)."""

    def __init__(self, counts: dict, models: list[tuple[dict, dict]], caps: dict | None = None):
        self.flows = [TableFlows(counts, rows, cols, caps) for rows, cols in models]
        self.counts = self.flows[0].counts

    def graph(self, hidden, base: list | None = None) -> list:
        """Each reader's :meth:`TableFlows.graph` with ``hidden`` hidden (besides those of ``base``)."""
        bases = base or [None] * len(self.flows)
        return [f.graph(hidden, None if b is None else b[1]) for f, b in zip(self.flows, bases)]

    def protected(self, graphs: list, cell, threshold: int) -> bool:
        low, high = self.flows[0].bounds(graphs[0], cell, 1, threshold)
        if low <= 1 and high >= threshold:
            return True
        return all(f.protected(g, cell, threshold) for f, g in zip(self.flows, graphs))


def unprotected(counts: dict, hidden, small, threshold: int, rows: dict | None = None, cols: dict | None = None,
                caps: dict | None = None) -> list:
    """The small hidden cells (``small``, each hidden) a reader (:func:`readers`) can narrow (see the
    module doc)."""
    known = Readers(counts, readers(counts, rows, cols), caps)
    graphs = known.graph(hidden)
    return [c for c in sorted(small, key=str) if not known.protected(graphs, c, threshold)]


def protect(counts: dict, hidden, small, threshold: int, rows: dict | None = None, cols: dict | None = None,
            caps: dict | None = None) -> set:
    """The cells to hide besides ``hidden`` so that no reader (:func:`readers`) can narrow a small
    cell: for each one that is not protected, the smallest shown count of its row or column that
    protects it, else the cheapest rectangle of shown counts that closes a cycle through it, else its
    whole row and column, else every nonzero count (which protects every cell, by the definition).
    Hiding more never narrows an interval, so a cell found protected stays so. Returns the extra
    cells (empty when none)."""
    known = Readers(counts, readers(counts, rows, cols), caps)
    gone = set(hidden)
    graphs = known.graph(gone)
    nonzero = {c for c, n in known.counts.items() if n}
    for cell in [c for c in sorted(small, key=str) if not known.protected(graphs, c, threshold)]:
        if known.protected(graphs, cell, threshold):         # protected by an earlier cell's hiding
            continue
        new = _cheapest(known, graphs, gone, nonzero, cell, threshold) or _lines_of(cell, nonzero) - gone
        gone |= new
        graphs = known.graph(new, graphs)
        if not known.protected(graphs, cell, threshold):
            gone |= nonzero
            graphs = known.graph(gone)
    return gone - set(hidden)


def _lines_of(cell, nonzero) -> set:
    return {c for c in nonzero if c[0] == cell[0] or c[1] == cell[1]}


def _cheapest(known: Readers, graphs: list, gone: set, nonzero: set, cell, threshold: int, tries: int = 24) -> set:
    """The cheapest few shown counts whose hiding protects ``cell`` (empty when none is found)."""
    n = known.counts
    line = sorted((c for c in _lines_of(cell, nonzero) if c not in gone), key=lambda c: (n[c], str(c)))
    for c in line[:tries]:
        if known.protected(known.graph({c}, graphs), cell, threshold):
            return {c}
    r, k = cell
    boxes = []
    for a in (c for c in nonzero if c[0] == r and c != cell):
        for b in (c for c in nonzero if c[1] == k and c != cell):
            corner = (b[0], a[1])
            if corner in nonzero:
                new = {a, b, corner} - gone
                if new:
                    boxes.append((sum(n[c] for c in new), sorted(map(str, new)), new))
    boxes.sort(key=lambda x: (x[0], x[1]))
    for _, _, new in boxes[:tries]:
        if known.protected(known.graph(new, graphs), cell, threshold):
            return new
    return set()
