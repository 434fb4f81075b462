"""95% intervals of shares and of differences of shares (Wilson; Newcombe's hybrid score)."""
from __future__ import annotations

import numpy as np

Z95 = 1.959963984540054   # the normal quantile of a two-sided 95% interval


def wilson(labelled, units, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """The Wilson score interval of ``labelled / units`` (95% by default); 0 and 1 exactly at the ends.

    Over units it treats them as independent; one person's several turns are not, so read it as a
    lower bound on the uncertainty (compare ``speakers`` with ``units``)."""
    k, n = np.asarray(labelled, dtype=float), np.asarray(units, dtype=float)
    p, z2 = k / n, z * z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    return np.where(k == 0, 0.0, centre - half), np.where(k == n, 1.0, centre + half)   # exact at the ends


def newcombe(labelled_1, n_1, labelled_2, n_2, z: float = Z95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``p1 - p2`` and its hybrid score interval (Newcombe 1998, method 10), 95% by default.

    With the Wilson intervals ``(l1, u1)`` of ``p1`` and ``(l2, u2)`` of ``p2``: low =
    ``d - sqrt((p1 - l1)^2 + (u2 - p2)^2)``, high = ``d + sqrt((u1 - p1)^2 + (p2 - l2)^2)``.
    It stays inside [-1, 1] and behaves at 0 and at n, where the plain Wald interval does not."""
    k1, n1 = np.asarray(labelled_1, dtype=float), np.asarray(n_1, dtype=float)
    k2, n2 = np.asarray(labelled_2, dtype=float), np.asarray(n_2, dtype=float)
    p1, p2 = k1 / n1, k2 / n2
    (l1, u1), (l2, u2) = wilson(k1, n1, z), wilson(k2, n2, z)
    d = p1 - p2
    return d, d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
