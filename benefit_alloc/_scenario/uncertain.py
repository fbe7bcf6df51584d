"""Distribution-valued numbers in scenario files.

Where the format says a number "or a distribution", a table may stand in its place:

* ``{dist = "normal", mean = 120, sd = 15}`` (``sd > 0``);
* ``{dist = "lognormal", mu = 3, sigma = 0.3}`` (of the logarithm, ``sigma > 0``);
* ``{dist = "triangular", low = 0.6, mode = 0.85, high = 1}`` (``low <= mode <= high``,
  ``low < high``);
* ``{dist = "uniform", low = 2, high = 4}`` (``low < high``);
* ``{empirical = [18, 22, 25]}``, an observed sample drawn from with replacement.

The validated document keeps such a table as plain data; :func:`uncertain_fields` lists them
by key path (:func:`benefit_alloc._scenario.montecarlo.to_distribution` makes each a
:class:`~benefit_alloc.Distribution`), :func:`substitute` puts numbers
in their place (a draw, or :func:`expected_document`'s means), so the partnership a scenario
builds always holds plain numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import _schema as s
from .._means import lognormal_mean, triangular_mean, uniform_mean
from ..errors import InvalidScenarioError

__all__ = [
    "Uncertain",
    "DISTRIBUTIONS",
    "is_distribution",
    "mean_of",
    "uncertain_fields",
    "substitute",
    "expected_document",
]

_POS = s.Num(minimum=0.0, exclusive=True)


def _order(table: dict[str, Any], path: str) -> None:
    lo, hi = table["low"], table["high"]
    mode = table.get("mode", lo)
    if not (lo <= mode <= hi and lo < hi):
        shown = {k: table[k] for k in ("low", "mode", "high") if k in table}
        need = "low <= mode <= high and low < high" if "mode" in table else "low < high"
        raise s.fail(path, shown, f"parameters with {need}")


#: The parametric distributions, tagged by ``dist``.
DISTRIBUTIONS = s.Tagged(
    "dist",
    {
        "normal": s.Table(
            {
                "mean": s.Field(s.Num(), required=True, doc="the mean"),
                "sd": s.Field(_POS, required=True, doc="the standard deviation, > 0"),
            },
            doc="normal",
        ),
        "lognormal": s.Table(
            {
                "mu": s.Field(s.Num(), required=True, doc="mean of the logarithm"),
                "sigma": s.Field(_POS, required=True, doc="sd of the logarithm, > 0"),
            },
            doc="log-normal",
        ),
        "triangular": s.Table(
            {
                "low": s.Field(s.Num(), required=True, doc="least value"),
                "mode": s.Field(s.Num(), required=True, doc="most likely value"),
                "high": s.Field(s.Num(), required=True, doc="largest value"),
            },
            doc="triangular",
            post=_order,
        ),
        "uniform": s.Table(
            {
                "low": s.Field(s.Num(), required=True, doc="least value"),
                "high": s.Field(s.Num(), required=True, doc="largest value"),
            },
            doc="uniform",
            post=_order,
        ),
    },
    doc="the distribution",
)

_EMPIRICAL = s.Table(
    {
        "empirical": s.Field(
            s.List(s.Num(), min_len=1), required=True, doc="observed values, resampled"
        )
    },
    doc="an observed sample",
)

_FORMS = (
    '{dist = "normal", mean, sd}, {dist = "lognormal", mu, sigma}, '
    '{dist = "triangular", low, mode, high}, {dist = "uniform", low, high} or {empirical = [...]}'
)


def is_distribution(value: Any) -> bool:
    """True for a validated distribution table (not a table of names to numbers)."""
    if not isinstance(value, Mapping):
        return False
    if isinstance(value.get("dist"), str):
        return True
    return isinstance(value.get("empirical"), list) and len(value) == 1


def mean_of(table: Mapping[str, Any]) -> float:
    r"""The mean of a validated distribution table: :math:`\mu` (normal),
    :math:`e^{\mu + \sigma^2/2}` (log-normal), :math:`(a + c + b)/3` (triangular),
    :math:`(a + b)/2` (uniform), the sample mean (empirical)."""
    if "empirical" in table:
        values = table["empirical"]
        try:
            return float(math.fsum(values) / len(values))
        except OverflowError:  # a sum beyond the largest float: refused as not finite
            return math.inf
    kind = table["dist"]
    if kind == "normal":
        return float(table["mean"])
    if kind == "lognormal":
        return lognormal_mean(table["mu"], table["sigma"])
    if kind == "triangular":
        return triangular_mean(table["low"], table["mode"], table["high"])
    return uniform_mean(table["low"], table["high"])


@dataclass(frozen=True)
class Uncertain(s.Node):
    """A number checked by ``number``, or a distribution table in its place.

    The distribution's mean must meet ``number``'s bounds (the expected partnership is built
    from the means); single draws outside them make that draw infeasible, which a
    simulation counts and reports.
    """

    number: s.Num
    doc: str = ""

    def expected(self) -> str:
        return f"{self.number.expected()}, or a distribution table: {_FORMS}"

    def check(self, value: Any, path: str) -> Any:
        if not isinstance(value, Mapping):
            return self.number.check(value, path)
        if "empirical" in value:
            out: dict[str, Any] = _EMPIRICAL.check(value, path)
        elif "dist" in value:
            out = DISTRIBUTIONS.check(value, path)
        else:
            keys = list(value)
            hint = s.suggest(keys[0], ["dist", "empirical"]) if keys else ""
            raise s.fail(path, dict(value), f"a number or a distribution table: {_FORMS}", hint)
        mean = mean_of(out)
        if not math.isfinite(mean):
            raise s.fail(path, out, "a distribution with a finite mean")
        try:
            self.number.check(mean, path)
        except InvalidScenarioError:
            # the mean is where the expected partnership is built: it must be a number the
            # field accepts (within the range the production programmes are solved for)
            raise s.fail(
                path,
                out,
                f"a distribution whose mean is {self.number.expected()} (its mean is {mean:g})",
            ) from None
        return out


def _walk(node: Any, path: tuple[str | int, ...], out: dict[tuple[str | int, ...], Any]) -> None:
    if is_distribution(node):
        out[path] = node
    elif isinstance(node, Mapping):
        for k, v in node.items():
            _walk(v, (*path, k), out)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            _walk(v, (*path, i), out)


def _name(path: tuple[str | int, ...]) -> str:
    text = ""
    for key in path:
        text = s.join_path(text, key)
    return text


def uncertain_fields(document: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Every distribution table of a validated document, by key path
    (``party[0].contributes.teaching``), in document order."""
    found: dict[tuple[str | int, ...], Any] = {}
    _walk(document, (), found)
    return {_name(p): dict(t) for p, t in found.items()}


def substitute(document: Mapping[str, Any], values: Mapping[str, float]) -> dict[str, Any]:
    """A copy of ``document`` with the distribution at each key path of ``values`` replaced by
    the number given; a path that names no distribution is refused."""
    out: dict[str, Any] = s._copy(dict(document))
    found: dict[tuple[str | int, ...], Any] = {}
    _walk(out, (), found)
    by_name = {_name(p): p for p in found}
    for name, value in values.items():
        if name not in by_name:
            raise InvalidScenarioError(
                f"{name!r} is no distribution-valued field of the scenario"
                f"{s.suggest(name, list(by_name))} (fields: {', '.join(by_name) or 'none'})"
            )
        *head, last = by_name[name]
        node: Any = out
        for key in head:
            node = node[key]
        node[last] = float(value)
    return out


def expected_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``document`` with every distribution replaced by its mean."""
    fields = uncertain_fields(document)
    return substitute(document, {k: mean_of(d) for k, d in fields.items()})
