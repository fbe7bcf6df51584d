"""What-if analysis of a scenario: why a method gives what it gives, a party's share as one
contribution varies, partners ranked for a focal party, and a short summary.

Each function takes a :class:`~benefit_alloc.scenario.Scenario`; the scenario's methods of
the same names delegate here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import registry
from .._bits import names_of, popcount, subset_sums
from .._validate import game_scale
from ..display import format_number
from ..errors import InvalidScenarioError
from ..partnership import table_bytes
from ..solutions.interaction import MAX_LABELLED_PLAYERS, dividends_array
from ..solutions.separation import most_blocking_coalition
from ..solutions.shapley import shapley
from .checks import resources

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..game import Game
    from ..scenario import Scenario

__all__ = ["explain", "explain_sampled", "rank_partners", "sensitivity", "summary"]


def _silent(description: str) -> None:
    """A progress callback that does nothing."""


def sensitivity(
    sc: Scenario, *, progress: Callable[[str], None] | None = None
) -> pd.DataFrame | None:
    """The ``[report.sensitivity]`` sweep: every party's payoff (one column each, then
    ``worth``) as the named party's contribution of the named resource takes each amount
    (the index); None when the scenario asks for none.  See
    :meth:`Partnership.sensitivity`."""
    import pandas as pd  # lazy: loads pandas

    sens = sc.report.get("sensitivity")
    if sens is None:
        return None
    step = progress or _silent
    method = sc.sensitivity_method()
    # the settlement's own options (side_payments, tol of the bundle programme) are not the
    # split's: pass on only what the method itself takes
    opts = registry.split_options(method, sc.options_for(method))
    frames = []
    for amount in sens["amounts"]:
        step(f"sensitivity: {sens['party']}.{sens['resource']} = {amount:g}")
        frames.append(
            sc.partnership.sensitivity(sens["party"], sens["resource"], [amount], method, **opts)
        )
    out = pd.concat(frames)
    out.attrs.update(party=sens["party"], resource=sens["resource"], method=method)
    return out


def explain(
    sc: Scenario,
    method: str,
    *,
    top: int = 8,
    tol: float = 1e-7,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Why ``method`` gives each party what it gives.

    Returns a dict with

    ``parties``
        DataFrame per party: ``standalone`` :math:`v(\\{i\\})`, ``marginal to all``
        :math:`v(N) - v(N \\setminus i)`, ``average marginal (shapley)`` (the Shapley
        value, Shapley 1953), ``payoff`` under the method and ``gain`` over standalone.
    ``excesses``
        The ``top`` coalitions by excess :math:`e(S) = v(S) - x(S)` (how much better
        ``S`` would do alone; positive means ``S`` blocks the split, the core being
        :math:`e(S) \\le 0` for all ``S``, Gillies 1959), with ``v(S)``, ``x(S)``.
    ``blocking``
        Blocking coalitions, worst first (from the settlement's checks).
    ``dividends``
        Where the synergy comes from: the ``top`` coalitions of two or more parties by the
        size of their Harsanyi dividend
        :math:`d(T) = \\sum_{S \\subseteq T} (-1)^{|T| - |S|} v(S)` (Harsanyi 1963; the
        worth ``T`` creates beyond what its proper subsets create;
        :func:`~benefit_alloc.harsanyi_dividends`), largest :math:`|d(T)|` first, with
        ``size`` and ``dividend``; None for a game above
        :data:`~benefit_alloc.solutions.interaction.MAX_LABELLED_PLAYERS` parties.
    ``notes``
        Plain-language sentences.

    A partnership too large to tabulate (:meth:`Partnership.fits_table`) is explained from
    a sampled settlement: see :func:`explain_sampled`.
    """
    if not sc.partnership.fits_table():
        return explain_sampled(sc, method, top=top, tol=tol, progress=progress)
    import pandas as pd  # lazy: loads pandas

    step = progress or _silent
    step("building the game")
    game = sc.partnership.game()
    step(f"solving: {method}")
    st = sc.settle(method)
    players = game.players
    n = game.n
    v = game.values
    x = np.asarray(st.payoffs.values, dtype=float)
    full = (1 << n) - 1
    alone = game.singletons
    marginal = np.array([v[full] - v[full ^ (1 << i)] for i in range(n)])
    parties = pd.DataFrame(
        {
            "standalone": alone,
            "marginal to all": marginal,
            "average marginal (shapley)": shapley(game).values,
            "payoff": x,
            "gain": x - alone,
        },
        index=pd.Index(players, name="party"),
    )
    excess = v - subset_sums(x)
    masks = np.arange(1, 1 << n)
    order = masks[np.argsort(-excess[1:], kind="stable")][:top]
    scale = tol * (1.0 + float(np.abs(v).max(initial=0.0)))
    excesses = _excess_table(
        v[order],
        v[order] - excess[order],
        excess[order],
        scale,
        [" + ".join(names_of(int(m), players)) for m in order],
    )
    dividends = _top_dividends(game, top)
    notes = [
        f"The partnership is worth v(N) = {game.grand:.6g}; {_cooperation_gain(game.grand, alone)}"
    ]
    for i, p in enumerate(players):
        notes.append(
            f"{p} gets {x[i]:.6g} under {method}: {x[i] - alone[i]:+.6g} over what it makes "
            f"alone ({alone[i]:.6g}); the others would lose {marginal[i]:.6g} without it."
        )
    checks = st.checks
    if checks.in_core:
        notes.append(
            f"No coalition can do better on its own: the split is in the core (largest "
            f"excess {format_number(checks.max_excess, scale=game_scale(game.values))})."
        )
    else:
        worst = checks.blocking_coalitions[0]
        mask = game.mask(worst)
        notes.append(
            f"The split is not in the core: {checks.n_blocking} coalition(s) would do "
            f"better alone; the worst, {' + '.join(worst)}, makes {v[mask]:.6g} on its own "
            f"but receives {v[mask] - excess[mask]:.6g}."
        )
    if dividends is not None and len(dividends):
        best = dividends.index[0]
        notes.append(
            f"The largest synergy (Harsanyi dividend) is {best}'s: "
            f"{float(dividends['dividend'].iloc[0]):.6g} beyond what its smaller groups create."
        )
    return {
        "parties": parties,
        "excesses": excesses,
        "blocking": checks.blocking_coalitions,
        "dividends": dividends,
        "notes": notes,
        "settlement": st,
    }


