"""Exception hierarchy of benefit_alloc.

Every error the library raises on purpose derives from :class:`BenefitAllocError`, so a
caller can catch the library's errors without catching unrelated ones.  Errors about bad
input also derive from :class:`ValueError`, which keeps ``except ValueError`` working.

Messages name the offending field and value and say what would be valid.
"""

from __future__ import annotations

__all__ = [
    "BenefitAllocError",
    "InvalidGameError",
    "InvalidScenarioError",
    "InfeasibleError",
    "SolverError",
]


class BenefitAllocError(Exception):
    """Base class of every error raised by benefit_alloc."""


class InvalidGameError(BenefitAllocError, ValueError):
    """A game, an allocation or a parameter passed to a solution concept is invalid."""


class InvalidScenarioError(BenefitAllocError, ValueError):
    """A partnership, production model, utility or scenario file is invalid."""


class InfeasibleError(BenefitAllocError):
    """The requested object does not exist (an empty imputation set, an unrealisable split)."""


class SolverError(BenefitAllocError):
    """A numerical solver failed; the message carries the solver's own status text."""
