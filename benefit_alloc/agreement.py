"""A partnership settled by one method, written as an agreement the partners could sign.

:func:`agreement_document` settles a scenario by one method and writes, in Markdown or HTML:

1. the parties and, when the scenario's ``[agreement]`` table gives them, the term;
2. each party's contributions, its obligations (the resources of its ``[[party]]`` table; the
   factor scores the split relies on, when the method reads them);
3. what each party receives of every output, and its money, rounded to the money's smallest
   unit (``scenario.money_step``) by largest remainders
   (:func:`benefit_alloc.display.round_money`), so that the rounded amounts add up to the
   rounded total;
4. the money transfers, who pays whom and how much, derived from the rounded amounts in whole
   units of money (so they balance exactly: every account's inflow less its outflow is its
   rounded money, and the flows sum to zero);
5. the conditions: every break-even floor, and each party's payoff beside what it would
   earn alone;
6. the method, with its one-line summary from the registry, and the rationale the scenario
   gives (``[agreement] rationale``);
7. the stability statement with its certificate: the largest excess
   :math:`\\max_{S} v(S) - x(S)` over the coalitions other than the grand one and a coalition
   attaining it (at most 0: no coalition can do better alone, the split is in the core).  For
   a partnership whose game fits in a table every coalition is checked; for a larger one the
   excess comes from :func:`benefit_alloc.most_blocking_coalition` on the partnership's
   oracle: exact when the oracle carries an exact separator, else a heuristic search whose
   answer is only a lower bound (the partnership's own oracle carries none today, so the
   text says "heuristic"); a bargaining solution, which splits the parties' own utilities,
   gets no certificate, and the text says why;
8. the signatories (``[agreement] signatories``).

The document names nothing the scenario does not contain: parties, resources, outputs,
factors and the scenario's own text, and the pool of the money produced, called "the joint
fund".  In HTML every piece of user text is escaped (:func:`html.escape`, as in the report
and :mod:`benefit_alloc._html`); in Markdown table cells ``|`` is escaped and control
characters are shown escaped (:func:`benefit_alloc._text.printable`).
"""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from . import registry
from ._html import table as html_table
from ._schema import suggest
from ._text import printable
from .display import format_money, format_number, round_money
from .errors import InvalidScenarioError
from .scenario import METHODS, Scenario

if TYPE_CHECKING:  # pragma: no cover
    from .settlement import Settlement

__all__ = ["agreement_document", "write_agreement", "balanced_transfers", "Certificate", "FORMATS"]

#: Output formats of the agreement.
FORMATS: tuple[str, ...] = ("markdown", "html")

#: What the pool of the money produced is called in the agreement.
JOINT_FUND = "the joint fund"


@dataclass(frozen=True)
class Certificate:
    """The stability certificate: the largest excess and a coalition attaining it.

    Attributes
    ----------
    max_excess : float
        :math:`\\max_S v(S) - x(S)` over the coalitions examined (``-inf`` with one party).
    coalition : tuple of str
        A coalition attaining it.
    how : str
        How it was found: ``"every coalition"``, ``"exact separation"`` or ``"heuristic"``.
    exact : bool
        True when ``max_excess`` is the maximum over all coalitions (not a lower bound).
    """

    max_excess: float
    coalition: tuple[str, ...]
    how: str
    exact: bool


def balanced_transfers(
    parties: Sequence[str], money: Sequence[float], step: float
) -> tuple[list[tuple[str, str, int]], list[int]]:
    """Who pays whom, in whole units of money, from each party's money.

    The amounts are rounded to multiples of ``step`` by largest remainders (so they add up to
    the rounded total), counted in integer units, and matched greedily: the joint fund (the
    rounded total, when positive) and the parties with negative money pay the parties with
    positive money (:func:`benefit_alloc.settlement.transfers`, on integers).

    Returns
    -------
    transfers : list of (payer, payee, units)
        Payer and payee are parties or :data:`JOINT_FUND`; ``units * step`` is the amount.
    units : list of int
        Each party's rounded money in units (a party's inflow less its outflow).
    """
    from .settlement import transfers  # lazy: the settlement layer loads the solvers

    rounded = round_money(np.asarray(money, dtype=np.float64), step)
    units = [int(round(v / step)) for v in rounded]
    frame = transfers(list(parties), np.array(units, dtype=np.float64), 0.0, "fund")
    out: list[tuple[str, str, int]] = []
    for r in frame.to_dict("records"):
        src = JOINT_FUND if r["from"] == "joint fund" else str(r["from"])
        dst = JOINT_FUND if r["to"] == "joint fund" else str(r["to"])
        out.append((src, dst, int(round(float(r["amount"])))))
    return out, units


