"""Correction factors and proportional keys of a scenario: scores, weights and keys, checked.

A scenario scores its parties on correction factors in ``[party.factors]`` tables or in a CSV
named by ``factors.file`` (a column ``party`` and one column per factor), and weighs the
factors directly (``factors.weights``), by an AHP pairwise comparison matrix
(``[factors.ahp]``, :func:`benefit_alloc.ahp_weights`) or by the entropy weight method over an
indicator table (``[factors.entropy]``, :func:`benefit_alloc.entropy_weights`).  The
proportional rules read ``[shares] prices`` (``split_by_investment``) and ``[shares] key``
(``split_by_key``).  :func:`resolve_factors` turns these into the options the methods take;
every problem is one :class:`~benefit_alloc.errors.InvalidScenarioError` line naming the key,
the value and the fix.  Files are read through :func:`benefit_alloc._paths.scenario_file`
(inside the scenario's folder unless the caller allows otherwise).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import _schema as s
from .._paths import csv_rows, scenario_file
from ..errors import InvalidGameError, InvalidScenarioError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..solutions.weights import AHPWeights

__all__ = ["FactorData", "resolve_factors", "read_party_columns"]

#: Weights must sum to one within this (as :func:`benefit_alloc.corrected_shapley` asks).
WEIGHT_SUM_TOL = 1e-9


@dataclass(frozen=True)
class FactorData:
    """The correction factors a scenario declares, resolved.

    Attributes
    ----------
    scores : mapping
        ``{party: {factor: score}}`` for every party and factor (empty: none declared).
    weights : mapping or None
        ``{factor: weight}`` summing to one; None for a single factor without weights.
    source : str
        Where the weights come from: ``"weights"``, ``"ahp"``, ``"entropy"`` or ``"single"``
        (one factor, weight 1), ``""`` when no factor is declared.
    ahp : AHPWeights or None
        The AHP result (its consistency ratio is shown by the report).
    notes : tuple of str
        Remarks for the user (an AHP consistency ratio above 0.1).
    """

    scores: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    weights: Mapping[str, float] | None = None
    source: str = ""
    ahp: AHPWeights | None = None
    notes: tuple[str, ...] = ()

    @property
    def factors(self) -> tuple[str, ...]:
        """The factor names, in the order first declared."""
        first = next(iter(self.scores.values()), {})
        return tuple(first)


def read_party_columns(
    path: Path, shown: str, key: str, parties: Sequence[str], *, negative: bool
) -> dict[str, dict[str, float]]:
    """``{party: {column: number}}`` of a CSV with a ``party`` column and numeric columns.

    Every row names a party of the scenario (a close match is suggested), no party twice;
    every cell is a finite number (``>= 0`` unless ``negative``)."""
    where = f"{key} = {shown!r}"
    rows = csv_rows(path, where)
    header = [h.strip() for h in rows[0]]
    if "party" not in header:
        raise InvalidScenarioError(
            f"{where}: no 'party' column{s.suggest(header[0], ['party'])} (expected a column "
            "'party' and one column per factor)"
        )
    columns = [h for h in header if h != "party"]
    if not columns or any(not h for h in columns) or len(set(header)) != len(header):
        raise InvalidScenarioError(
            f"{where}: the header {header} needs a 'party' column and one named column per "
            "factor, each once"
        )
    out: dict[str, dict[str, float]] = {}
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise InvalidScenarioError(
                f"{where}: line {line} has {len(row)} cells; expected {len(header)} "
                f"({', '.join(header)})"
            )
        cells = dict(zip(header, (c.strip() for c in row)))
        party = cells["party"]
        if party not in parties:
            raise InvalidScenarioError(
                f"{where}: line {line}, column 'party': {party!r} is not a party"
                f"{s.suggest(party, parties)} (parties: {', '.join(parties)})"
            )
        if party in out:
            raise InvalidScenarioError(
                f"{where}: line {line}, column 'party': {party!r} is listed twice; one row "
                "per party"
            )
        values: dict[str, float] = {}
        for c in columns:
            try:
                x = float(cells[c])
            except ValueError:
                x = math.nan
            if not math.isfinite(x) or (x < 0 and not negative):
                bound = "" if negative else " >= 0"
                raise InvalidScenarioError(
                    f"{where}: line {line}, column {c!r} = {cells[c]!r}: expected a finite "
                    f"number{bound}"
                )
            values[c] = x
        out[party] = values
    return out


def _scores(
    spec: Mapping[str, Any], base: Path, allow_outside: bool
) -> dict[str, dict[str, float]]:
    """Every party's factor scores, from ``[party.factors]`` and ``factors.file``."""
    parties = [p["name"] for p in spec["party"]]
    table = spec.get("factors") or {}
    inline = {p["name"]: dict(p["factors"]) for p in spec["party"] if "factors" in p}
    from_file: dict[str, dict[str, float]] = {}
    if "file" in table:
        path = scenario_file(base, table["file"], key="factors.file", allow_outside=allow_outside)
        from_file = read_party_columns(path, table["file"], "factors.file", parties, negative=False)
    if not inline and not from_file:
        return {}
    scores: dict[str, dict[str, float]] = {p: {} for p in parties}
    for i, party in enumerate(spec["party"]):
        name = party["name"]
        for f, x in inline.get(name, {}).items():
            scores[name][f] = x
        for f, x in from_file.get(name, {}).items():
            if f in scores[name]:
                raise InvalidScenarioError(
                    f"factors.file = {table['file']!r}: party {name!r} is scored on {f!r} "
                    f"there and in party[{i}].factors; give each score once"
                )
            scores[name][f] = x
    names: list[str] = []
    for row in scores.values():
        names.extend(f for f in row if f not in names)
    for i, name in enumerate(parties):
        missing = [f for f in names if f not in scores[name]]
        if missing:
            raise s.fail(
                f"party[{i}].factors",
                scores[name],
                f"a score of {name!r} on every factor ({', '.join(names)}); missing "
                f"{', '.join(missing)} (add [party.factors] {missing[0]} = ... or a column "
                "in factors.file)",
            )
        scores[name] = {f: scores[name][f] for f in names}
    for f in names:
        if sum(scores[p][f] for p in parties) <= 0:
            raise InvalidScenarioError(
                f"factor {f!r}: every party scores 0, so no party has a share of it; score "
                "it or drop it"
            )
    return scores


