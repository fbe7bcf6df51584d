"""Checks of a scenario that relate one part of the document to another: names that must
exist (parties, outputs, resources, methods), unions that must not overlap, method options
against each method's signature (through :mod:`benefit_alloc.registry`).

Each check raises :class:`~benefit_alloc.errors.InvalidScenarioError` with the key path, the
value, what is expected and a close match; the per-key checks are the schema's
(:mod:`benefit_alloc._scenario.schema`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .. import _schema as s
from .. import registry
from ..errors import InvalidScenarioError
from .schema import METHODS

__all__ = ["cross_check", "resources", "supplied_options"]


def _name_index(items: Sequence[Mapping[str, Any]], what: str) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, item in enumerate(items):
        name = item["name"]
        if name in index:
            raise InvalidScenarioError(
                f"{what}[{i}].name = {name!r}: expected a unique name; {what}[{index[name]}] "
                "already has it"
            )
        index[name] = i
    return index


def _known(path: str, value: str, options: Iterable[str], what: str, *, key: bool = False) -> None:
    """Check that ``value`` names one of ``options``; ``key`` when it is the last part of
    ``path`` (a table key) rather than a value."""
    opts = list(options)
    if value in opts:
        return
    listed = ", ".join(map(repr, opts)) or "none defined"
    if key:
        raise InvalidScenarioError(
            f"{path}: {value!r} is not {what}{s.suggest(value, opts)} (valid: {listed})"
        )
    raise s.fail(path, value, f"the name of {what} ({listed})", s.suggest(value, opts))


def resources(spec: Mapping[str, Any]) -> list[str] | None:
    """Resources the production model reads, or None when it reads none (a table)."""
    prod = spec["production"]
    seen: dict[str, None] = {}
    if prod["model"] == "linear":
        for act in prod["activity"]:
            seen.update(dict.fromkeys(act["uses"]))
        return list(seen)
    if prod["model"] == "synergy":
        for f in prod["function"].values():
            keys = f.get("shares") or f.get("exponents") or f.get("inputs") or []
            seen.update(dict.fromkeys(keys))
        return list(seen)
    return None


#: Options a scenario's own tables supply, by what the method needs: the unions
#: (``[[union]]``), the factor scores and weights (``[party.factors]``, ``[factors]``), the
#: sharing key and the prices (``[shares]``).
_SUPPLIED: Mapping[registry.Need, tuple[str, ...]] = {
    registry.Need.UNIONS: ("unions",),
    registry.Need.FACTORS: ("factors", "weights"),
    registry.Need.KEY: ("key",),
    registry.Need.PRICES: ("prices",),
}

#: Where each supplied option is declared, for messages.
_DECLARED = {
    "unions": "[[union]] tables",
    "factors": "[party.factors] tables or factors.file",
    "weights": "factors.weights, [factors.ahp] or [factors.entropy]",
    "key": "[shares] key",
    "prices": "[shares] prices",
}


def supplied_options(method: str) -> tuple[str, ...]:
    """Options a scenario passes to ``method`` itself (see :meth:`Scenario.options_for`)."""
    needs = registry.get(method).needs
    return tuple(o for need, opts in _SUPPLIED.items() if need in needs for o in opts)


def _check_options(method: str, given: Mapping[str, Any]) -> None:
    """``[methods.options.<method>]`` against the method's signature (through the registry):
    an unknown option, with a close match, or a required one that is missing."""
    unknown, missing, valid = registry.option_problems(
        method, given, supplied=supplied_options(method), via="partnership"
    )
    path = f"methods.options.{method}"
    for key in given:
        if key in supplied_options(method):
            raise InvalidScenarioError(
                f"{path}.{key}: {method} takes {key!r} from the scenario's "
                f"{_DECLARED[key]}, not from its options; declare it there"
            )
    if unknown:
        key = unknown[0]
        raise InvalidScenarioError(
            f"{path}.{key}: unknown option {key!r} of {method}{s.suggest(key, valid)} "
            f"(valid options: {', '.join(valid) or 'none'})"
        )
    if missing:
        key = missing[0]
        raise s.fail(
            f"{path}.{key}",
            s._MISSING,
            f"a value: {method} needs the option {key!r} (add [{path}] {key} = ...)",
        )
    budget = given.get("budget")
    if isinstance(budget, int | float) and not isinstance(budget, bool):
        if budget > MAX_BUDGET:
            raise InvalidScenarioError(
                f"{path}.budget = {budget!r} is above {MAX_BUDGET:,} coalition evaluations, "
                "the most a scenario may ask for (a run that long would not end in hours); "
                "lower it, or set target_stderr to stop once the estimate is precise enough"
            )


#: The largest sampling budget a scenario may give (``[methods.options.<m>] budget``): at
#: the oracle rates measured in ``benchmarks/bench_scale.py`` (a few 100,000 evaluations a
#: second) a billion evaluations already take about an hour.
MAX_BUDGET = 1_000_000_000


def _valued(party: Mapping[str, Any], output: str) -> bool:
    util = party.get("utility")
    return util is not None and util["values"].get(output, 0.0) > 0


def _check_valued_without_numeraire(spec: Mapping[str, Any], numeraire: str) -> None:
    """When the numeraire is no output, every output must still be valued by some party:
    without a ``utility`` table a party values only money, so a money output such as
    ``revenue`` is worth nothing unless it is the numeraire.  Say so, naming the numeraire
    (the partnership's own check would only say that the output is valued by no party)."""
    for k, out in enumerate(spec["output"]):
        name = out["name"]
        if not any(_valued(p, name) for p in spec["party"]):
            raise InvalidScenarioError(
                f"scenario.numeraire = {numeraire!r}: the numeraire (the money parties value) "
                f"is no output, and output[{k}] {name!r} is valued by no party (a party "
                f"without a utility table values only money); set numeraire = {name!r} if "
                f"{name!r} is money, or value {name!r} in some party's utility.values"
            )


def cross_check(spec: dict[str, Any]) -> None:
    """Checks that relate one part of the document to another (names that must exist)."""
    parties = _name_index(spec["party"], "party")
    outputs = _name_index(spec["output"], "output")
    numeraire = spec["scenario"]["numeraire"]
    used = resources(spec)
    for i, party in enumerate(spec["party"]):
        if used is not None:
            for res in party["contributes"]:
                _known(
                    f"party[{i}].contributes.{res}",
                    res,
                    used,
                    "a resource the production model uses",
                    key=True,
                )
        util = party.get("utility")
        if util is not None:
            for out in util["values"]:
                _known(f"party[{i}].utility.values.{out}", out, outputs, "an output", key=True)
    prod = spec["production"]
    if prod["model"] == "linear":
        for j, act in enumerate(prod["activity"]):
            for out in act["makes"]:
                _known(f"production.activity[{j}].makes.{out}", out, outputs, "an output", key=True)
        _name_index(prod["activity"], "production.activity")
    elif prod["model"] == "synergy":
        for out in outputs:
            if out not in prod["function"]:
                raise s.fail(
                    f"production.function.{out}",
                    s._MISSING,
                    f"a production function for every output (add [production.function.{out}])",
                )
        for out, f in prod["function"].items():
            _known(f"production.function.{out}", out, outputs, "an output", key=True)
            if f["form"] == "ces":
                total = sum(f["shares"].values())
                if abs(total - 1.0) > 1e-9:
                    raise s.fail(
                        f"production.function.{out}.shares",
                        f["shares"],
                        f"weights that sum to 1; they sum to {total:g} (divide each by it)",
                    )
    elif prod["model"] == "table":
        has_file, has_rows = "file" in prod, "row" in prod
        if has_file == has_rows:
            raise s.fail(
                "production",
                s._MISSING if not has_file else "file and row",
                "exactly one of production.file (a CSV) or [[production.row]] tables",
            )
        for j, row in enumerate(prod.get("row", [])):
            for k, member in enumerate(row["members"]):
                _known(f"production.row[{j}].members[{k}]", member, parties, "a party")
            for out in row["outputs"]:
                _known(f"production.row[{j}].outputs.{out}", out, outputs, "an output", key=True)
    owner: dict[str, int] = {}
    for u, union in enumerate(spec["union"]):
        for k, member in enumerate(union["members"]):
            path = f"union[{u}].members[{k}]"
            _known(path, member, parties, "a party")
            if member in owner:
                other = spec["union"][owner[member]]["name"]
                raise s.fail(
                    path,
                    member,
                    "each party in at most one union",
                    f"; it is already in union[{owner[member]}] ({other!r})",
                )
            owner[member] = u
    _name_index(spec["union"], "union")
    run = spec["methods"]["run"]
    for method in run:
        if registry.Need.UNIONS in registry.get(method).needs and not spec["union"]:
            raise s.fail(
                "methods.run",
                run,
                f"[[union]] tables when {method!r} is run",
                f"; add unions or drop {method!r}",
            )
        _check_declared(spec, method, run)
    _check_shares_and_agreement(spec, list(parties), used)
    options = spec["methods"]["options"]
    for method in options:
        _known(f"methods.options.{method}", method, METHODS, "a method", key=True)
    sens_method = (spec["report"].get("sensitivity") or {}).get("method")
    for method in dict.fromkeys([*options, *run, *([sens_method] if sens_method else [])]):
        _check_options(method, options.get(method, {}))
    partners = spec.get("partners")
    if partners is not None:
        _known("partners.focal", partners["focal"], parties, "a party")
        for k, cand in enumerate(partners.get("candidates", [])):
            _known(f"partners.candidates[{k}]", cand, parties, "a party")
            if cand == partners["focal"]:
                raise s.fail(f"partners.candidates[{k}]", cand, "a party other than the focal one")
    sens = spec["report"].get("sensitivity")
    if sens is not None:
        _known("report.sensitivity.party", sens["party"], parties, "a party")
        if used is None:
            raise InvalidScenarioError(
                f"report.sensitivity: varying {sens['party']}'s {sens['resource']!r} needs a "
                "production model that reads contributions (linear or synergy), but "
                "production.model = 'table' is measured outputs, which do not change with "
                "contributions; drop [report.sensitivity] or describe the production as "
                "linear or synergy"
            )
        _known(
            "report.sensitivity.resource",
            sens["resource"],
            used,
            "a resource the production model uses",
        )
    if numeraire in outputs:
        if not spec["output"][outputs[numeraire]]["rival"]:
            raise s.fail(
                f"output[{outputs[numeraire]}].rival",
                False,
                f"true: {numeraire!r} is the numeraire, and money is rival",
            )
    else:
        # pure money that nothing produces is allowed; a near-miss of an output name is not
        hint = s.suggest(numeraire, list(outputs))
        if hint:
            raise s.fail(
                "scenario.numeraire",
                numeraire,
                "an output's name, or a name for money that is no output's",
                hint,
            )
        _check_valued_without_numeraire(spec, numeraire)


def _check_declared(spec: Mapping[str, Any], method: str, run: Sequence[str]) -> None:
    """A method of the run list whose data the scenario does not declare: factor scores for
    corrected_shapley, [shares] key for split_by_key, [shares] prices for split_by_investment."""
    needs = registry.get(method).needs
    shares = spec.get("shares") or {}
    missing = ""
    if registry.Need.FACTORS in needs:
        scored = any("factors" in p for p in spec["party"]) or "file" in (spec.get("factors") or {})
        missing = "" if scored else _DECLARED["factors"]
    elif registry.Need.KEY in needs and "key" not in shares:
        missing = _DECLARED["key"]
    elif registry.Need.PRICES in needs and "prices" not in shares:
        missing = _DECLARED["prices"]
    if missing:
        raise s.fail(
            "methods.run",
            run,
            f"{missing} when {method!r} is run",
            f"; add them or drop {method!r}",
        )


def _check_shares_and_agreement(
    spec: Mapping[str, Any], parties: list[str], used: list[str] | None
) -> None:
    """``[shares]`` key (every party, a positive total) and prices (resources the model
    reads), ``[agreement] signatories`` (parties)."""
    shares = spec.get("shares") or {}
    if "key" in shares:
        key = shares["key"]
        for p in key:
            _known(f"shares.key.{p}", p, parties, "a party", key=True)
        missing = [p for p in parties if p not in key]
        if missing:
            raise s.fail("shares.key", key, f"a key for every party; missing {', '.join(missing)}")
        if sum(key.values()) <= 0:
            raise s.fail("shares.key", key, "keys with a positive total")
    if "prices" in shares:
        if used is None:
            raise InvalidScenarioError(
                "shares.prices: pricing investments needs a production model that reads "
                "contributions (linear or synergy), but production.model = 'table' reads "
                "none; give [shares] key (each party's valued investment) and run "
                "split_by_key instead"
            )
        for r in shares["prices"]:
            _known(f"shares.prices.{r}", r, used, "a resource the production model uses", key=True)
    signatories = (spec.get("agreement") or {}).get("signatories") or {}
    for p in signatories:
        _known(f"agreement.signatories.{p}", p, parties, "a party", key=True)