def _excess_table(
    value: np.ndarray, allocated: np.ndarray, excess: np.ndarray, scale: float, labels: list[str]
) -> pd.DataFrame:
    """The ``excesses`` of :func:`explain` and :func:`explain_sampled`: per coalition (in the
    order given) ``v(S)``, ``x(S)``, the excess :math:`e(S) = v(S) - x(S)` and whether it
    blocks (:math:`e(S) >` ``scale``)."""
    import pandas as pd  # lazy: loads pandas

    return pd.DataFrame(
        {"v(S)": value, "x(S)": allocated, "excess": excess, "blocks": excess > scale},
        index=pd.Index(labels, name="coalition"),
    )


def _cooperation_gain(grand: float, alone: np.ndarray) -> str:
    """The sentence of the notes on what cooperation adds: :math:`v(N) - \\sum_i v(\\{i\\})`."""
    total = float(alone.sum())
    return (
        f"alone the parties would make {total:.6g} in all, so cooperation adds {grand - total:.6g}."
    )


def _label(members: np.ndarray, players: Sequence[str]) -> str:
    """A coalition as ``"A + B"``, or ``"everyone but A"`` when few are missing, or its size
    and first members when both lists would be long."""
    inside = [p for p, b in zip(players, members) if b]
    outside = [p for p, b in zip(players, members) if not b]
    if len(inside) <= 8:
        return " + ".join(inside)
    if len(outside) <= 8:
        return "everyone but " + " + ".join(outside)
    return f"{len(inside)} parties: {' + '.join(inside[:3])} + ..."