def _certificate(scenario: Scenario, x: Sequence[float]) -> Certificate | None:
    """The largest excess of ``x`` and its coalition, or None for a non-transferable
    partnership (its coalitions' worth is not one number of money)."""
    p = scenario.partnership
    if not p.is_transferable:
        return None
    if p.fits_table():
        from .solutions.diagnostics import stability_diagnostics  # lazy: loads the LP layer

        d = stability_diagnostics(p.game(), list(x), nearest=None)
        return Certificate(d.max_excess, tuple(d.max_excess_coalition), "every coalition", True)
    from .solutions.separation import most_blocking_coalition  # lazy: loads the LP layer

    rep = most_blocking_coalition(p.oracle(), list(x), rng=0)
    how = "exact separation" if rep.exact else "heuristic"
    return Certificate(float(rep.excess), tuple(rep.coalition), how, bool(rep.exact))


# ---------------------------------------------------------------------------- blocks
Block = tuple[Any, ...]


def _blocks(scenario: Scenario, method: str, st: Settlement) -> list[Block]:
    """The document as plain blocks: ("h1"|"h2"|"p", text) and ("table", header, rows)."""
    spec = scenario.spec
    parties = list(scenario.parties)
    step = scenario.money_step
    unit = f" {scenario.money_unit}" if scenario.money_unit else ""
    num = scenario.numeraire
    agreement = scenario.agreement
    money_words = f"{num}{unit}"
    out: list[Block] = [("h1", f"Agreement: {scenario.name}")]
    names = ", ".join(parties[:-1]) + (" and " if len(parties) > 1 else "") + parties[-1]
    out.append(("p", f"Between {names}."))
    if scenario.description.strip():
        out.append(("p", scenario.description.strip()))
    if agreement.get("term"):
        out.append(("p", f"Term: {agreement['term']}."))

    # 1. contributions
    out.append(("h2", "1. Contributions (each party's obligations)"))
    resources: list[str] = []
    for p in spec["party"]:
        resources.extend(r for r in p["contributes"] if r not in resources)
    if resources:
        rows = [
            [p["name"], *[format_number(p["contributes"].get(r, 0.0)) for r in resources]]
            for p in spec["party"]
        ]
        out.append(("p", "Each party brings to the partnership:"))
        out.append(("table", ["party", *resources], rows))
    else:
        out.append(("p", "The scenario lists no contributed resources."))
    options = scenario.options_for(method)
    factors = options.get("factors")
    if factors:
        names_f = list(next(iter(factors.values())))
        out.append(
            ("p", "The split is corrected for these factor scores, declared by the parties:")
        )
        out.append(
            (
                "table",
                ["party", *names_f],
                [[q, *[format_number(factors[q][f]) for f in names_f]] for q in parties],
            )
        )

    # 2. what each receives
    out.append(("h2", "2. What each party receives"))
    bundles = st.bundles
    outputs = [c for c in bundles.columns if c != st.numeraire]
    money = [float(bundles.loc[q, st.numeraire]) for q in parties]
    tr, units = balanced_transfers(parties, money, step)
    header = ["party", *outputs, f"money ({money_words})"]
    rows = [
        [
            q,
            *[format_number(float(bundles.loc[q, o])) for o in outputs],
            format_money(u * step, step),
        ]
        for q, u in zip(parties, units)
    ]
    rows.append(["total", *["" for _ in outputs], format_money(sum(units) * step, step)])
    out.append(
        (
            "p",
            f"Of every output, each party receives the amount below; money is in {money_words}, "
            f"rounded to multiples of {format_number(step)} so that the amounts add up to the "
            "total (a negative amount is paid by the party).",
        )
    )
    out.append(("table", header, rows))

    # 3. transfers
    out.append(("h2", "3. Money transfers"))
    if tr:
        out.append(("p", f"The following payments settle the accounts ({money_words}):"))
        out.append(
            (
                "table",
                ["payer", "payee", "amount"],
                [[a, b, format_money(k * step, step)] for a, b, k in tr],
            )
        )
        paid = sum(k for _, _, k in tr)
        out.append(
            (
                "p",
                f"In all {format_money(paid * step, step)} changes hands; each party's payments "
                "received less its payments made equal its money above.",
            )
        )
    else:
        out.append(("p", "No money changes hands."))

    # 4. conditions
    out.append(("h2", "4. Conditions"))
    floors: list[tuple[str, float]] = [
        (q, float(f))
        for q, u in scenario.partnership.utilities.items()
        if (f := getattr(u, "breakeven", None)) is not None
    ]
    if floors:
        out.append(("p", "Each party named below receives at least its break-even floor in money:"))
        out.append(
            (
                "table",
                ["party", f"floor ({money_words})", f"receives ({money_words})", "met"],
                [
                    [
                        q,
                        format_money(f, step),
                        format_money(units[parties.index(q)] * step, step),
                        "yes" if units[parties.index(q)] * step >= f - step / 2 else "no",
                    ]
                    for q, f in floors
                ],
            )
        )
    else:
        out.append(("p", "No party has a break-even floor."))
    alone = st.standalone
    out.append(
        (
            "table",
            ["party", f"payoff ({money_words})", f"alone ({money_words})", "at least as well off"],
            [
                [
                    q,
                    format_money(float(st.payoffs[q]), step),
                    format_money(float(alone[q]), step),
                    "yes"
                    if float(st.payoffs[q])
                    >= float(alone[q]) - 1e-9 * max(1.0, abs(float(alone[q])))
                    else "no",
                ]
                for q in parties
            ],
        )
    )

    # 5. method and rationale
    out.append(("h2", "5. Method and rationale"))
    out.append(("p", f"The split follows the method {method}: {registry.get(method).summary}."))
    weights = options.get("weights")
    if weights:
        source = {
            "ahp": "AHP pairwise comparisons",
            "entropy": "the entropy weight method",
            "weights": "the scenario",
        }.get(scenario.factors.source, "the scenario")
        shown = ", ".join(f"{f} {w:.4f}" for f, w in weights.items())
        out.append(("p", f"Factor weights (from {source}): {shown}."))
    rationale = str(agreement.get("rationale", "")).strip()
    out.append(
        ("p", f"Rationale: {rationale}" if rationale else "The scenario gives no rationale.")
    )

    # 6. stability
    out.append(("h2", "6. Stability"))
    cert = (
        None
        if registry.get(method).is_bargaining
        else _certificate(scenario, list(st.payoffs.values))
    )
    if registry.get(method).is_bargaining:
        out.append(
            (
                "p",
                f"{method} bargains over the parties' own utilities, which are not sums of "
                "money, so no excess certificate over the coalitions' money worth is given; "
                "settle by a money split (a TU method) for one.",
            )
        )
    elif cert is None:
        out.append(
            (
                "p",
                "Some party does not value money, so the worth of a coalition is not one sum of "
                "money and no excess certificate is given.",
            )
        )
    else:
        who = " + ".join(cert.coalition) or "no coalition"
        how = {
            "every coalition": "every coalition was checked",
            "exact separation": "by exact separation over all coalitions",
            "heuristic": "by a heuristic search, which gives a lower bound only",
        }[cert.how]
        excess = format_money(cert.max_excess, step) if np.isfinite(cert.max_excess) else "none"
        tol = 1e-7 * max(1.0, abs(float(np.sum(st.payoffs.values))))
        if cert.max_excess <= tol:
            verdict = (
                "no coalition would do better on its own: the split is in the core"
                if cert.exact
                else "no coalition found would do better on its own (not a proof of core membership)"
            )
        else:
            verdict = f"{who} would do better on its own: the split is not in the core"
        out.append(
            (
                "p",
                f"Certificate: the largest excess v(S) - x(S) over the coalitions S is {excess} "
                f"({money_words}), attained by {who} ({how}); {verdict}.",
            )
        )

    # 7. signatures
    out.append(("h2", "7. Signatures"))
    signatories = agreement.get("signatories") or {}
    out.append(
        (
            "table",
            ["party", "signed for by", "signature", "date"],
            [[q, signatories.get(q, ""), "", ""] for q in parties],
        )
    )
    return out


