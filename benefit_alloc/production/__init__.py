"""Production models: what a coalition produces from its members' pooled contributions."""

from .base import ProductionModel

__all__ = ["ProductionModel"]