def explain_sampled(
    sc: Scenario,
    method: str,
    *,
    top: int = 8,
    tol: float = 1e-7,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    r""":func:`explain` for a partnership too large to tabulate, from a sampled settlement.

    Only a sampled method (``shapley_sampled``, ``banzhaf_sampled``, ``owen_sampled``)
    settles such a partnership; an exact one is refused, naming its sampled counterpart.
    The oracle evaluates :math:`v(N)`, every :math:`v(\{i\})` and every
    :math:`v(N \setminus i)` exactly (``2n + 1`` coalitions), so ``standalone`` and
    ``marginal to all`` are exact; ``payoff`` and ``gain`` are estimates, with their
    standard errors in ``stderr``.  No Shapley column: the table of :math:`2^n` values it
    needs does not exist.  The excesses are those of the coalitions evaluated: the
    singletons, everyone but one, and the coalition of largest excess found by
    :func:`~benefit_alloc.most_blocking_coalition` on the oracle (exact when the oracle
    has a separator, else a heuristic search that proves nothing when it finds none).
    The notes say which figures are estimates.

    Raises
    ------
    InvalidScenarioError
        For an exact method (naming its sampled counterpart), or as :meth:`Scenario.settle`
        (a sampled method without ``budget``).
    """
    import pandas as pd  # lazy: loads pandas

    p = sc.partnership
    n = p.n
    if method not in registry.SAMPLED_METHODS:
        other = registry.SAMPLED_COUNTERPART.get(method, "shapley_sampled")
        raise InvalidScenarioError(
            f"explain {method!r} needs every coalition's value, and {n} parties are too many "
            f"to tabulate (about {table_bytes(n, len(p.output_names)):.3g} bytes); explain its "
            f"sampled counterpart instead: --method {other} (with a budget in "
            f"[methods.options.{other}])"
        )
    step = progress or _silent
    step(f"solving: {method}")
    st = sc.settle(method)
    players = p.players
    x = np.asarray(st.payoffs.values, dtype=float)
    se = np.asarray(st.payoffs.stderr, dtype=float)
    step("evaluating the singletons and everyone but one")
    oracle = p.oracle()
    rows = np.vstack([np.ones((1, n), dtype=bool), np.eye(n, dtype=bool), ~np.eye(n, dtype=bool)])
    vals = oracle.evaluate(rows)
    grand, alone, without = float(vals[0]), vals[1 : n + 1], vals[n + 1 :]
    parties = pd.DataFrame(
        {
            "standalone": alone,
            "marginal to all": grand - without,
            "payoff": x,
            "stderr": se,
            "gain": x - alone,
        },
        index=pd.Index(players, name="party"),
    )
    step("searching for the most blocking coalition")
    found = most_blocking_coalition(oracle, x, rng=0)
    total = float(x.sum())
    members = np.vstack([np.eye(n, dtype=bool), ~np.eye(n, dtype=bool), found.members[None]])
    values = np.concatenate([alone, without, [found.value]])
    allocated = np.concatenate([x, total - x, [found.allocated]])
    excess = values - allocated
    labels = [_label(m, players) for m in members]
    # one row per coalition (the one found may be a singleton or everyone but one)
    first = {lab: i for i, lab in reversed(list(enumerate(labels)))}
    keep = np.array(sorted(first.values()), dtype=np.int64)
    order = keep[np.argsort(-excess[keep], kind="stable")][:top]
    scale = tol * (1.0 + max(abs(grand), float(np.abs(values).max(initial=0.0))))
    excesses = _excess_table(
        values[order], allocated[order], excess[order], scale, [labels[i] for i in order]
    )
    blocking_rows = keep[excess[keep] > scale]
    blocking_rows = blocking_rows[np.argsort(-excess[blocking_rows], kind="stable")]
    blocking = [tuple(q for q, b in zip(players, members[i]) if b) for i in blocking_rows]
    search = (
        "exact separation"
        if found.exact
        else f"a heuristic search of {found.evaluated:,} coalitions"
    )
    budget = st.payoffs.diagnostics.get("evaluations")
    notes = [
        f"The payoffs under {method} are estimates from sampling"
        + (f" ({int(budget):,} coalition values)" if budget is not None else "")
        + f": stderr is one standard error (largest {float(se.max()):.3g}); {n} parties are "
        "too many to tabulate every coalition.",
        f"Exact: v(N) = {grand:.6g}, each party's standalone value and its marginal "
        f"contribution to all; {_cooperation_gain(grand, alone)}",
    ]
    if found.blocking:
        notes.append(
            f"The estimate is not in the core: by {search}, the coalition "
            f"{_label(found.members, players)} ({len(found.coalition)} parties) makes "
            f"{found.value:.6g} on its own but receives {found.allocated:.6g} (excess "
            f"{found.excess:.6g})."
        )
    elif found.exact:
        notes.append(
            f"No coalition would do better on its own (exact separation: largest excess "
            f"{found.excess:.6g})."
        )
    else:
        notes.append(
            f"No blocking coalition found by {search}; that does not prove the estimate is "
            "in the core (excesses listed are of the coalitions evaluated)."
        )
    return {
        "parties": parties,
        "excesses": excesses,
        "blocking": blocking,
        "notes": notes,
        "settlement": st,
    }


def _top_dividends(game: Game, top: int) -> pd.DataFrame | None:
    """The ``top`` coalitions of two or more players by ``|Harsanyi dividend|``, labelled;
    None when the game is too large to list."""
    import pandas as pd  # lazy: loads pandas

    if game.n > MAX_LABELLED_PLAYERS:
        return None
    d = dividends_array(game)
    masks = np.arange(1, 1 << game.n, dtype=np.int64)
    masks = masks[(popcount(masks) >= 2) & (d[masks] != 0.0)]
    order = masks[np.argsort(-np.abs(d[masks]), kind="stable")][:top]
    return pd.DataFrame(
        {"size": popcount(order), "dividend": d[order]},
        index=pd.Index(
            [" + ".join(names_of(int(m), game.players)) for m in order], name="coalition"
        ),
    )


def rank_partners(
    sc: Scenario,
    focal: str,
    candidates: Sequence[str] | None = None,
    *,
    max_size: int = 1,
    method: str = "shapley",
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Rank partners for ``focal`` (:meth:`Partnership.rank_partners`) with the scenario's
    options for ``method``."""
    step = progress or _silent
    step("building the game")
    sc.partnership.prepare()
    step("ranking partners")
    return sc.partnership.rank_partners(
        focal,
        candidates,
        max_size=max_size,
        method=method,
        **registry.split_options(method, sc.options_for(method)),
    )


def summary(sc: Scenario) -> dict[str, Any]:
    """A short description: parties, outputs, production model, unions, methods."""
    spec = sc.spec
    prod = spec["production"]
    out: dict[str, Any] = {
        "name": sc.name,
        "parties": list(sc.parties),
        "kinds": [p["kind"] for p in spec["party"]],
        "outputs": list(sc.outputs),
        "numeraire": sc.numeraire,
        "production": prod["model"],
    }
    res = resources(spec)
    if res is not None:
        out["resources"] = res
    if prod["model"] == "linear":
        out["activities"] = [a["name"] for a in prod["activity"]]
    if prod["model"] == "table":
        out["table rows"] = len(sc.table_rows or [])
    if spec["union"]:
        out["unions"] = {u["name"]: list(u["members"]) for u in spec["union"]}
    out["methods"] = list(sc.methods)
    if sc.partners is not None:
        out["partners focal"] = sc.partners["focal"]
    return out
