"""``[[period]]`` tables: a scenario over several periods.

The ``[[party]]``, ``[[output]]`` and ``[production]`` tables describe the partnership as it
starts; each ``[[period]]`` table says what changes from the previous period (the first from
the document itself): who takes part (``parties``, or ``join`` and ``leave``), contributions
(``contributes``, party by resource), utilities (``utility``, a party's whole utility table)
and, for linear production, the yields (``makes``, activity by output).  A change holds from
its period on.  ``[cooperation]`` gives the discount rate, the schedule and what happens when
a break-even floor binds (:func:`~benefit_alloc.settle_periods`).

Each period becomes a document of its own (the parties present, with their contributions and
utilities then), built into a :class:`~benefit_alloc.Partnership`; together they make a
:class:`~benefit_alloc.Cooperation` over all the ``[[party]]`` tables' parties.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .. import _schema as s
from ..errors import InvalidScenarioError
from .build import build_partnership

if TYPE_CHECKING:  # pragma: no cover
    from ..cooperation import Cooperation

__all__ = ["check_periods", "period_documents", "build_cooperation", "cooperation_options"]


def _party(path: str, name: str, parties: Sequence[str]) -> None:
    if name not in parties:
        raise s.fail(
            path,
            name,
            f"the name of a party ({', '.join(map(repr, parties))})",
            s.suggest(name, parties),
        )


def check_periods(spec: Mapping[str, Any]) -> None:
    """Cross-checks of the ``[[period]]`` tables: every party, resource, activity and output
    they name exists; a party joins only when absent and leaves only when present; every
    period has a party; labels are unique."""
    periods = spec.get("period") or []
    if not periods:
        if "cooperation" in spec:
            raise s.fail(
                "cooperation",
                spec["cooperation"],
                "[[period]] tables: [cooperation] settles a scenario over periods",
                "; add [[period]] tables or drop [cooperation]",
            )
        return
    parties = [p["name"] for p in spec["party"]]
    outputs = [o["name"] for o in spec["output"]]
    prod = spec["production"]
    activities = [a["name"] for a in prod["activity"]] if prod["model"] == "linear" else []
    present = list(parties)
    labels: dict[str, int] = {}
    for t, period in enumerate(periods):
        where = f"period[{t}]"
        label = period.get("label", str(t))
        if label in labels:
            raise s.fail(
                f"{where}.label",
                label,
                "a label no other period has",
                f"; period[{labels[label]}] has it",
            )
        labels[label] = t
        if "parties" in period and ("join" in period or "leave" in period):
            raise s.fail(
                f"{where}.parties",
                period["parties"],
                "either parties (who takes part) or join / leave (the changes), not both",
            )
        if "parties" in period:
            for k, name in enumerate(period["parties"]):
                _party(f"{where}.parties[{k}]", name, parties)
            present = [p for p in parties if p in period["parties"]]
        for k, name in enumerate(period.get("join", [])):
            _party(f"{where}.join[{k}]", name, parties)
            if name in present:
                raise s.fail(
                    f"{where}.join[{k}]",
                    name,
                    "a party absent from the previous period",
                    f"; {name!r} already takes part",
                )
            present.append(name)
        for k, name in enumerate(period.get("leave", [])):
            _party(f"{where}.leave[{k}]", name, parties)
            if name not in present:
                raise s.fail(
                    f"{where}.leave[{k}]",
                    name,
                    "a party present in the previous period",
                    f"; {name!r} does not take part then",
                )
            present.remove(name)
        if not present:
            raise InvalidScenarioError(
                f"{where}: no party takes part; a period needs at least one (check its "
                "parties, join and leave)"
            )
        for name in period.get("contributes", {}):
            _party(f"{where}.contributes.{name}", name, parties)
        for name, util in period.get("utility", {}).items():
            _party(f"{where}.utility.{name}", name, parties)
            for out in util["values"]:
                if out not in outputs:
                    raise InvalidScenarioError(
                        f"{where}.utility.{name}.values.{out}: {out!r} is not an output"
                        f"{s.suggest(out, outputs)} (valid: {', '.join(map(repr, outputs))})"
                    )
        if "makes" in period and prod["model"] != "linear":
            raise s.fail(
                f"{where}.makes",
                period["makes"],
                "no yields: makes changes the activities of a linear production model, and "
                f"production.model = {prod['model']!r}",
            )
        for act, made in period.get("makes", {}).items():
            if act not in activities:
                raise InvalidScenarioError(
                    f"{where}.makes.{act}: {act!r} is not an activity{s.suggest(act, activities)}"
                    f" (valid: {', '.join(map(repr, activities))})"
                )
            for out in made:
                if out not in outputs:
                    raise InvalidScenarioError(
                        f"{where}.makes.{act}.{out}: {out!r} is not an output"
                        f"{s.suggest(out, outputs)} (valid: {', '.join(map(repr, outputs))})"
                    )


def period_documents(spec: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """``(label, document)`` per period: the document of the parties present then, with the
    contributions, utilities and yields in force (changes carried forward)."""
    base = s._copy(dict(spec))
    parties = {p["name"]: p for p in base["party"]}
    order = list(parties)
    present = list(order)
    makes: dict[str, dict[str, Any]] = {}
    out: list[tuple[str, dict[str, Any]]] = []
    for t, period in enumerate(spec.get("period") or []):
        if "parties" in period:
            present = [p for p in order if p in period["parties"]]
        present = [p for p in order if p in present or p in period.get("join", [])]
        present = [p for p in present if p not in period.get("leave", [])]
        for name, amounts in period.get("contributes", {}).items():
            parties[name]["contributes"].update(s._copy(amounts))
        for name, util in period.get("utility", {}).items():
            parties[name]["utility"] = s._copy(util)
        for act, made in period.get("makes", {}).items():
            makes.setdefault(act, {}).update(s._copy(made))
        doc = {k: v for k, v in base.items() if k not in ("period", "cooperation")}
        doc = s._copy(doc)
        doc["party"] = [s._copy(parties[p]) for p in present]
        prod = doc["production"]
        if prod["model"] == "linear":
            for act in prod["activity"]:
                act["makes"].update(s._copy(makes.get(act["name"], {})))
        out.append((str(period.get("label", t)), doc))
    return out


def _rows_for(
    rows: Sequence[Mapping[str, Any]] | None, present: Sequence[str]
) -> list[Mapping[str, Any]] | None:
    if rows is None:
        return None
    keep = set(present)
    return [r for r in rows if set(r["members"]) <= keep]


def cooperation_options(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The ``[cooperation]`` table with its defaults (rate 0, stable schedule, floors
    refused)."""
    opts = {"rate": 0.0, "schedule": "stable", "floors": "refuse"}
    opts.update(spec.get("cooperation") or {})
    return opts


def build_cooperation(
    spec: Mapping[str, Any], rows: Sequence[Mapping[str, Any]] | None
) -> Cooperation:
    """The :class:`~benefit_alloc.Cooperation` of a validated document with periods (its
    distributions already replaced by numbers)."""
    from ..cooperation import Cooperation  # lazy: loads the solvers

    periods = []
    labels = []
    for label, doc in period_documents(spec):
        present = [p["name"] for p in doc["party"]]
        try:
            periods.append(build_partnership(doc, _rows_for(rows, present)))
        except InvalidScenarioError as exc:
            raise InvalidScenarioError(f"period {label!r}: {exc}") from None
        labels.append(label)
    return Cooperation(
        periods,
        rate=cooperation_options(spec)["rate"],
        parties=[p["name"] for p in spec["party"]],
        labels=labels,
    )