def _check_names(path: str, given: Sequence[str], factors: Sequence[str]) -> None:
    """``given`` names exactly the factors (an unknown one with a close match)."""
    for g in given:
        if g not in factors:
            raise InvalidScenarioError(
                f"{path}: {g!r} is not a factor{s.suggest(g, factors)} (factors scored: "
                f"{', '.join(factors)})"
            )
    missing = [f for f in factors if f not in given]
    if missing:
        raise s.fail(
            path,
            list(given),
            f"every factor ({', '.join(factors)}); missing {', '.join(missing)}",
        )


def _ahp(table: Mapping[str, Any], factors: Sequence[str]) -> tuple[AHPWeights, tuple[str, ...]]:
    import pandas as pd  # lazy: loads pandas

    from ..solutions.weights import ConsistencyWarning, ahp_weights  # lazy: loads the solvers

    criteria = list(table["criteria"])
    _check_names("factors.ahp.criteria", criteria, factors)
    matrix = table["matrix"]
    n = len(criteria)
    if len(matrix) != n or any(len(row) != n for row in matrix):
        shape = f"{len(matrix)} rows of {sorted({len(r) for r in matrix})} entries"
        raise s.fail(
            "factors.ahp.matrix",
            matrix,
            f"a square {n} x {n} matrix, one row and one column per criterion; got {shape}",
        )
    frame = pd.DataFrame(matrix, index=criteria, columns=criteria, dtype=float)
    notes: list[str] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConsistencyWarning)
            result = ahp_weights(frame, method=table["method"], strict=table["strict"])
    except InvalidGameError as exc:
        raise InvalidScenarioError(f"factors.ahp.matrix: {exc}") from None
    if any(issubclass(w.category, ConsistencyWarning) for w in caught):
        notes.append(
            f"factors.ahp: consistency ratio {result.cr:.4f} is above Saaty's 0.1; revise "
            "the judgements (strict = true refuses such a matrix)"
        )
    return result, tuple(notes)


