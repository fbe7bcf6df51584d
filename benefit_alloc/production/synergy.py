r"""Knowledge-fusion production: outputs from complementary academic and practical inputs.

Each output is a constant-elasticity-of-substitution (CES) function of the pooled resources
(Arrow, Chenery, Minhas and Solow 1961):

.. math:: f(x) = A \Bigl(\sum_j a_j x_j^{\rho}\Bigr)^{\nu / \rho},
          \qquad a_j > 0,\ \sum_j a_j = 1,\ \rho \le 1,\ \nu > 0,

with scale :math:`A`, shares :math:`a_j`, substitution parameter :math:`\rho` (elasticity of
substitution :math:`\sigma = 1 / (1 - \rho)`) and returns to scale :math:`\nu` (``f(t x) =
t^\nu f(x)``).  Its limits are Cobb-Douglas as :math:`\rho \to 0`,
:math:`f = A \prod_j x_j^{\nu a_j}`, and Leontief as :math:`\rho \to -\infty`,
:math:`f = A (\min_j x_j)^\nu`; both are evaluated exactly at ``rho=0`` and ``rho=-inf``.
For ``|rho| < 0.05`` the algebraically equal form
:math:`\exp(\nu \log1p(\sum_j a_j \operatorname{expm1}(\rho \log x_j)) / \rho)` avoids
catastrophic cancellation, and ``|rho| < 1e-14`` is evaluated as the Cobb-Douglas limit
(relative gap about :math:`\nu |\rho| \operatorname{Var}_a(\log x) / 2`).

*Why coalitions gain.*  For :math:`\rho \le 1` the function :math:`g = f^{1/\nu}` is concave
and homogeneous of degree 1, hence superadditive, :math:`g(x + y) \ge g(x) + g(y)`; with
:math:`\nu \ge 1`, :math:`f(x + y) = g(x + y)^\nu \ge (g(x) + g(y))^\nu \ge f(x) + f(y)`.  So
pooling never loses output, and when the partners bring inputs in different proportions
(a college's teaching hours, a firm's engineers) and :math:`\rho < 1`, the gain is strict:
complements produce together what neither produces alone (for :math:`\rho \le 0` an input
held at zero gives zero output).  With :math:`\nu < 1` (decreasing returns) pooling may lose.

References
----------
K. J. Arrow, H. B. Chenery, B. S. Minhas, R. M. Solow (1961). Capital-labor substitution and
economic efficiency. Review of Economics and Statistics 43(3), 225-250.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import InvalidScenarioError
from . import _checks as chk
from ._pool import pooled_blocks
from .base import ProductionModel

__all__ = ["CES", "CobbDouglas", "Synergy"]

_SHARE_TOL = 1e-9
_SMALL_RHO = 0.05
_CD_RHO = 1e-14


def _positive(value: Any, field: str, *, allow_zero: bool = False) -> float:
    if isinstance(value, (str, bytes, bool)):
        raise InvalidScenarioError(f"{field} must be a number, got {value!r}")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InvalidScenarioError(f"{field} must be a number, got {value!r}") from None
    if not math.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise InvalidScenarioError(f"{field} = {value!r} must be a finite number {bound}")
    return v


def _weights(mapping: Any, field: str) -> dict[str, float]:
    if not isinstance(mapping, Mapping) or not mapping:
        raise InvalidScenarioError(
            f"{field} must be a non-empty mapping {{resource: weight}}, got {mapping!r}"
        )
    out: dict[str, float] = {}
    for key, val in mapping.items():
        if not isinstance(key, str) or not key.strip():
            raise InvalidScenarioError(f"{field} keys must be resource names, got {key!r}")
        out[key] = _positive(val, f"{field}[{key!r}]")
    return out


class CES:
    r"""A CES production function ``A (sum_j a_j x_j^rho)^(nu / rho)``.

    Parameters
    ----------
    scale : float
        Total factor productivity ``A > 0``.
    shares : mapping of str to float
        Distribution parameters ``a_j > 0`` by resource name; they must sum to 1 (within
        1e-9; they are then divided by their sum so that it is 1 to rounding).
    rho : float
        Substitution parameter, ``rho <= 1`` (``-inf`` for Leontief, ``0`` for Cobb-Douglas);
        the elasticity of substitution is ``1 / (1 - rho)``.  Inputs are complements (harder
        to substitute than in Cobb-Douglas) for ``rho < 0``.
    returns : float, default 1
        Returns to scale ``nu > 0``: ``f(t x) = t**nu f(x)``.

    Examples
    --------
    >>> f = CES(2.0, {"teaching": 0.5, "engineers": 0.5}, rho=-1.0)
    >>> f(np.array([[1.0, 3.0], [4.0, 0.0]]), ("teaching", "engineers")).tolist()
    [3.0, 0.0]
    """

    __slots__ = ("scale", "shares", "rho", "returns")

    def __init__(
        self,
        scale: float,
        shares: Mapping[str, float],
        rho: float,
        returns: float = 1.0,
    ) -> None:
        self.scale = _positive(scale, "CES scale")
        self.shares = _weights(shares, "CES shares")
        total = sum(self.shares.values())
        if abs(total - 1.0) > _SHARE_TOL:
            raise InvalidScenarioError(
                f"CES shares {self.shares} sum to {total}; they must sum to 1 (divide each "
                f"by {total})"
            )
        try:
            if isinstance(rho, (str, bytes, bool)):
                raise TypeError(rho)
            rho_ = float(rho)
        except (TypeError, ValueError):
            raise InvalidScenarioError(f"CES rho must be a number, got {rho!r}") from None
        if math.isnan(rho_) or rho_ > 1.0:
            raise InvalidScenarioError(
                f"CES rho = {rho!r} must be <= 1 (1: perfect substitutes, 0: Cobb-Douglas, "
                "-inf: Leontief)"
            )
        # exact normalisation (the sum is within 1e-9 of 1) keeps the rho -> 0 limit finite
        self.shares = {k: v / total for k, v in self.shares.items()}
        self.rho = rho_
        self.returns = _positive(returns, "CES returns")

    @property
    def inputs(self) -> tuple[str, ...]:
        """Resource names the function reads, in the order given."""
        return tuple(self.shares)

    def __repr__(self) -> str:
        return (
            f"CES(scale={self.scale}, shares={self.shares}, rho={self.rho}, returns={self.returns})"
        )

    def __call__(self, x: NDArray[np.float64], resources: Sequence[str]) -> NDArray[np.float64]:
        """Output for each row of ``x`` (shape ``(k, len(resources))``), ``x >= 0``."""
        names = list(resources)
        xt = np.ascontiguousarray(np.asarray(x, dtype=np.float64).T)
        return self._columns([xt[names.index(j)] for j in self.shares])

    def _columns(self, cols: list[NDArray[np.float64]]) -> NDArray[np.float64]:
        """Output from one contiguous column per input (in :attr:`inputs` order)."""
        a = list(self.shares.values())
        nu, rho = self.returns, self.rho
        k = cols[0].shape[0]
        acc = np.zeros(k)
        tmp = np.empty(k)
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            if rho == -math.inf:  # Leontief limit: A (min_j x_j)^nu
                np.minimum.reduce(cols, out=acc)
                np.power(acc, nu, out=acc)
            elif abs(rho) < _SMALL_RHO:
                if abs(rho) < _CD_RHO:
                    # indistinguishable from the limit: the relative gap is about
                    # nu |rho| Var_a(log x) / 2, below 1e-10 for inputs within 1e100 of
                    # each other (and 1/rho would overflow for subnormal rho)
                    rho = 0.0
                for aj, col in zip(a, cols):
                    np.log(col, out=tmp)
                    if rho != 0.0:
                        # near Cobb-Douglas, (sum a x^rho)^(1/rho) cancels catastrophically;
                        # as sum a = 1 it equals exp(log1p(sum a expm1(rho log x)) / rho)
                        tmp *= rho
                        np.expm1(tmp, out=tmp)
                    tmp *= aj
                    acc += tmp
                if rho != 0.0:
                    # the sum is >= -1 in exact arithmetic; the maximum only repairs rounding
                    np.maximum(acc, -1.0, out=acc)
                    np.log1p(acc, out=acc)
                    acc *= nu
                    acc /= rho
                else:  # Cobb-Douglas: exp(nu sum a log x); log 0 = -inf gives 0
                    acc *= nu
                np.exp(acc, out=acc)
            else:  # (sum a x^rho)^(nu/rho); for rho < 0 a zero input gives inf^(-) = 0
                for aj, col in zip(a, cols):
                    if rho == 1.0:
                        np.multiply(col, aj, out=tmp)
                    else:
                        np.power(col, rho, out=tmp)
                        tmp *= aj
                    acc += tmp
                np.power(acc, nu / rho, out=acc)
            if self.scale != 1.0:
                acc *= self.scale
        if not np.isfinite(acc).all():
            bad = int(np.flatnonzero(~np.isfinite(acc))[0])
            raise InvalidScenarioError(
                f"{self!r} is not finite at inputs {[float(c[bad]) for c in cols]} (overflow); "
                "rescale the resources' units"
            )
        return acc


class CobbDouglas(CES):
    r"""A Cobb-Douglas production function ``A prod_j x_j^alpha_j``.

    The ``rho -> 0`` limit of :class:`CES` with returns ``nu = sum_j alpha_j`` and shares
    ``alpha_j / nu``.

    Parameters
    ----------
    scale : float
        ``A > 0``.
    exponents : mapping of str to float
        Output elasticities ``alpha_j > 0``; their sum is the returns to scale.

    Examples
    --------
    >>> f = CobbDouglas(1.0, {"hours": 0.5, "staff": 0.5})
    >>> float(f(np.array([[4.0, 9.0]]), ("hours", "staff"))[0]), f.returns
    (6.0, 1.0)
    """

    __slots__ = ()

    def __init__(self, scale: float, exponents: Mapping[str, float]) -> None:
        alphas = _weights(exponents, "CobbDouglas exponents")
        nu = sum(alphas.values())
        super().__init__(scale, {k: v / nu for k, v in alphas.items()}, rho=0.0, returns=nu)

    @property
    def exponents(self) -> dict[str, float]:
        """Output elasticities ``alpha_j = nu a_j``."""
        return {k: v * self.returns for k, v in self.shares.items()}

    def __repr__(self) -> str:
        return f"CobbDouglas(scale={self.scale}, exponents={self.exponents})"


class Synergy(ProductionModel):
    r"""Knowledge-fusion production: one :class:`CES` (or :class:`CobbDouglas`) per output.

    A coalition pools its members' contributions ``b(S) = sum_{i in S} b_i`` and produces
    ``f_o(b(S))`` of each output ``o``.  See the module notes for the maths and for when
    joint output exceeds the sum of standalone outputs.

    Parameters
    ----------
    outputs : mapping of str to CES
        The production function of each output, by output name.
    resources : sequence of str, optional
        Resource order of the contributions; default, every input in order of first
        appearance.  It may list resources no function reads (they are ignored).

    Examples
    --------
    A college brings teaching hours, a firm engineers; graduates need both.

    >>> model = Synergy({"graduates": CES(1.0, {"teaching": 0.5, "engineers": 0.5}, rho=-1)})
    >>> members = np.array([[True, False], [False, True], [True, True]])
    >>> model.produce(["College", "Firm"], np.array([[10.0, 0.0], [0.0, 10.0]]),
    ...               members).ravel().tolist()
    [0.0, 0.0, 10.0]
    """

    def __init__(
        self,
        outputs: Mapping[str, CES],
        *,
        resources: Sequence[str] | None = None,
    ) -> None:
        if not isinstance(outputs, Mapping) or not outputs:
            raise InvalidScenarioError(
                f"outputs must be a non-empty mapping {{output name: CES(...)}}, got {outputs!r}"
            )
        funcs: dict[str, CES] = {}
        for name, f in outputs.items():
            if not isinstance(f, CES):
                raise InvalidScenarioError(
                    f"outputs[{name!r}] must be a CES or CobbDouglas, got {type(f).__name__}"
                )
            funcs[name] = f
        self._outputs = chk.names(list(funcs), len(funcs), "O", "outputs")
        used: dict[str, None] = {}
        for f in funcs.values():
            for j in f.inputs:
                used.setdefault(j, None)
        if resources is None:
            self._resources = tuple(used)
        else:
            self._resources = chk.names(resources, len(tuple(resources)), "R", "resources")
            missing = [j for j in used if j not in self._resources]
            if missing:
                raise InvalidScenarioError(
                    f"resources {list(self._resources)} lack {missing}, which the production "
                    "functions read"
                )
        self._funcs = funcs

    @property
    def outputs(self) -> tuple[str, ...]:
        """Output names."""
        return self._outputs

    @property
    def resources(self) -> tuple[str, ...]:
        """Resource names, the columns of the contributions."""
        return self._resources

    @property
    def functions(self) -> dict[str, CES]:
        """The production function of each output."""
        return dict(self._funcs)

    def __repr__(self) -> str:
        return f"<Synergy: outputs {list(self._outputs)} from {list(self._resources)}>"

    def evaluate(self, pooled: NDArray[np.float64]) -> NDArray[np.float64]:
        """Outputs ``(k, m)`` of pooled resources ``pooled`` (shape ``(k, r)``, ``>= 0``)."""
        x = chk.matrix(
            pooled,
            "pooled",
            (None, len(self._resources)),
            "coalitions x resources",
            [None, self._resources],
        )
        return self._eval(x)

    def _eval(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        xt = np.ascontiguousarray(x.T)  # one contiguous row per resource
        row = {j: xt[i] for i, j in enumerate(self._resources)}
        out = np.empty((x.shape[0], len(self._outputs)))
        for o, name in enumerate(self._outputs):
            f = self._funcs[name]
            out[:, o] = f._columns([row[j] for j in f.inputs])
        return out

    def produce(
        self,
        players: Sequence[str],
        contributions: NDArray[np.float64],
        members: NDArray[np.bool_],
        output_prices: NDArray[np.float64] | None = None,
    ) -> NDArray[np.float64]:
        """Outputs ``f_o(b(S))`` of a batch of coalitions; ``output_prices`` is not used
        (the outputs are fixed by the inputs) but is checked for shape."""
        contrib, mem, _ = self._checked_batch(players, contributions, members, output_prices)
        return self._eval(mem.astype(np.float64) @ contrib)

    def produce_all(
        self,
        players: Sequence[str],
        contributions: NDArray[np.float64],
        output_prices: NDArray[np.float64] | None = None,
    ) -> NDArray[np.float64]:
        """Outputs of every coalition, shape ``(2**n, m)``: pooled contributions by subset
        sums in blocks of ``2**16`` coalitions, then the functions vectorised per block."""
        contrib, _ = self._checked_all(players, contributions, output_prices)
        out = np.empty((1 << contrib.shape[0], len(self._outputs)))
        for lo, hi, b in pooled_blocks(contrib):
            out[lo:hi] = self._eval(b)
        return out
