"""Writing a scenario back: plain data and TOML text that reads back to an equal scenario."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from ..scenario import Scenario

__all__ = ["to_dict", "to_toml"]


def to_dict(sc: Scenario, *, inline_data: bool = False) -> dict[str, Any]:
    """The document as plain data; ``inline_data`` replaces a CSV reference by its rows."""
    out = sc.spec
    if "party_file" in out:  # the file's parties stay in the file unless inlined
        if inline_data:
            del out["party_file"]
        elif sc.file_parties:
            out["party"] = out["party"][: -sc.file_parties]
    if not out["party"]:
        del out["party"]
    prod = out["production"]
    if inline_data and prod["model"] == "table" and "file" in prod:
        del prod["file"]
        prod["row"] = sc.table_rows
    # empty defaults are left out: they read back the same and keep the file short
    for key in ("union", "report"):
        if not out[key]:
            del out[key]
    if not out["methods"]["options"]:
        del out["methods"]["options"]
    return out


def to_toml(sc: Scenario, *, inline_data: bool = False) -> str:
    """The scenario as TOML text that :func:`loads_scenario` reads back to an equal one.

    A CSV table stays a reference (relative to the scenario file) unless ``inline_data``
    is set, which writes its rows into the document.
    """
    import tomli_w  # lazy: tomli_w is needed only to write scenarios

    return tomli_w.dumps(sc.to_dict(inline_data=inline_data))
