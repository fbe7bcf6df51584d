r"""Correction-factor Shapley values: the base value corrected for risk, investment, effort, ...

Applied studies of industry-university and school-enterprise cooperation rarely stop at the
plain Shapley value: they correct it for what it ignores, who bears the risk, who invested
more, who put in more effort.  Each party ``i`` is scored on factors ``k = 1 .. K``; its
*factor share* is its score over the factor's total,

.. math:: R_{ik} = \frac{s_{ik}}{\sum_j s_{jk}},

and the factors are weighted by :math:`w_k \ge 0` summing to one (from expert judgement,
:func:`~benefit_alloc.ahp_weights`, or from data, :func:`~benefit_alloc.entropy_weights`).

The additive correction (``form="additive"``) moves each party's payoff by its excess factor
share over the equal share ``1/n``, scaled by the worth of the grand coalition:

.. math::

    \varphi'_i = \varphi_i + v(N) \sum_k w_k \Bigl(R_{ik} - \frac{1}{n}\Bigr).

Since :math:`\sum_i R_{ik} = 1` for every factor and the weights sum to one, the corrections
sum to zero and the corrected split is efficient whenever the base is.  With one factor this
is the risk-compensation adjustment of the water-saving study listed below (2022, Table 11:
risk shares
of a water-saving company, a university and a securities firm, adjustment
:math:`v(N)(R_i - 1/3)`).  The base :math:`\varphi` is the Shapley value by default and may be
any efficient single-valued rule of the library, or a function.

Only the additive form is implemented: it is the one whose sources could be checked here.
A search of the applied literature on industry-university and school-enterprise cooperation
found studies that describe multiplicative or "comprehensive" correction coefficients (and
supply-chain studies that correct by cost), but none whose formula and worked example could
be read and checked, so no such form is offered rather than one offered unsourced; ``form=``
names the variant explicitly, so that no variant is ever chosen silently.

Every result carries :class:`~benefit_alloc.solutions.diagnostics.StabilityDiagnostics`:
the correction is not a solution concept of its own, and it may push a party below its
standalone value or let a coalition block the split; the diagnostics say so and give the
nearest core point.

References
----------
Shapley, L. S. (1953). A value for n-person games. In *Contributions to the Theory of Games
II*, Annals of Mathematics Studies 28, 307-317.

Optimization of benefit allocation in contracted water-saving projects based on the Shapley
value method (2022). *Mathematical Problems in Engineering* 2022, article 8942299 (Hindawi).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

import benefit_alloc

from .._lp import check_solver
from .._validate import check_tol
from ..allocation import Allocation
from ..errors import InvalidGameError
from ..game import Game, validate_players
from .diagnostics import _check_norm, stability_diagnostics
from .weights import AHPWeights

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["BASE_RULES", "FORMS", "corrected_shapley", "factor_shares"]

#: Base rules known by name: the public function of benefit_alloc and the options always passed
#: (Banzhaf is normalised and the sampled Shapley value made efficient, so that the base is
#: efficient; the sampled value takes ``budget`` and ``rng`` through ``base_options``).
BASE_RULES: Mapping[str, tuple[str, Mapping[str, Any]]] = MappingProxyType(
    {
        "shapley": ("shapley", {}),
        "shapley_sampled": ("shapley_sampled", {"efficient": True}),
        "banzhaf": ("banzhaf", {"normalized": True}),
        "owen": ("owen", {}),
        "weighted_shapley": ("weighted_shapley", {}),
        "proportional": ("proportional", {}),
        "equal_split": ("equal_split", {}),
        "equal_surplus": ("equal_surplus", {}),
        "nucleolus": ("nucleolus", {}),
        "prenucleolus": ("prenucleolus", {}),
        "per_capita_nucleolus": ("per_capita_nucleolus", {}),
        "least_core": ("least_core", {}),
    }
)

#: Correction forms implemented.
FORMS: tuple[str, ...] = ("additive",)

_SUM_TOL = 1e-9


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InvalidGameError(f"{where} = {value!r} must be a number")
    out = float(value)
    if not math.isfinite(out):
        raise InvalidGameError(f"{where} = {value!r} is not finite; give a finite number")
    return out


def factor_shares(factors: Any, players: Sequence[str]) -> pd.DataFrame:
    r"""Each party's share of each factor, :math:`R_{ik} = s_{ik} / \sum_j s_{jk}`.

    Parameters
    ----------
    factors : pandas.DataFrame or mapping
        Scores, parties x factors: a DataFrame indexed by party with one column per factor,
        or ``{party: {factor: score}}``.  Scores are finite and ``>= 0``, every party scored
        on every factor, every factor with a positive total.
    players : sequence of str
        The parties, in the order of the result.

    Returns
    -------
    pandas.DataFrame
        Shares indexed by party (``players`` order), one column per factor; columns sum to 1.

    Raises
    ------
    InvalidGameError
        For a score of an unknown party, a missing party or score, a negative or non-finite
        score, or a factor whose scores are all 0.

    Examples
    --------
    >>> shares = factor_shares({"College": {"risk": 1}, "Firm": {"risk": 3}}, ["College", "Firm"])
    >>> shares["risk"].to_dict()
    {'College': 0.25, 'Firm': 0.75}
    """
    import pandas as pd  # lazy: loads pandas

    names = list(validate_players(players, None))
    if not names:
        raise InvalidGameError("players=[] names no party; give the parties to score")
    if isinstance(factors, pd.DataFrame):
        rows_ = [str(i) for i in factors.index]
        columns = [str(c) for c in factors.columns]
        if len(set(rows_)) != len(rows_) or len(set(columns)) != len(columns):
            raise InvalidGameError(
                f"factors: party names {rows_} and factor names {columns} must be unique"
            )
        cells = factors.to_numpy(dtype=object)
        table = {p: dict(zip(columns, cells[r].tolist())) for r, p in enumerate(rows_)}
    elif isinstance(factors, Mapping):
        table = {}
        columns = []
        for party, row in factors.items():
            if not isinstance(row, Mapping):
                raise InvalidGameError(
                    f"factors[{party!r}] = {row!r} must be a mapping {{factor: score}}"
                )
            table[str(party)] = {str(k): v for k, v in row.items()}
            columns.extend(str(k) for k in row if str(k) not in columns)
    else:
        raise InvalidGameError(
            "factors must be a DataFrame (parties x factors) or a mapping {party: {factor: "
            f"score}}, got {type(factors).__name__}"
        )
    unknown = [p for p in table if p not in names]
    if unknown:
        raise InvalidGameError(f"factors scores unknown parties {unknown}; players lists {names}")
    missing = [p for p in names if p not in table]
    if missing:
        raise InvalidGameError(
            f"factors has no scores for the parties {missing}; score every party on every factor"
        )
    if not columns:
        raise InvalidGameError("factors has no factor; give at least one column of scores")
    scores = np.empty((len(names), len(columns)))
    for i, p in enumerate(names):
        for k, f in enumerate(columns):
            if f not in table[p]:
                raise InvalidGameError(
                    f"factors has no score of party {p!r} on factor {f!r}; score every party on "
                    "every factor"
                )
            val = table[p][f]
            if val is None or (isinstance(val, float) and math.isnan(val)):
                raise InvalidGameError(
                    f"factors[{p!r}][{f!r}] is missing (NaN); score every party on every factor"
                )
            s = _number(val, f"factors[{p!r}][{f!r}]")
            if s < 0:
                raise InvalidGameError(
                    f"factors[{p!r}][{f!r}] = {s:g} is negative; factor scores must be >= 0"
                )
            scores[i, k] = s
    with np.errstate(over="ignore"):
        totals = scores.sum(axis=0)
    if not np.isfinite(totals).all():
        k = int(np.flatnonzero(~np.isfinite(totals))[0])
        raise InvalidGameError(
            f"factors: the scores of factor {columns[k]!r} sum beyond the largest float; "
            "rescale that factor's scores"
        )
    for k, f in enumerate(columns):
        if totals[k] <= 0:
            raise InvalidGameError(
                f"factor {f!r} scores every party 0, so no party has a share of it; drop it or "
                "score it"
            )
    return pd.DataFrame(
        scores / totals,
        index=pd.Index(names, name="party"),
        columns=pd.Index(columns, name="factor"),
    )


def _factor_weights(weights: Any, factors: Sequence[str]) -> NDArray[np.float64]:
    import pandas as pd  # lazy: loads pandas

    k = len(factors)
    if weights is None:
        if k == 1:
            return np.ones(1)
        raise InvalidGameError(
            f"weights are needed for the {k} factors {list(factors)}: give one weight per "
            "factor summing to 1 (e.g. from ahp_weights or entropy_weights)"
        )
    if isinstance(weights, AHPWeights):
        weights = weights.weights
    if isinstance(weights, (pd.Series, Mapping)):
        given = {str(key): val for key, val in weights.items()}
        unknown = [f for f in given if f not in factors]
        if unknown:
            raise InvalidGameError(
                f"weights names unknown factors {unknown}; the factors are {list(factors)}"
            )
        missing = [f for f in factors if f not in given]
        if missing:
            raise InvalidGameError(
                f"weights has no weight for the factors {missing}; give one per factor"
            )
        raw = [given[f] for f in factors]
    elif isinstance(weights, (str, bytes)) or not isinstance(weights, Sequence | np.ndarray):
        raise InvalidGameError(
            f"weights must be a mapping {{factor: weight}}, a Series, an AHPWeights or a list in "
            f"factor order, got {weights!r}"
        )
    else:
        raw = list(np.asarray(weights, dtype=object).reshape(-1))
        if len(raw) != k:
            raise InvalidGameError(
                f"weights has {len(raw)} entries but there are {k} factors {list(factors)}"
            )
    w = np.array([_number(v, f"weights[{f!r}]") for v, f in zip(raw, factors)])
    neg = {f: float(x) for f, x in zip(factors, w) if x < 0}
    if neg:
        raise InvalidGameError(f"weights must be >= 0; got {neg}")
    total = float(w.sum())
    if abs(total - 1.0) > _SUM_TOL:
        raise InvalidGameError(
            f"weights {dict(zip(factors, w.tolist()))} sum to {total:.12g}, not 1 (within "
            f"{_SUM_TOL:g}); they are not renormalised silently: divide them by {total:.12g} "
            "yourself if that is what you mean"
        )
    return w


def _base_rule(
    base: str | Callable[..., Allocation], options: Mapping[str, Any] | None
) -> tuple[Callable[..., Allocation], str, dict[str, Any]]:
    opts = {} if options is None else options
    if not isinstance(opts, Mapping):
        raise InvalidGameError(f"base_options must be a mapping of options, got {options!r}")
    if callable(base):
        return base, getattr(base, "__name__", repr(base)), dict(opts)
    if not isinstance(base, str) or base not in BASE_RULES:
        raise InvalidGameError(
            f"base={base!r} is unknown; use one of {sorted(BASE_RULES)} or a function "
            "game -> Allocation"
        )

    attr, fixed = BASE_RULES[base]
    fn = getattr(benefit_alloc, attr, None)
    if fn is None:  # pragma: no cover - every listed rule exists
        raise NotImplementedError(f"base rule {base!r} is not available in this version")
    merged = {**fixed, **opts}
    _check_options(fn, base, merged)
    return fn, base, merged


def _check_options(fn: Callable[..., Allocation], label: str, opts: Mapping[str, Any]) -> None:
    """Refuse ``base_options`` that the named base rule ``fn(game, **opts)`` cannot take."""
    params = dict(inspect.signature(fn).parameters)
    params.pop("game", None)
    unknown = sorted(str(k) for k in opts if k not in params)
    missing = sorted(
        k
        for k, p in params.items()
        if p.default is inspect.Parameter.empty
        and p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
        and k not in opts
    )
    if unknown or missing:
        raise InvalidGameError(
            f"base_options={dict(opts)!r} does not fit base rule {label!r}: unknown {unknown}, "
            f"missing {missing}; its options are {sorted(params)}"
        )


def corrected_shapley(
    game: Game,
    factors: Any,
    weights: Any = None,
    *,
    base: str | Callable[..., Allocation] = "shapley",
    form: Literal["additive"] = "additive",
    base_options: Mapping[str, Any] | None = None,
    nearest: Literal["max", "total"] | None = "max",
    tol: float = 1e-9,
    solver: str = "highs",
) -> Allocation:
    r"""The base value corrected for factor shares (risk, investment, effort, innovation, ...).

    .. math::

        \varphi'_i = \varphi_i + v(N) \sum_k w_k \Bigl(R_{ik} - \frac{1}{n}\Bigr),
        \qquad R_{ik} = \frac{s_{ik}}{\sum_j s_{jk}}

    (``form="additive"``; see the module docstring for the sources).  The corrections sum to
    zero, so the result is efficient when the base is (an inefficient base is refused).

    Parameters
    ----------
    game : Game
        A dense profit game.
    factors : pandas.DataFrame or mapping
        Scores :math:`s_{ik} \ge 0`, parties x factors, or ``{party: {factor: score}}``
        (see :func:`factor_shares`).
    weights : mapping, Series, AHPWeights or sequence, optional
        Factor weights :math:`w_k \ge 0` summing to 1 within ``1e-9`` (never renormalised);
        a sequence follows the factors' order.  Not needed for one factor.
    base : str or callable, default "shapley"
        The base rule: a name from :data:`BASE_RULES` or a function ``f(game, **options) ->
        Allocation`` returning an efficient split.
    form : {"additive"}, default "additive"
        The correction's form; only the additive one is implemented.
    base_options : mapping, optional
        Passed to the base rule (``unions=`` for ``"owen"``, ``weights=`` for
        ``"weighted_shapley"``, ``budget=`` and ``rng=`` for ``"shapley_sampled"``).
    nearest : {"max", "total"} or None, default "max"
        Norm of the nearest core point in the diagnostics (None: skip that LP).
    tol : float, default 1e-9
        Relative tolerance of the stability checks.
    solver : {"highs", "cbc"}
        LP solver of the diagnostics.

    Returns
    -------
    Allocation
        ``method="corrected_shapley (additive, base <name>)"`` with diagnostics ``base``,
        ``base_values`` (``{party: payoff}``), ``form``, ``factor_weights``, ``shares`` (the
        :math:`R_{ik}` table), ``breakdown`` (a DataFrame: the base value, one correction
        column per factor and the total, per party) and ``stability``
        (:class:`~benefit_alloc.solutions.diagnostics.StabilityDiagnostics`).

    Raises
    ------
    InvalidGameError
        For a cost game, bad factor scores (see :func:`factor_shares`), weights that are
        missing, negative or do not sum to one, an unknown base or form, or a base rule whose
        split is not efficient.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> g = ba.Game([0, 10, 20, 60], players=["College", "Firm"])
    >>> a = corrected_shapley(g, {"College": {"risk": 1}, "Firm": {"risk": 3}})
    >>> a.to_dict(), a.base_values
    ({'College': 10.0, 'Firm': 50.0}, {'College': 25.0, 'Firm': 35.0})
    >>> a.stability.in_core
    True
    """
    import pandas as pd  # lazy: loads pandas

    if not isinstance(game, Game):
        raise InvalidGameError(f"corrected_shapley needs a dense Game, got {type(game).__name__}")
    if game.cost:
        raise InvalidGameError(
            "corrected_shapley is defined for profit games (benefits to share); this is a cost "
            "game: correct the split of its savings game instead"
        )
    if form not in FORMS:
        raise InvalidGameError(
            f"form={form!r} is not implemented; the implemented forms are {list(FORMS)}"
        )
    _check_norm(nearest, "nearest", allow_none=True)
    tol = check_tol(tol)
    solver = check_solver(solver)
    shares = factor_shares(factors, game.players)
    names = [str(c) for c in shares.columns]
    w = _factor_weights(weights, names)
    fn, label, opts = _base_rule(base, base_options)
    base_alloc = fn(game, **opts)
    if not isinstance(base_alloc, Allocation) or base_alloc.players != game.players:
        raise InvalidGameError(
            f"base rule {label!r} must return an Allocation for the players "
            f"{list(game.players)}, got {base_alloc!r}"
        )
    phi = np.array(base_alloc.values, dtype=np.float64)
    scale = max(1.0, float(np.max(np.abs(game.values))))
    if abs(float(phi.sum()) - game.grand) > tol * scale * game.n:
        raise InvalidGameError(
            f"base rule {label!r} hands out {float(phi.sum()):.10g}, not v(N) = "
            f"{game.grand:.10g}; the correction keeps efficiency only from an efficient base"
        )
    n = game.n
    corr = game.grand * (shares.to_numpy() - 1.0 / n) * w[None, :]
    x = phi + corr.sum(axis=1)
    breakdown = pd.DataFrame(
        {"base": phi, **{f"correction: {f}": corr[:, k] for k, f in enumerate(names)}},
        index=pd.Index(list(game.players), name="party"),
    )
    breakdown["total"] = x
    stability = stability_diagnostics(game, x, nearest=nearest, tol=tol, solver=solver)
    return Allocation(
        game.players,
        x,
        f"corrected_shapley ({form}, base {label})",
        base=label,
        base_values=dict(zip(game.players, phi.tolist())),
        form=form,
        factor_weights=dict(zip(names, w.tolist())),
        shares=shares,
        breakdown=breakdown,
        stability=stability,
    )
