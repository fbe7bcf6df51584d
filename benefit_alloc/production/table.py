r"""Measured or estimated outputs per coalition.

When the partners have run (or carefully estimated) their joint projects, the production
model is simply the table of what each coalition produced.  A coalition missing from the
table is an error that lists what is missing, unless an explicit fill rule is chosen:

``fill="zero"``
    A missing coalition produces nothing.

``fill="superadditive"``
    A missing coalition :math:`S` runs the best collection of disjoint *measured* coalitions
    inside it side by side -- members covered by none of them stay idle -- and produces the
    sum of their outputs:

    .. math:: \mathrm{out}(S) = \sum_{T \in P^*} \mathrm{out}(T), \qquad
              P^* \in \arg\max_{P} \sum_{T \in P} q_S \cdot \mathrm{out}(T),

    over collections :math:`P` of pairwise disjoint measured coalitions contained in
    :math:`S`, where :math:`q_S` is the coalition's row of ``output_prices`` ("best" is
    worth to the coalition).  With a single output and no prices the output itself is
    maximised; with several outputs the prices are required.  Ties are broken
    deterministically: the lowest member (in :attr:`TableProduction.parties` order) idles if
    that is as good, else joins the qualifying block with the smallest bitmask.  Measured
    coalitions keep their measured outputs.  The recursion is the dynamic programme over
    subsets, ``best(S) = max(best(S - low), max_T worth(T) + best(S - T))`` over measured
    ``T`` inside ``S`` holding its lowest member ``low``: ``O(2**n * measured)`` per
    distinct price row, or, when nearly every coalition has its own prices, the same
    recursion over the submasks of each missing coalition (``O(3**n * measured)`` in all).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from .._bits import bool_to_masks, names_of, popcount, submasks
from ..errors import InvalidScenarioError
from . import _checks as chk
from .base import ProductionModel

__all__ = ["TableProduction"]

#: Largest number of parties a table may have (its dense array holds ``2**n`` rows).
MAX_TABLE_PARTIES = 20
_SHOWN = 8
#: With more distinct price rows than this in one batch, missing coalitions are filled one by
#: one over their own submasks instead of one whole-table programme per price row.
_PER_ROW = 8


def _coalition_key(key: Any) -> frozenset[str]:
    if isinstance(key, str) or not isinstance(key, Iterable):
        raise InvalidScenarioError(
            f"table keys must be collections of party names such as frozenset({{'College'}}), "
            f"got {key!r}"
        )
    members = list(key)
    for p in members:
        if not isinstance(p, str) or not p.strip():
            raise InvalidScenarioError(f"coalition {key!r} holds {p!r}; party names are strings")
    if len(set(members)) != len(members):
        raise InvalidScenarioError(f"coalition {key!r} repeats a party")
    return frozenset(members)


def _rows_from_frame(
    df: Any,
) -> tuple[list[frozenset[str]], list[str], NDArray[np.float64], list[str] | None]:
    """Coalitions, output names, output matrix and (boolean form) party order of a frame."""
    flags = [c for c in df.columns if str(df[c].dtype) in ("bool", "boolean")]
    outs = [c for c in df.columns if c not in flags]
    if not outs:
        raise InvalidScenarioError(
            f"the table has no output columns (non-boolean columns); its columns are "
            f"{[str(c) for c in df.columns]}"
        )
    values = chk.float_array(df[outs].to_numpy(), "table")
    if flags:
        parties = [str(c) for c in flags]
        mem = df[flags].to_numpy(dtype=bool)
        coalitions = [frozenset(p for p, f in zip(parties, row) if f) for row in mem]
        return coalitions, [str(c) for c in outs], values, parties
    coalitions = [_coalition_key(k) for k in df.index]
    return coalitions, [str(c) for c in outs], values, None


class TableProduction(ProductionModel):
    """Outputs per coalition from a table of measurements or estimates.

    Parameters
    ----------
    table : mapping or DataFrame
        Either ``{frozenset of party names: {output: amount}}`` (any collection of names is
        accepted as a key; the empty coalition may be omitted), or a DataFrame with output
        columns and either an index of frozensets of party names or one boolean column per
        party (boolean columns are parties, the others outputs).  Amounts must be finite and
        ``>= 0``; the empty coalition, if given, must produce nothing.
    fill : {None, "zero", "superadditive"}, default None
        What a coalition missing from the table produces (module notes).  ``None`` makes a
        missing coalition an error listing the missing ones.
    parties : sequence of str, optional
        Party order (default: boolean-column order, else the sorted names).  It must name
        exactly the parties of the table.

    Notes
    -----
    :meth:`produce` maps its ``players`` to the table's parties by name: the sets must be
    equal (the order may differ), else the error names the mismatches.  The model reads no
    contributions (:attr:`resources` is empty).

    Examples
    --------
    >>> t = TableProduction({
    ...     frozenset({"College"}): {"graduates": 10, "patents": 0},
    ...     frozenset({"Firm"}): {"graduates": 0, "patents": 1},
    ...     frozenset({"College", "Firm"}): {"graduates": 25, "patents": 3},
    ... })
    >>> t.produce(["Firm", "College"], np.zeros((2, 0)),
    ...           np.array([[True, False], [True, True]])).tolist()
    [[0.0, 1.0], [25.0, 3.0]]
    """

    def __init__(
        self,
        table: Any,
        *,
        fill: Literal["zero", "superadditive"] | None = None,
        parties: Sequence[str] | None = None,
    ) -> None:
        if fill not in (None, "zero", "superadditive"):
            raise InvalidScenarioError(
                f"fill must be None, 'zero' or 'superadditive', got {fill!r}"
            )
        frame_parties: list[str] | None = None
        if chk.is_frame(table):
            coalitions, outputs, values, frame_parties = _rows_from_frame(table)
        elif isinstance(table, Mapping):
            if not table:
                raise InvalidScenarioError("the table is empty; give at least one coalition")
            coalitions = [_coalition_key(k) for k in table]
            outputs_seen: dict[str, None] = {}
            for key, row in table.items():
                if not isinstance(row, Mapping):
                    raise InvalidScenarioError(
                        f"table[{sorted(_coalition_key(key))}] must map output names to "
                        f"amounts, got {row!r}"
                    )
                for o in row:
                    outputs_seen.setdefault(str(o), None)
            outputs = list(outputs_seen)
            values = np.empty((len(coalitions), len(outputs)))
            for r_, row in enumerate(table.values()):
                lacking = [o for o in outputs if o not in {str(k) for k in row}]
                if lacking:
                    raise InvalidScenarioError(
                        f"table[{sorted(coalitions[r_])}] has no amount for outputs {lacking}; "
                        "give every output for every coalition"
                    )
                vals = {str(k): v for k, v in row.items()}
                values[r_] = chk.float_array(
                    [vals[o] for o in outputs], f"table[{sorted(coalitions[r_])}]"
                )
        else:
            raise InvalidScenarioError(
                f"table must be a mapping {{frozenset of parties: {{output: amount}}}} or a "
                f"DataFrame, got {type(table).__name__}"
            )
        if not outputs:
            raise InvalidScenarioError("the table names no outputs")
        self._outputs = chk.names(outputs, len(outputs), "O", "outputs")

        seen: dict[str, None] = {}
        for c in coalitions:
            for p in sorted(c):
                seen.setdefault(p, None)
        names = frame_parties if frame_parties is not None else sorted(seen)
        if parties is not None:
            if sorted(parties) != sorted(names):
                raise InvalidScenarioError(
                    f"parties={list(parties)} must name exactly the table's parties {names}"
                )
            names = list(parties)
        self._parties = chk.names(names, len(names), "P", "parties")
        n = len(self._parties)
        if n == 0:
            raise InvalidScenarioError("the table names no parties")
        if n > MAX_TABLE_PARTIES:
            raise InvalidScenarioError(f"a table has at most {MAX_TABLE_PARTIES} parties, got {n}")

        index = {p: i for i, p in enumerate(self._parties)}
        dense = np.full((1 << n, len(self._outputs)), np.nan)
        known = np.zeros(1 << n, dtype=bool)
        for c, row in zip(coalitions, values):
            label = sorted(c)
            chk.check_entries(row, f"table[{label}]", [self._outputs], nonnegative=True)
            mask = sum(1 << index[p] for p in c)
            if known[mask]:
                raise InvalidScenarioError(f"the table gives coalition {label} twice")
            if mask == 0 and (row != 0).any():
                raise InvalidScenarioError(
                    f"the empty coalition must produce nothing, but the table gives {row.tolist()}"
                )
            dense[mask] = row
            known[mask] = True
        dense[0] = 0.0
        known[0] = True
        missing = np.flatnonzero(~known)
        if missing.size and fill is None:
            shown = [list(names_of(int(s), self._parties)) for s in missing[:_SHOWN]]
            more = f" and {missing.size - _SHOWN} more" if missing.size > _SHOWN else ""
            raise InvalidScenarioError(
                f"the table is missing {missing.size} of the {(1 << n) - 1} nonempty "
                f"coalitions: {shown}{more}; give them, or choose fill='zero' or "
                "fill='superadditive'"
            )
        if fill == "zero":
            dense[~known] = 0.0
        self._fill = fill
        self._dense = dense
        self._known = known
        self._dense.flags.writeable = False
        self._known.flags.writeable = False
        self._cache: dict[bytes, NDArray[np.float64]] = {}

    @property
    def outputs(self) -> tuple[str, ...]:
        """Output names, the table's output columns."""
        return self._outputs

    @property
    def parties(self) -> tuple[str, ...]:
        """Party names in the table's order."""
        return self._parties

    @property
    def fill(self) -> str | None:
        """The fill rule for missing coalitions."""
        return self._fill

    @property
    def measured(self) -> NDArray[np.bool_]:
        """``measured[S]`` is True when coalition ``S`` (bitmask in :attr:`parties` order)
        is in the table (the empty coalition counts as measured)."""
        return self._known

    def __repr__(self) -> str:
        n = len(self._parties)
        return (
            f"<TableProduction: {int(self._known.sum()) - 1} of {(1 << n) - 1} coalitions "
            f"measured, outputs {list(self._outputs)}, fill={self._fill!r}>"
        )

    def _filled(self, prices: NDArray[np.float64]) -> NDArray[np.float64]:
        """Dense outputs with missing coalitions filled by the best measured collection."""
        key = prices.tobytes()
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        n = len(self._parties)
        size = 1 << n
        worth = np.where(self._known, np.nan_to_num(self._dense) @ prices, -np.inf)
        blocks = np.flatnonzero(self._known)[1:]  # measured nonempty coalitions
        best = np.zeros(size)  # worth of the best collection inside S
        choice = np.zeros(size, dtype=np.int64)  # its block holding S's lowest member, or 0
        masks = np.arange(size, dtype=np.int64)
        order = masks[np.argsort(popcount(masks), kind="stable")]
        for s in order[1:]:
            s = int(s)
            low = s & -s
            # the lowest member idles, or belongs to a measured block T inside S
            inside = blocks[((blocks & ~s) == 0) & ((blocks & low) != 0)]
            idle = best[s ^ low]
            if inside.size:
                w = worth[inside] + best[s ^ inside]
                k = int(np.argmax(w))
                if w[k] > idle:
                    best[s], choice[s] = w[k], inside[k]
                    continue
            best[s] = idle
        out = np.array(self._dense, copy=True)
        for s in order[1:]:
            s = int(s)
            if self._known[s]:
                continue
            total = np.zeros(len(self._outputs))
            left = s
            while left:
                t = int(choice[left])
                if t == 0:
                    left &= left - 1  # lowest member idles
                else:
                    total += self._dense[t]
                    left ^= t
            out[s] = total
        out.flags.writeable = False
        if len(self._cache) >= 64:
            self._cache.pop(next(iter(self._cache)))
        self._cache[key] = out
        return out

    def _fill_one(self, s: int, prices: NDArray[np.float64]) -> NDArray[np.float64]:
        """Outputs of the best collection inside one missing coalition ``s``: the same
        recursion and tie rule as :meth:`_filled`, over the submasks of ``s`` only
        (``O(2**|s| * measured)``), for coalitions that each have their own prices."""
        blocks = np.flatnonzero(self._known)[1:]
        worth = self._dense[blocks] @ prices
        best: dict[int, float] = {0: 0.0}
        choice: dict[int, int] = {0: 0}
        for t in submasks(s)[1:].tolist():
            low = t & -t
            inside = np.flatnonzero(((blocks & ~t) == 0) & ((blocks & low) != 0))
            idle = best[t ^ low]
            best[t], choice[t] = idle, 0
            if inside.size:
                w = worth[inside] + np.array([best[t ^ int(u)] for u in blocks[inside]])
                k = int(np.argmax(w))
                if w[k] > idle:
                    best[t], choice[t] = float(w[k]), int(blocks[inside[k]])
        total = np.zeros(len(self._outputs))
        left = s
        while left:
            t = choice[left]
            if t == 0:
                left &= left - 1
            else:
                total += self._dense[t]
                left ^= t
        return total

    def _table_for(self, prices: NDArray[np.float64] | None) -> NDArray[np.float64]:
        if self._fill != "superadditive" or self._known.all():
            return self._dense
        if prices is None:
            if len(self._outputs) != 1:
                raise InvalidScenarioError(
                    "fill='superadditive' picks the best collection of measured coalitions by "
                    f"worth; with several outputs {list(self._outputs)} it needs output_prices"
                )
            prices = np.ones(1)
        return self._filled(np.ascontiguousarray(prices, dtype=np.float64))

    def _permutation(self, players: Sequence[str]) -> NDArray[np.int64]:
        """``perm[i]`` is the table index of ``players[i]``."""
        given = list(players)
        unknown = [p for p in given if p not in self._parties]
        absent = [p for p in self._parties if p not in given]
        if unknown or absent:
            parts = []
            if unknown:
                parts.append(f"{unknown} are not in the table")
            if absent:
                parts.append(f"the table's {absent} are not among the players")
            raise InvalidScenarioError(
                f"the players must be the table's parties {list(self._parties)}: "
                + "; ".join(parts)
            )
        return np.array([self._parties.index(p) for p in given], dtype=np.int64)

    def produce(
        self,
        players: Sequence[str],
        contributions: NDArray[np.float64],
        members: NDArray[np.bool_],
        output_prices: NDArray[np.float64] | None = None,
    ) -> NDArray[np.float64]:
        """Outputs of a batch of coalitions, read from the table.

        ``contributions`` is not read (pass shape ``(n, 0)``); ``output_prices`` matters only
        with ``fill="superadditive"``.
        """
        try:
            names_ = tuple(players)
        except TypeError:
            raise InvalidScenarioError(
                f"players must be a sequence of names, got {players!r}"
            ) from None
        perm = self._permutation(names_)
        contrib = np.asarray(contributions)
        if contrib.ndim != 2 or contrib.shape[0] != len(names_):
            raise InvalidScenarioError(
                f"contributions has shape {contrib.shape}; expected ({len(names_)}, 0) "
                "(a table reads no contributions)"
            )
        _, mem, prices = self._checked_batch(
            names_, np.zeros((len(names_), 0)), members, output_prices
        )
        reordered = np.zeros_like(mem)
        reordered[:, perm] = mem
        masks = bool_to_masks(reordered)
        if prices is None or prices.ndim == 1:
            return np.array(self._table_for(prices)[masks], copy=True)
        if self._fill != "superadditive" or self._known.all():
            return np.array(self._dense[masks], copy=True)
        out = np.empty((masks.size, len(self._outputs)))
        rows, inverse = np.unique(prices, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        if rows.shape[0] > _PER_ROW:  # nearly one price row per coalition: fill one by one
            for c, (mask, row) in enumerate(zip(masks.tolist(), prices)):
                out[c] = self._dense[mask] if self._known[mask] else self._fill_one(mask, row)
            return out
        for g in range(rows.shape[0]):
            idx = np.flatnonzero(inverse == g)
            out[idx] = self._table_for(rows[g])[masks[idx]]
        return out
