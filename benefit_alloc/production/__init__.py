"""Production models: what a coalition produces from its members' pooled contributions.

The interface :class:`ProductionModel` loads with the package; the models
(:class:`LinearProduction`, :class:`Synergy` with :class:`CES` / :class:`CobbDouglas`,
:class:`TableProduction`) load on first use, which keeps ``import benefit_alloc`` light.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .base import ProductionModel

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from .linear import LinearProduction
    from .synergy import CES, CobbDouglas, Synergy
    from .table import TableProduction

__all__ = [
    "ProductionModel",
    "LinearProduction",
    "Synergy",
    "CES",
    "CobbDouglas",
    "TableProduction",
]

#: Where each lazily loaded name lives.
LAZY = {
    "LinearProduction": "linear",
    "Synergy": "synergy",
    "CES": "synergy",
    "CobbDouglas": "synergy",
    "TableProduction": "table",
}


def __getattr__(name: str) -> Any:
    if name in LAZY:
        value = getattr(import_module(f".{LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
