"""Building the model a scenario describes: utilities, the production model and the
:class:`~benefit_alloc.Partnership`, from the validated document."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import InvalidGameError, InvalidScenarioError
from .checks import resources
from .party_table import utility

if TYPE_CHECKING:  # pragma: no cover
    from ..partnership import Partnership
    from ..production.base import ProductionModel

__all__ = ["build_partnership", "production_model", "utility"]


def production_model(
    spec: Mapping[str, Any], rows: Sequence[Mapping[str, Any]] | None
) -> ProductionModel:
    """The production model of the ``[production]`` table (``rows``: a table model's
    coalitions, read from its CSV or inline)."""
    prod = spec["production"]
    outputs = [o["name"] for o in spec["output"]]
    parties = [p["name"] for p in spec["party"]]
    if prod["model"] == "linear":
        from ..production import LinearProduction  # lazy: production models load on use

        acts = prod["activity"]
        used = list(resources(spec) or [])
        technology = [[a["uses"].get(r, 0.0) for a in acts] for r in used]
        yields = [[a["makes"].get(o, 0.0) for o in outputs] for a in acts]
        return LinearProduction(
            technology,
            yields=yields,
            resources=used,
            activities=[a["name"] for a in acts],
            outputs=outputs,
        )
    if prod["model"] == "synergy":
        from ..production import CES, CobbDouglas, Synergy  # lazy: production models load on use

        funcs: dict[str, Any] = {}
        for out, f in prod["function"].items():
            if f["form"] == "ces":
                funcs[out] = CES(f["scale"], f["shares"], f["rho"], f["returns"])
            elif f["form"] == "cobb_douglas":
                funcs[out] = CobbDouglas(f["scale"], f["exponents"])
            else:
                k = len(f["inputs"])
                funcs[out] = CES(
                    f["scale"], dict.fromkeys(f["inputs"], 1.0 / k), -math.inf, f["returns"]
                )
        return Synergy(funcs, resources=resources(spec))
    from ..production import TableProduction  # lazy: production models load on use

    table = {
        frozenset(r["members"]): {o: r["outputs"].get(o, 0.0) for o in outputs} for r in rows or []
    }
    return TableProduction(table, fill=prod.get("fill"), parties=list(parties))


def build_partnership(
    spec: Mapping[str, Any], rows: Sequence[Mapping[str, Any]] | None
) -> Partnership:
    """The :class:`~benefit_alloc.Partnership` a validated scenario document describes."""
    from ..partnership import Output, Partnership, Party  # lazy: loads the solvers

    try:
        parties = [Party(p["name"], p["kind"], p["contributes"]) for p in spec["party"]]
        outputs = [Output(o["name"], o["unit"], o["rival"]) for o in spec["output"]]
        utilities = {p["name"]: utility(p) for p in spec["party"]}
        return Partnership(
            parties,
            outputs,
            production_model(spec, rows),
            utilities,
            numeraire=spec["scenario"]["numeraire"],
        )
    except (InvalidScenarioError, InvalidGameError) as exc:
        raise InvalidScenarioError(f"{_where(spec, str(exc))}: {exc}") from None


def _where(spec: Mapping[str, Any], message: str) -> str:
    """The key path a partnership's error is about: ``party[i]`` or ``output[k]`` when it
    names one, else the tables the partnership is built from."""
    for kind, items in (("Party", spec["party"]), ("output", spec["output"])):
        for i, item in enumerate(items):
            if f"{kind} {item['name']!r}" in message:
                return f"{kind.lower()}[{i}] ({item['name']!r})"
    return "the partnership of [[party]], [[output]] and [production]"