# ---------------------------------------------------------------------------- rendering
def _md_cell(text: Any) -> str:
    return printable(" ".join(str(text).split())).replace("|", "\\|")


def _markdown(blocks: Sequence[Block]) -> str:
    lines: list[str] = []
    for b in blocks:
        if b[0] == "h1":
            lines += [f"# {_md_cell(b[1])}", ""]
        elif b[0] == "h2":
            lines += [f"## {_md_cell(b[1])}", ""]
        elif b[0] == "p":
            lines += [_md_cell(b[1]), ""]
        else:
            header, rows = b[1], b[2]
            lines.append("| " + " | ".join(_md_cell(h) for h in header) + " |")
            lines.append("|" + "|".join(" --- " for _ in header) + "|")
            lines += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in rows]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _html(blocks: Sequence[Block], title: str) -> str:
    parts: list[str] = []
    for b in blocks:
        if b[0] in ("h1", "h2"):
            parts.append(f"<{b[0]}>{html.escape(str(b[1]))}</{b[0]}>")
        elif b[0] == "p":
            parts.append(f"<p>{html.escape(str(b[1]))}</p>")
        else:
            parts.append(html_table(list(b[1]), [[str(c) for c in r] for r in b[2]]))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
        "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #999;"
        "padding:.2em .5em}</style></head><body>\n" + "\n".join(parts) + "\n</body></html>\n"
    )


