r"""The means of the distribution families, shared by :mod:`benefit_alloc.uncertainty` (the
distribution objects) and :mod:`benefit_alloc._scenario.uncertain` (the tables of a scenario
file).

A leaf module: it imports nothing from the package, so both sides can use it without an
import cycle.  The formulas are the textbook ones (Johnson, Kotz and Balakrishnan 1994,
chapters 14 and 26; Kotz and van Dorp 2004, chapter 1):

* log-normal, :math:`\log X \sim N(\mu, \sigma^2)`: :math:`E[X] = e^{\mu + \sigma^2/2}`;
* triangular on :math:`[a, b]` with mode :math:`c`: :math:`E[X] = (a + c + b)/3`;
* uniform on :math:`[a, b]`: :math:`E[X] = (a + b)/2`.

References
----------
Johnson, N. L., Kotz, S. and Balakrishnan, N. (1994). Continuous Univariate Distributions,
Volume 1, 2nd edition. Wiley.

Kotz, S. and van Dorp, J. R. (2004). Beyond Beta: Other Continuous Families of Distributions
with Bounded Support and Applications. World Scientific.
"""

from __future__ import annotations

import math

__all__ = ["lognormal_mean", "triangular_mean", "uniform_mean"]


def lognormal_mean(mu: float, sigma: float) -> float:
    r"""The mean :math:`e^{\mu + \sigma^2/2}` of a log-normal distribution.

    Parameters
    ----------
    mu, sigma : float
        The mean and standard deviation of :math:`\log X`.

    Returns
    -------
    float
        The mean, ``inf`` where it exceeds the largest float (rather than an
        ``OverflowError``), so that callers refuse it as not finite.

    >>> round(lognormal_mean(0.0, 1.0), 4)
    1.6487
    """
    try:
        return math.exp(mu + sigma * sigma / 2)
    except OverflowError:  # a mean beyond the largest float: refused as not finite
        return math.inf


def triangular_mean(low: float, mode: float, high: float) -> float:
    r"""The mean :math:`(a + c + b)/3` of the triangular distribution on ``[low, high]`` with
    mode ``mode``.

    >>> triangular_mean(0.0, 3.0, 6.0)
    3.0
    """
    return (low + mode + high) / 3.0


def uniform_mean(low: float, high: float) -> float:
    r"""The mean :math:`(a + b)/2` of the uniform distribution on ``[low, high]``.

    >>> uniform_mean(2.0, 4.0)
    3.0
    """
    return (low + high) / 2.0
