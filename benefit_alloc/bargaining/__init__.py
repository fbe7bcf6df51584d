"""Bargaining when utility does not transfer.

* :class:`FeasibleSet`: comprehensive convex sets of utility vectors (points, half-spaces,
  projections of allocation polyhedra, TU half-spaces, two-player frontiers, support oracles);
* :func:`nash_bargaining`, :func:`kalai_smorodinsky`, :func:`egalitarian`: two- and n-person
  bargaining solutions with certificates;
* :class:`NTUGame` and :func:`ntu_shapley`: games without side payments and Shapley's (1969)
  lambda-transfer value.
"""

from __future__ import annotations

# the representation modules register their classes with FeasibleSet's constructors
from . import _frontier, _polyhedral, _support  # noqa: F401
from .feasible import FeasibleSet
from .ntu import NTUGame, ntu_shapley
from .solutions import egalitarian, kalai_smorodinsky, nash_bargaining

__all__ = [
    "FeasibleSet",
    "nash_bargaining",
    "kalai_smorodinsky",
    "egalitarian",
    "NTUGame",
    "ntu_shapley",
]