def agreement_document(
    scenario: Scenario,
    method: str,
    *,
    format: Literal["markdown", "html"] = "markdown",
    settlement: Settlement | None = None,
) -> str:
    """The agreement as Markdown or HTML text (see the module docstring for its sections).

    Parameters
    ----------
    scenario : Scenario
    method : str
        A method of the scenario format that applies to it.
    format : {"markdown", "html"}
    settlement : Settlement, optional
        The scenario settled by ``method`` (computed when not given).

    Raises
    ------
    InvalidScenarioError
        For an unknown method (with a close match), one that does not apply to the scenario
        (saying why), or an unknown format.
    """
    if not isinstance(scenario, Scenario):
        raise InvalidScenarioError(
            f"scenario must be a Scenario (from load_scenario), got {type(scenario).__name__}"
        )
    if format not in FORMATS:
        raise InvalidScenarioError(
            f"format={format!r} is unknown{suggest(str(format), FORMATS)}; use one of {', '.join(FORMATS)}"
        )
    if not isinstance(method, str) or method not in METHODS:
        raise InvalidScenarioError(
            f"method {method!r} is not known{suggest(str(method), list(METHODS))} (methods: "
            f"{', '.join(METHODS)})"
        )
    reason = scenario.why_not(method)
    if reason is not None:
        raise InvalidScenarioError(f"method {method} does not apply to this scenario: it {reason}")
    st = scenario.settle(method) if settlement is None else settlement
    blocks = _blocks(scenario, method, st)
    if format == "html":
        return _html(blocks, f"Agreement: {scenario.name}")
    return _markdown(blocks)


def write_agreement(
    path: str | os.PathLike[str],
    scenario: Scenario,
    method: str,
    *,
    format: Literal["markdown", "html"] | None = None,
) -> Path:
    """Write :func:`agreement_document` to ``path``; the format is ``format``, else HTML for a
    ``.html`` / ``.htm`` file and Markdown otherwise.  Returns the path.

    Raises
    ------
    OSError
        When the file cannot be written.
    """
    out = Path(path)
    fmt = format or ("html" if out.suffix.lower() in (".html", ".htm") else "markdown")
    text = agreement_document(scenario, method, format=fmt)  # type: ignore[arg-type]
    out.write_text(text, encoding="utf-8")
    return out
