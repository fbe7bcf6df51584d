r"""What-if analysis of a partnership: whom to partner with, and what a contribution is worth.

Functions of a :class:`~benefit_alloc.Partnership` (networkx style: the data model stays
small, the analyses are functions taking it), built on the stability functions of
:mod:`benefit_alloc.solutions.core`:

* :func:`rank_partners`: for a focal party, every group of up to ``max_size`` candidate
  partners, the subgame of the focal party and the group split by a solution concept, with
  each side's gain over standing alone (negated singleton excesses,
  :func:`~benefit_alloc.excess`) and whether the subgame's core is empty
  (:func:`~benefit_alloc.core_is_empty`, with its least-core :math:`\varepsilon`,
  Maschler, Peleg and Shapley 1979);
* :func:`sensitivity`: every party's payoff as one party's contribution of one resource
  varies.

:meth:`Partnership.rank_partners` and :meth:`Partnership.sensitivity` call these.

References
----------
Maschler, M., Peleg, B. and Shapley, L. S. (1979). Geometric properties of the kernel,
nucleolus and related solution concepts. Mathematics of Operations Research 4(4), 303-338.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .allocation import Allocation
from .errors import InvalidScenarioError
from .registry import SAMPLED_COUNTERPART, SAMPLED_METHODS
from .settlement import solve_method
from .solutions.core import core_is_empty, excess, least_core
from .solutions.interaction import shapley_interaction

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .game import Game
    from .partnership import Partnership

__all__ = ["rank_partners", "sensitivity"]


def _candidates(names: tuple[str, ...], focal: str, candidates: Sequence[str] | None) -> list[str]:
    """The candidate partners of ``focal``, checked (default: every other party)."""
    if focal not in names:
        raise InvalidScenarioError(f"focal party {focal!r} is not one of {list(names)}")
    if candidates is None:
        cands = [p for p in names if p != focal]
    else:
        if isinstance(candidates, str):
            raise InvalidScenarioError(
                f"candidates must be a list of names, got the string {candidates!r}"
            )
        cands = list(candidates)
        for c in cands:
            if c not in names:
                raise InvalidScenarioError(
                    f"candidate {c!r} is not a party; the parties are {list(names)}"
                )
            if c == focal:
                raise InvalidScenarioError(f"candidates include the focal party {focal!r}")
        if len(set(cands)) != len(cands):
            raise InvalidScenarioError(f"candidates {cands} name a party twice")
    if not cands:
        raise InvalidScenarioError("there are no candidate partners to rank")
    return cands


def _pair_interaction(sub: Game, group: Sequence[str]) -> float:
    """Shapley interaction index of a pair of partners in their subgame (``NaN`` for a
    group of another size)."""
    if len(group) != 2:
        return math.nan
    i, j = group
    return float(shapley_interaction(sub).loc[i, j])


def rank_partners(
    partnership: Partnership,
    focal: str,
    candidates: Sequence[str] | None = None,
    *,
    max_size: int = 1,
    method: str | Callable[..., Allocation] = "shapley",
    tol: float = 1e-9,
    **options: Any,
) -> pd.DataFrame:
    r"""Rank candidate partners (or groups of up to ``max_size``) for ``focal``.

    For every set ``T`` of candidates with ``1 <= |T| <= max_size`` the partnership's game is
    restricted to :math:`\{f\} \cup T` and split by ``method`` (Shapley by default).

    Only the subgames on the focal party and at most ``max_size`` candidates are tabulated,
    so a partnership of any size can be ranked: when its own table does not fit
    (:meth:`Partnership.fits_table`) each group's partnership is restricted
    (:meth:`Partnership.restrict`) and tabulated alone.

    Parameters
    ----------
    partnership : Partnership
        A transferable partnership (its money-metric game is analysed).
    focal : str
        The party looking for partners.
    candidates : sequence of str, optional
        The parties it may choose among; default every other party.
    max_size : int, default 1
        Largest group of partners considered.
    method : str or callable, default "shapley"
        The solution concept splitting each subgame (a name or a function, as for
        :meth:`Partnership.settle`).
    tol : float, default 1e-9
        Relative tolerance of the core test (:func:`~benefit_alloc.core_is_empty`).
    **options
        Passed to ``method``.

    Returns
    -------
    pandas.DataFrame
        One row per ``T``: ``partners`` (names joined by ``" + "``), ``size``, ``worth``
        :math:`v(\{f\} \cup T)`, ``focal_payoff`` :math:`x_f`, ``focal_gain``
        :math:`x_f - v(\{f\}) = -e(\{f\}, x)`, ``partner_gain``
        :math:`\sum_{p \in T} x_p - v(\{p\}) = -\sum_{p \in T} e(\{p\}, x)`,
        ``core_nonempty`` and ``least_core_epsilon`` (the least-core :math:`\varepsilon` of
        the subgame, Maschler, Peleg and Shapley 1979: the core is non-empty iff
        :math:`\varepsilon \le 0`), and for a pair of partners :math:`T = \{i, j\}`
        ``pair_interaction``, the Shapley interaction index of ``i`` and ``j`` in the
        subgame on :math:`\{f, i, j\}` (Grabisch and Roubens 1999,
        :func:`~benefit_alloc.shapley_interaction`; in a game of three parties it equals
        the Banzhaf interaction index), the average of
        :math:`v(S \cup ij) - v(S \cup i) - v(S \cup j) + v(S)` over :math:`S = \emptyset`
        and :math:`S = \{f\}`: positive when the two partners complement each other
        (together they add more than apart), negative when they substitute for each other
        (``NaN`` for groups of another size; ``max_size >= 2`` ranks the pairs).  Sorted by
        ``focal_gain``, largest first; ``attrs`` hold
        ``focal`` and ``method``.

    Raises
    ------
    InvalidScenarioError
        For an unknown focal party or candidate, the focal party among the candidates, a
        party named twice, no candidates, or ``max_size`` outside ``1..len(candidates)``.
    """
    import pandas as pd  # lazy: loads pandas

    names = partnership.players
    cands = _candidates(names, focal, candidates)
    if (
        isinstance(max_size, bool)
        or not isinstance(max_size, (int, np.integer))
        or not (1 <= max_size <= len(cands))
    ):
        raise InvalidScenarioError(
            f"max_size = {max_size!r} must be an integer from 1 to {len(cands)} (the number "
            "of candidates)"
        )
    game = partnership.game() if partnership.fits_table() else None
    rows = []
    for size in range(1, int(max_size) + 1):
        for group in itertools.combinations(cands, size):
            members = [p for p in names if p == focal or p in group]
            # a large partnership: restrict to the focal party and the group, then tabulate
            sub = (
                game.subgame(members) if game is not None else partnership.restrict(members).game()
            )
            alloc = solve_method(sub, method, **options)
            pair = _pair_interaction(sub, group)
            e = excess(sub, alloc)  # v(S) - x(S); singletons at the masks 1 << i
            alone = {p: float(e[1 << i]) for i, p in enumerate(sub.players)}
            rows.append(
                {
                    "partners": " + ".join(group),
                    "size": size,
                    "worth": sub.grand,
                    "focal_payoff": alloc[focal],
                    "focal_gain": -alone[focal],
                    "partner_gain": sum(-alone[p] for p in group),
                    "core_nonempty": not core_is_empty(sub, tol=tol),
                    "least_core_epsilon": float(least_core(sub).epsilon),
                    "pair_interaction": pair,
                }
            )
    df = pd.DataFrame(rows)
    df = df.sort_values("focal_gain", ascending=False, kind="stable").reset_index(drop=True)
    df.attrs["focal"] = focal
    df.attrs["method"] = method if isinstance(method, str) else getattr(method, "__name__", "")
    return df


def sensitivity(
    partnership: Partnership,
    party: str,
    resource: str,
    amounts: Sequence[float],
    method: str | Callable[..., Allocation] = "shapley",
    **options: Any,
) -> pd.DataFrame:
    """Every party's payoff as ``party``'s contribution of ``resource`` varies.

    Each amount gives a variant of the partnership
    (:meth:`Partnership.with_contribution`) whose money-metric game is split by ``method``.

    A partnership too large to tabulate (:meth:`Partnership.fits_table`) is split by a
    sampled method (``shapley_sampled``, ``banzhaf_sampled``, ``owen_sampled``, with
    ``budget=``) on each variant's :meth:`~Partnership.oracle`, with *common random
    numbers*: every amount is sampled from the same seed, so that the same coalitions are
    drawn for each amount and the differences between rows carry far smaller errors than
    the rows themselves (the samplers' draws never depend on the game).  The frame's
    ``attrs`` then hold ``stderr`` (a frame of the standard errors, same shape less
    ``worth``), ``common_random_numbers = True`` and the ``seed``.

    Parameters
    ----------
    partnership : Partnership
    party : str
        Whose contribution varies.
    resource : str
        A resource the production model uses.
    amounts : sequence of float
        The contributions to try (at least one).
    method : str or callable, default "shapley"
        The solution concept (as for :meth:`Partnership.settle`).
    **options
        Passed to ``method``.

    Returns
    -------
    pandas.DataFrame
        Indexed by the amounts (index name ``"party.resource"``), one column per party
        (payoffs by ``method``) and a last ``worth`` column :math:`v(N)`.

    Raises
    ------
    InvalidScenarioError
        For an unknown party or resource, or amounts that are not a non-empty list of
        numbers; for an exact method on a partnership too large to tabulate (naming its
        sampled counterpart).
    """
    import pandas as pd  # lazy: loads pandas

    names = partnership.players
    if party not in names:
        raise InvalidScenarioError(f"unknown party {party!r}; the parties are {list(names)}")
    resources = partnership.production.resources
    if resource not in resources:
        raise InvalidScenarioError(
            f"resource {resource!r} is not used by the production model (its resources: "
            f"{list(resources)})"
        )
    try:
        levels = [float(a) for a in amounts]
    except (TypeError, ValueError):
        raise InvalidScenarioError(f"amounts must be a list of numbers, got {amounts!r}") from None
    if not levels:
        raise InvalidScenarioError("amounts is empty; give at least one amount")
    if not partnership.fits_table():
        return _sampled_sensitivity(partnership, party, resource, levels, method, options)
    rows = []
    for a in levels:
        g = partnership.with_contribution(party, resource, a).game()
        alloc = solve_method(g, method, **options)
        rows.append([*alloc.values.tolist(), g.grand])
    return pd.DataFrame(
        rows,
        index=pd.Index(levels, name=f"{party}.{resource}"),
        columns=[*names, "worth"],
    )


def _sampled_sensitivity(
    partnership: Partnership,
    party: str,
    resource: str,
    levels: list[float],
    method: str | Callable[..., Allocation],
    options: dict[str, Any],
) -> pd.DataFrame:
    """:func:`sensitivity` of a partnership too large to tabulate: a sampled method on each
    variant's oracle, every amount from one seed (common random numbers)."""
    import pandas as pd  # lazy: loads pandas

    if not isinstance(method, str) or method not in SAMPLED_METHODS:
        other = SAMPLED_COUNTERPART.get(str(method), "shapley_sampled")
        raise InvalidScenarioError(
            f"sensitivity by {method!r} needs every coalition's value, and "
            f"{partnership.n} parties are too many to tabulate; use its sampled counterpart "
            f"{other} with budget= (the amounts then share common random numbers)"
        )
    rng = options.get("rng")
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        seed = int(rng)
    else:  # one seed drawn from the generator (or fresh entropy) serves every amount
        gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        seed = int(gen.integers(2**63 - 1))
    names = partnership.players
    rows, errs = [], []
    for a in levels:
        variant = partnership.with_contribution(party, resource, a)
        alloc = variant.sampled_split(method, **{**options, "rng": seed})
        se = alloc.stderr
        rows.append([*alloc.values.tolist(), variant.oracle().grand])
        errs.append(np.zeros(len(names)) if se is None else se)
    index = pd.Index(levels, name=f"{party}.{resource}")
    df = pd.DataFrame(rows, index=index, columns=[*names, "worth"])
    df.attrs["stderr"] = pd.DataFrame(np.array(errs), index=index, columns=list(names))
    df.attrs["common_random_numbers"] = True
    df.attrs["seed"] = seed
    return df
