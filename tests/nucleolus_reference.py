"""A slow, independent reference for the (pre)nucleolus, for tests with n <= 6.

Sequential LPs over *all* coalitions (Maschler, Peleg and Shapley 1979) with a fixing test
different from the library's: after each level LP, every coalition that is tight at the
returned optimum gets an auxiliary LP that minimises its excess over the level's optimal
face; it is fixed only if that minimum still equals the level value, i.e. its excess cannot
move on the face.  Uses scipy's ``linprog`` directly (not the library's LP layer), no duals,
no span test; it stops when the fixed coalitions pin the point down.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog


def _bits(mask: int, n: int) -> np.ndarray:
    return np.array([(mask >> i) & 1 for i in range(n)], dtype=float)


def reference_nucleolus(
    values: np.ndarray, n: int, *, pre: bool, per_capita: bool = False, tol: float = 1e-7
) -> np.ndarray:
    """(Pre)nucleolus of the profit game ``values`` (length ``2**n``)."""
    v = np.asarray(values, dtype=float)
    full = (1 << n) - 1
    if n == 1:
        return np.array([v[1]])
    weight = {s: (bin(s).count("1") if per_capita else 1.0) for s in range(1, full)}
    fixed: dict[int, float] = {}
    xb = [(None, None) if pre else (float(v[1 << i]), None) for i in range(n)]
    x = None
    while len(fixed) < full - 1:
        free = [s for s in range(1, full) if s not in fixed]
        a_eq = [np.r_[_bits(s, n), 0.0] for s in fixed] + [np.r_[np.ones(n), 0.0]]
        b_eq = [v[s] - weight[s] * fixed[s] for s in fixed] + [v[full]]
        a_ub = [np.r_[-_bits(s, n), -weight[s]] for s in free]
        b_ub = [-v[s] for s in free]
        c = np.r_[np.zeros(n), 1.0]
        res = linprog(
            c,
            A_ub=a_ub,
            b_ub=b_ub,
            A_eq=a_eq,
            b_eq=b_eq,
            bounds=xb + [(None, None)],
            method="highs",
        )
        assert res.status == 0, res.message
        t = float(res.x[n])
        x = res.x[:n]
        # the optimal face: every free coalition's excess at most t
        face_ub = [-_bits(s, n) for s in free]
        face_b = [-(v[s] - weight[s] * t) for s in free]
        face_eq = [r[:n] for r in a_eq]
        newly = []
        for s in free:
            e = (v[s] - _bits(s, n) @ x) / weight[s]
            if e < t - 1e-6:
                continue
            aux = linprog(
                -_bits(s, n),
                A_ub=face_ub,
                b_ub=face_b,
                A_eq=face_eq,
                b_eq=b_eq,
                bounds=xb,
                method="highs",
            )
            assert aux.status == 0, aux.message
            lowest = (v[s] + aux.fun) / weight[s]  # min excess over the face
            if lowest >= t - tol:
                newly.append(s)
        assert newly, "no coalition could be fixed"
        for s in newly:
            fixed[s] = t
        vecs = [_bits(s, n) for s in fixed] + [np.ones(n)]
        if np.linalg.matrix_rank(np.array(vecs)) == n:
            break  # the face is a point: x is final (only a stopping rule)
    assert x is not None
    return x
