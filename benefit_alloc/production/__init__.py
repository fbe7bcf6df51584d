"""Production models: what a coalition produces from its members' pooled contributions."""

from .base import ProductionModel
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