def _entropy(
    table: Mapping[str, Any],
    factors: Sequence[str],
    parties: Sequence[str],
    base: Path,
    allow_outside: bool,
) -> pd.Series:
    from ..solutions.weights import entropy_weights  # lazy: loads the solvers

    has_rows, has_file = "indicators" in table, "file" in table
    if has_rows == has_file:
        raise s.fail(
            "factors.entropy",
            s._MISSING if not has_rows else "indicators and file",
            "exactly one of factors.entropy.indicators or factors.entropy.file",
        )
    if has_file:
        path = scenario_file(
            base, table["file"], key="factors.entropy.file", allow_outside=allow_outside
        )
        rows = read_party_columns(
            path, table["file"], "factors.entropy.file", parties, negative=True
        )
        where = f"factors.entropy.file = {table['file']!r}"
    else:
        rows = {str(k): dict(v) for k, v in table["indicators"].items()}
        where = "factors.entropy.indicators"
        for p in rows:
            if p not in parties:
                raise InvalidScenarioError(
                    f"{where}.{p}: {p!r} is not a party{s.suggest(p, parties)} (parties: "
                    f"{', '.join(parties)})"
                )
    missing = [p for p in parties if p not in rows]
    if missing:
        raise InvalidScenarioError(
            f"{where}: no indicators for {', '.join(map(repr, missing))}; give every party "
            "a value of every indicator"
        )
    for p in parties:
        _check_names(f"{where}.{p}" if not has_file else where, list(rows[p]), factors)
    for k, c in enumerate(table["cost"]):
        if c not in factors:
            raise s.fail(
                f"factors.entropy.cost[{k}]",
                c,
                f"the name of an indicator ({', '.join(factors)})",
                s.suggest(c, factors),
            )
    try:
        return entropy_weights(
            {p: {f: rows[p][f] for f in factors} for p in parties}, cost=table["cost"]
        )
    except InvalidGameError as exc:
        raise InvalidScenarioError(f"{where}: {exc}") from None


def _weights(table: Mapping[str, Any], factors: Sequence[str]) -> dict[str, float]:
    given = dict(table["weights"])
    _check_names("factors.weights", list(given), factors)
    total = math.fsum(given.values())
    if abs(total - 1.0) > WEIGHT_SUM_TOL:
        raise s.fail(
            "factors.weights",
            given,
            f"weights that sum to 1; they sum to {total:.12g} (they are not renormalised: "
            f"divide each by {total:.12g} if that is what you mean)",
        )
    return {f: float(given[f]) for f in factors}


def resolve_factors(spec: Mapping[str, Any], base: Path, allow_outside: bool) -> FactorData:
    """The scenario's correction factors: scores, weights and where they come from.

    Raises
    ------
    InvalidScenarioError
        A party not scored on every factor, a factor every party scores 0, a score for an
        unknown party (in a file), weights, an AHP matrix or an indicator table that name an
        unknown factor or miss one, weights that do not sum to one, a non-square or
        non-reciprocal AHP matrix (a consistency ratio above 0.1 with ``strict = true``),
        more than one source of weights, or several factors without weights.
    """
    table = spec.get("factors") or {}
    scores = _scores(spec, base, allow_outside)
    sources = [k for k in ("weights", "ahp", "entropy") if k in table]
    if not scores:
        if sources:
            raise InvalidScenarioError(
                f"factors.{sources[0]}: no party is scored on any factor; add "
                "[party.factors] tables or factors.file"
            )
        return FactorData()
    factors = list(next(iter(scores.values())))
    if len(sources) > 1:
        raise s.fail(
            "factors",
            f"{' and '.join(sources)}",
            "at most one source of weights: weights, ahp or entropy",
        )
    parties = [p["name"] for p in spec["party"]]
    if not sources:
        if len(factors) > 1:
            raise s.fail(
                "factors.weights",
                s._MISSING,
                f"weights for the {len(factors)} factors {', '.join(factors)}: give "
                "factors.weights, [factors.ahp] or [factors.entropy]",
            )
        return FactorData(scores=scores, weights=None, source="single")
    if sources[0] == "weights":
        return FactorData(scores=scores, weights=_weights(table, factors), source="weights")
    if sources[0] == "ahp":
        result, notes = _ahp(table["ahp"], factors)
        w = {f: float(result.weights[f]) for f in factors}
        return FactorData(scores=scores, weights=w, source="ahp", ahp=result, notes=notes)
    ent = _entropy(table["entropy"], factors, parties, base, allow_outside)
    return FactorData(scores=scores, weights={f: float(ent[f]) for f in factors}, source="entropy")
