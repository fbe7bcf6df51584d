r"""The Shapley family of exact solution concepts.

Every value here is linear in the game: a weighted sum of the coalition values.  For the
Shapley and Banzhaf values the weight of ``v(S)`` in player ``i``'s payoff depends only on the
size ``|S|`` and on whether ``i`` belongs to ``S``; this module exploits it to read the value
array about once, without per-player temporaries.

The bandwidth-bound kernel
--------------------------
Write the Shapley value as

.. math::
    \phi_i = \sum_{S \ni i} a(|S|)\, v(S) - \sum_{S \not\ni i} b(|S|)\, v(S), \qquad
    a(s) = \frac{(s-1)!\,(n-s)!}{n!}, \quad b(s) = \frac{s!\,(n-s-1)!}{n!}.

With :math:`c(s) = a(s) + b(s) = 1 / ((n-1)\binom{n-2}{s-1})` for ``s < n``, ``c(n) = 1/n``,
and :math:`b(s) = c(s)\, s / n`, the second sum is the mean over players of the *membership
sums* :math:`M_i = \sum_{S \ni i} c(|S|)\, v(S)` minus ``v(N)/n``, so

.. math:: \phi_i = M_i - \frac{1}{n}\sum_j M_j + \frac{v(N)}{n}.

The membership sums come from one pass over the array reshaped to ``(2**h, 2**l)`` (high and
low halves of the mask).  Row ``r`` (high mask, popcount ``k``) contributes

* its dot product with the size-weight row ``C[k, lo] = c(k + |lo|)`` to ``rows[r]``, from
  which the high players' sums follow;
* itself to ``G[k]``, the sum of the rows of popcount class ``k``; the low players' sums are
  then ``sum_k G[k] * C[k]`` summed over the low masks containing each player.

So each value is read once from memory and touched twice in cache, with ``O(n 2**l)`` extra
memory (a few MiB even at ``n = 30``).  The Banzhaf value is the unweighted case.

References
----------
Shapley, L. S. (1953). A value for n-person games. In *Contributions to the Theory of Games
II*, Annals of Mathematics Studies 28, 307-317.

Banzhaf, J. F. (1965). Weighted voting doesn't work: a mathematical analysis. *Rutgers Law
Review* 19, 317-343.

Owen, G. (1977). Values of games with a priori unions. In *Mathematical Economics and Game
Theory*, Lecture Notes in Economics and Mathematical Systems 141, 76-88.

Kalai, E. and Samet, D. (1987). On weighted Shapley values. *International Journal of Game
Theory* 16, 205-222.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from math import comb, factorial
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._bits import bit_sums as _bit_sums
from .._bits import popcount
from .._validate import check_game, named_floats
from ..allocation import Allocation
from ..errors import InvalidGameError
from ..game import Game, OracleGame
from .streaming import DEFAULT_TABLE_BYTES, check_max_bytes, check_stream, stream_sums, table_fits

__all__ = [
    "shapley",
    "banzhaf",
    "owen",
    "weighted_shapley",
    "equal_split",
    "equal_surplus",
    "proportional",
]

#: Low bits of the ``(2**h, 2**l)`` reshape.  A row of 2**13 floats (64 KiB) stays in L1/L2,
#: and OpenBLAS runs a dot product of at most 10_000 elements on one thread: longer rows get
#: threaded dots, which stall badly when the cores are shared.
_LOW_BITS = 13
#: Elements per block in chunked passes (1 MiB of float64).
_BLOCK = 1 << 17
#: Elements per gather chunk in the Owen value.
_GATHER = 1 << 20
#: High bits transformed together on one column block in the Moebius transform.
_COLUMN_BITS = 4
#: Low bits transformed last, on a transposed block (their natural inner axis is too short).
_TRANSPOSED_BITS = 6


# ----------------------------------------------------------------------------- kernels
def _split(n: int) -> tuple[int, int]:
    low = min(n, _LOW_BITS)
    return n - low, low


def _membership_sums(
    values: NDArray[np.float64],
    n: int,
    size_weight: NDArray[np.float64] | None,
    outside_weight: NDArray[np.float64] | None = None,
) -> tuple[NDArray[np.float64], float]:
    r"""Membership sums :math:`M_i = \sum_{S \ni i} c(|S|) v(S)` and a total
    :math:`\sum_S b(|S|)\, v(S)`, in one pass over ``values``.

    ``size_weight`` is ``c`` indexed by size (length ``n + 1``); ``None`` means ``c = 1``.
    ``outside_weight`` is ``b``, also indexed by size, read only with a given ``c``;
    ``None`` means ``b = c`` (the total is then the sum of the row sums).  A given ``b``
    costs no second pass: its total comes from the popcount-class sums ``G[k]`` (every row
    whose high half has ``k`` members, added up), as
    :math:`\sum_k \sum_{lo} B[k, lo]\, G[k, lo]` with
    ``B[k, lo] = b(k + |lo|)``.  Extra memory ``O(n 2**13)``.
    """
    h, low = _split(n)
    rows_n, cols_n = 1 << h, 1 << low
    mat = values.reshape(rows_n, cols_n)
    rows = np.empty(rows_n)
    if size_weight is None:
        colsum = np.zeros(cols_n)
        step = max(1, _BLOCK // cols_n)
        for r0 in range(0, rows_n, step):
            blk = mat[r0 : r0 + step]
            rows[r0 : r0 + step] = blk.sum(axis=1)
            colsum += blk.sum(axis=0)
        total = float(rows.sum())
    else:
        low_size = popcount(np.arange(cols_n))
        # C[k, lo] = c(k + |lo|): the weight of a cell whose high half has k members
        index = np.arange(h + 1)[:, None] + low_size[None, :]
        ctab = size_weight[index]
        # B[k, lo] = b(k + |lo|), for the total
        btab = None if outside_weight is None else outside_weight[index]
        del index  # freed before the pass, whose buffers then reuse its memory
        gsum = np.zeros((h + 1, cols_n))
        high_size = popcount(np.arange(rows_n)).tolist()
        dot, add = np.dot, np.add
        for r in range(rows_n):
            k = high_size[r]
            row = mat[r]
            rows[r] = dot(row, ctab[k])
            g = gsum[k]
            add(g, row, out=g)
        colsum = np.einsum("kl,kl->l", gsum, ctab)
        if btab is None:
            total = float(rows.sum())
        else:
            total = float(np.einsum("kl,kl->", gsum, btab))
    members = np.concatenate([_bit_sums(colsum), _bit_sums(rows)])
    return members, total


def _shapley_weights(n: int) -> NDArray[np.float64]:
    """``c(s) = 1 / ((n-1) C(n-2, s-1))`` for ``1 <= s < n``, ``c(n) = 1/n``, ``c(0) = 0``."""
    c = np.zeros(n + 1)
    for s in range(1, n):
        c[s] = 1.0 / ((n - 1) * comb(n - 2, s - 1))
    c[n] = 1.0 / n
    return c


def _shapley_array(values: NDArray[np.float64], n: int) -> NDArray[np.float64]:
    """Shapley value of the game whose value array is ``values`` (``values[0]`` may be nonzero).

    ``phi = M - mean(M) + (v(N) - v(empty)) / n`` with ``M`` the membership sums.
    """
    members, _ = _membership_sums(values, n, _shapley_weights(n))
    return members - members.mean() + (values[-1] - values[0]) / n


# ----------------------------------------------------------------------------- shapley
def shapley(
    game: Game | OracleGame, *, stream: bool | None = None, max_bytes: int | None = None
) -> Allocation:
    r"""Shapley value (Shapley 1953), computed in one pass over the value array.

    .. math::
        \phi_i(v) = \sum_{S \subseteq N \setminus i} \frac{|S|!\,(n-|S|-1)!}{n!}
                    \bigl(v(S \cup i) - v(S)\bigr)

    the average marginal contribution of ``i`` over the ``n!`` orders in which the players
    may arrive.  For a cost game the same formula gives the Shapley cost shares (for
    :func:`benefit_alloc.games.airport`, the Littlechild-Owen (1973) rule).

    Parameters
    ----------
    game : Game or OracleGame
        A dense game (profit or cost), or an oracle whose every coalition is evaluated.
    stream : bool, optional
        For an :class:`~benefit_alloc.game.OracleGame` only.  ``None`` (default): tabulate
        the oracle when its ``2**n`` float64 values fit ``max_bytes`` (and ``n <= 30``),
        else stream every coalition block by block without storing them
        (:mod:`benefit_alloc.solutions.streaming`).  ``True``: always stream; ``False``:
        always tabulate, refusing a table over ``max_bytes``.
    max_bytes : int, optional
        Memory the oracle's table may take; default 4 GiB (so oracles of up to 29 players
        are tabulated, larger ones streamed).

    Returns
    -------
    Allocation
        Method ``"shapley"``.  For an oracle the diagnostics say how it was computed:
        ``streamed`` (True or False) and ``evaluations`` (``2**n - 1``, every coalition).

    Raises
    ------
    InvalidGameError
        For a dense game given ``stream`` or ``max_bytes``; for ``stream=False`` on an oracle
        whose table exceeds ``max_bytes``.

    Notes
    -----
    The value is a weighted sum of ``v(S)`` whose weight depends only on ``|S|`` and on
    membership; the module docstring derives the one-pass kernel.  Time ``O(2**n)`` (about
    twice a ``values.sum()``), extra memory ``O(n 2**13)`` floats, so an ``n = 30`` game
    (8 GiB) needs no second array.  Float64 throughout; the result agrees with the
    per-player marginal formula to about ``1e-13`` relative.  A streamed oracle costs
    ``2**n`` evaluations and ``O(n + 2**16)`` memory; its blocks run on a Dask cluster
    inside ``benefit_alloc.engine.use(client)``.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> ba.shapley(ba.Game([0, 1, 2, 4], players=["College", "Firm"])).to_dict()
    {'College': 1.5, 'Firm': 2.5}
    >>> ba.shapley(ba.games.glove(1, 2)).values.round(4).tolist()
    [0.6667, 0.1667, 0.1667]
    """
    game, how = _exact_game(game, "shapley", stream, max_bytes)
    if isinstance(game, OracleGame):
        sums = stream_sums(game, _shapley_weights(game.n), "shapley")
        m = sums.shapley
        phi = m - m.mean() + sums.grand / game.n
        return Allocation(game.players, phi, "shapley", **how)
    return Allocation(game.players, _shapley_array(game.values, game.n), "shapley", **how)


def _exact_game(
    game: Any, func: str, stream: Any, max_bytes: Any
) -> tuple[Game | OracleGame, dict[str, Any]]:
    """The dense game to run the one-pass kernel on, or the oracle to stream (the rule of
    :func:`shapley`'s ``stream``), and the diagnostics saying which (none for a game that
    was dense already)."""
    stream_ = check_stream(stream, func)
    budget = check_max_bytes(max_bytes, func)
    game = check_game(game, func, oracle=True)
    if isinstance(game, Game):
        if stream_ is not None or budget is not None:
            raise InvalidGameError(
                f"{func}: stream and max_bytes apply to an OracleGame; a dense Game is read "
                "from its table (drop them)"
            )
        return game, {}
    count = (1 << game.n) - 1
    if stream_ is True or (stream_ is None and not table_fits(game.n, budget)):
        return game, {"streamed": True, "evaluations": count}
    if not table_fits(game.n, budget):
        need = 8 * (1 << game.n)
        raise InvalidGameError(
            f"{func}(stream=False): the table of n = {game.n} players needs {need} bytes, more "
            f"than max_bytes = {budget if budget is not None else DEFAULT_TABLE_BYTES} (or "
            f"n > 30); use stream=True (exact, 2**{game.n} evaluations, no table) or raise "
            "max_bytes"
        )
    return game.to_game(), {"streamed": False, "evaluations": count}


def banzhaf(
    game: Game | OracleGame,
    normalized: bool = False,
    *,
    stream: bool | None = None,
    max_bytes: int | None = None,
) -> Allocation:
    r"""Banzhaf value (Banzhaf 1965; Owen 1975), in one pass over the value array.

    .. math::
        \beta_i(v) = \frac{1}{2^{n-1}} \sum_{S \subseteq N \setminus i}
                     \bigl(v(S \cup i) - v(S)\bigr)
                   = \frac{2 \sum_{S \ni i} v(S) - \sum_S v(S)}{2^{n-1}}

    the average marginal contribution over all coalitions of the others.  On a simple
    (0/1) game, ``2**(n-1) * beta_i`` is the number of swings of ``i`` (coalitions it turns
    from losing into winning).

    Parameters
    ----------
    game : Game or OracleGame
        A dense game (profit or cost), or an oracle whose every coalition is evaluated.
    normalized : bool, default False
        Scale the values to sum to ``v(N)`` (for a simple game: the normalised Banzhaf power
        index).
    stream, max_bytes
        For an oracle: tabulate or stream, by the rule of :func:`shapley`.

    Returns
    -------
    Allocation
        Method ``"banzhaf"`` or ``"banzhaf (normalized)"``; the latter carries the unscaled
        values as the diagnostic ``raw``.  For an oracle, the diagnostics ``streamed`` and
        ``evaluations`` as in :func:`shapley`.

    Raises
    ------
    InvalidGameError
        When ``normalized`` is requested and the raw values sum to 0; for ``stream`` or
        ``max_bytes`` as in :func:`shapley`.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> g = ba.games.weighted_voting([2, 1, 1], quota=3)
    >>> ba.banzhaf(g).values.tolist()
    [0.75, 0.25, 0.25]
    >>> ba.banzhaf(g, normalized=True).values.tolist()
    [0.6, 0.2, 0.2]
    """
    if not isinstance(normalized, (bool, np.bool_)):
        raise InvalidGameError(f"normalized must be True or False, got {normalized!r}")
    game, how = _exact_game(game, "banzhaf", stream, max_bytes)
    n = game.n
    if isinstance(game, OracleGame):
        sums = stream_sums(game, _shapley_weights(n), "banzhaf")
        members, total, grand = sums.plain, sums.total, sums.grand
    else:
        members, total = _membership_sums(game.values, n, None)
        grand = game.grand
    raw = (2.0 * members - total) / 2.0 ** (n - 1)
    if not normalized:
        return Allocation(game.players, raw, "banzhaf", **how)
    s = float(raw.sum())
    if abs(s) <= 1e-12 * float(np.abs(raw).sum()) or s == 0.0:
        raise InvalidGameError(
            f"banzhaf(normalized=True): the raw Banzhaf values {raw.tolist()} sum to {s:g}, so "
            f"they cannot be scaled to v(N) = {grand:g}; use normalized=False"
        )
    return Allocation(
        game.players, raw * (grand / s), "banzhaf (normalized)", raw=tuple(raw.tolist()), **how
    )


# ----------------------------------------------------------------------------- owen
def _validate_unions(unions: Any, players: Sequence[str]) -> list[list[int]]:
    """Check that ``unions`` partitions ``players``; return member indices, sorted."""
    if isinstance(unions, (str, Mapping)) or not isinstance(unions, Sequence):
        raise InvalidGameError(
            f"unions must be a list of lists of player names, got {unions!r}; e.g. "
            f"[{list(players[:1])!r}, {list(players[1:])!r}]"
        )
    index = {p: i for i, p in enumerate(players)}
    where: dict[str, int] = {}
    out: list[list[int]] = []
    for u, union in enumerate(unions):
        if isinstance(union, str) or not isinstance(union, Sequence):
            raise InvalidGameError(
                f"unions[{u}] = {union!r} must be a list of player names (write [{union!r}] for "
                "a union of one)"
            )
        if len(union) == 0:
            raise InvalidGameError(f"unions[{u}] is empty; every union needs at least one player")
        members = []
        for p in union:
            if not isinstance(p, str) or p not in index:
                raise InvalidGameError(
                    f"unions[{u}] contains {p!r}, which is not a player; the players are "
                    f"{list(players)}"
                )
            if p in where:
                raise InvalidGameError(
                    f"player {p!r} is repeated: it appears in unions[{where[p]}] and in "
                    f"unions[{u}]; the unions must be disjoint"
                )
            where[p] = u
            members.append(index[p])
        out.append(sorted(members))
    missing = [p for p in players if p not in where]
    if missing:
        raise InvalidGameError(
            f"unions must cover every player; {missing} belong to no union (add them, e.g. "
            "as unions of one)"
        )
    return sorted(out)


def _lattice_chunks(blocks: Sequence[int]) -> Iterator[tuple[int, NDArray[np.int64]]]:
    """Masks ``Q(x) = OR of blocks[j] for bits j of x`` for every ``x < 2**len(blocks)``.

    Yields ``(start, masks)`` chunks of at most ``_GATHER`` consecutive ``x``.
    """
    k = len(blocks)
    a = min(k, _GATHER.bit_length() - 1)
    low = np.zeros(1 << a, dtype=np.int64)
    for j in range(a):
        low[1 << j : 2 << j] = low[: 1 << j] | blocks[j]
    for hi in range(1 << (k - a)):
        top = 0
        for j in range(a, k):
            if (hi >> (j - a)) & 1:
                top |= blocks[j]
        yield hi << a, low | top


def _lattice_reduce(
    values: NDArray[np.float64],
    inner: Sequence[int],
    outer: Sequence[int],
    outer_weight: NDArray[np.float64],
) -> NDArray[np.float64]:
    r"""``w(T) = sum_R outer_weight[|R|] v(Q_outer(R) | Q_inner(T))`` for every ``T``.

    ``inner`` and ``outer`` are disjoint lists of masks (players or whole unions); ``T`` and
    ``R`` index their subsets bitwise.  Streams the gathered values in chunks.
    """
    p = len(inner)
    blocks = list(inner) + list(outer)
    identity = all(b == 1 << j for j, b in enumerate(blocks)) and values.shape[0] == 1 << len(
        blocks
    )
    if identity and not outer and outer_weight[0] == 1.0:
        return values
    lattice: Iterator[tuple[int, NDArray[np.float64]]]
    if identity:  # the lattice is the array itself: stream views of it
        step = max(_GATHER, 1 << p)
        lattice = ((s, values[s : s + step]) for s in range(0, values.shape[0], step))
    else:
        lattice = ((s, values[m]) for s, m in _lattice_chunks(blocks))
    out = np.zeros(1 << p)
    for start, chunk in lattice:
        r0 = start >> p
        if chunk.shape[0] >= out.shape[0]:
            mat = chunk.reshape(-1, out.shape[0])
            size_r = popcount(np.arange(r0, r0 + mat.shape[0]))
            out += outer_weight[size_r] @ mat
        else:
            t0 = start & ((1 << p) - 1)
            out[t0 : t0 + chunk.shape[0]] += outer_weight[r0.bit_count()] * chunk
    return out


def owen(game: Game, unions: Sequence[Sequence[str]]) -> Allocation:
    r"""Owen value with a priori unions (Owen 1977).

    The players are partitioned into unions ``P_1 .. P_m`` (a college's departments, an
    industrial cluster's firms) that negotiate as blocs.  The value averages marginal
    contributions over the orders in which every union's members arrive together, the
    unions in a uniformly random order and the members of each union in a uniformly random
    order within it.  For ``i`` in ``P_k`` with ``p = |P_k|``:

    .. math::
        \psi_i(v) = \sum_{R \subseteq M \setminus k} \sum_{T \subseteq P_k \setminus i}
            \frac{r!\,(m-r-1)!}{m!}\,\frac{t!\,(p-t-1)!}{p!}
            \bigl(v(Q_R \cup T \cup i) - v(Q_R \cup T)\bigr)

    with ``Q_R`` the union of the unions in ``R``, ``r = |R|``, ``t = |T|``.  So
    :math:`\psi_i` is the Shapley value, on the ``p`` players of ``P_k``, of the game
    :math:`w_k(T) = \sum_R \frac{r!(m-r-1)!}{m!} v(Q_R \cup T)`, and only coalitions made of
    whole other unions plus part of ``P_k`` matter: ``2**(m-1+p)`` values per union.  A union
    of one gets the Shapley value of the quotient game on the unions.  In total at most
    about ``2 * 2**n`` values are read (``2**m`` for the quotient game plus at most ``2**n``
    over the larger unions), usually far fewer; with one union, or only unions of one, the
    value equals :func:`shapley` and the array is read once.  Extra memory:
    ``2**max(p_k, m)`` floats plus bounded gather buffers.

    Parameters
    ----------
    game : Game
        A dense game (profit or cost).
    unions : list of lists of str
        A partition of the players into nonempty unions, by name.

    Returns
    -------
    Allocation
        Method ``"owen"``, diagnostic ``unions`` (the unions as tuples of names, in player
        order).

    Raises
    ------
    InvalidGameError
        If ``unions`` is not a partition of the players (naming the missing, repeated or
        unknown player).

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> g = ba.games.glove(1, 2, players=["L", "R1", "R2"])
    >>> ba.owen(g, [["L", "R1"], ["R2"]]).values.tolist()
    [0.75, 0.25, 0.0]
    """
    game = check_game(game, "owen")
    members = _validate_unions(unions, game.players)
    n = game.n
    v = game.values
    m = len(members)
    block = [sum(1 << i for i in u) for u in members]
    out = np.zeros(n)
    singles = [k for k, u in enumerate(members) if len(u) == 1]
    if singles:
        quotient = _lattice_reduce(v, block, [], np.ones(1))
        psi = _shapley_array(quotient, m)
        for k in singles:
            out[members[k][0]] = psi[k]
    alpha = np.array([factorial(r) * factorial(m - r - 1) / factorial(m) for r in range(m)])
    for k, u in enumerate(members):
        if len(u) == 1:
            continue
        others = block[:k] + block[k + 1 :]
        w = _lattice_reduce(v, [1 << i for i in u], others, alpha)
        out[u] = _shapley_array(w, len(u))
    names = tuple(tuple(game.players[i] for i in u) for u in members)
    return Allocation(game.players, out, "owen", unions=names)


# ----------------------------------------------------------------------------- weights
def _weight_vector(
    weights: Any, players: Sequence[str], func: str, *, positive: bool
) -> NDArray[np.float64]:
    w = named_floats(weights, players, f"{func}: weights", error=InvalidGameError)
    bad = np.flatnonzero(w <= 0) if positive else np.flatnonzero(w < 0)
    if bad.size:
        shown = {players[int(i)]: float(w[i]) for i in bad}
        need = "> 0" if positive else ">= 0"
        raise InvalidGameError(f"{func}: weights must be {need} for every player; got {shown}")
    return w


def _moebius_naive(d: NDArray[np.float64], bits: range) -> None:
    """Moebius transform of a contiguous array over ``bits``, one pass per bit."""
    for j in bits:
        x = d.reshape(-1, 2, 1 << j)
        x[:, 1] -= x[:, 0]


def _moebius_columns(d: NDArray[np.float64], n: int, lo: int, nb: int) -> None:
    """Moebius transform over bits ``lo .. lo+nb-1`` (``lo >= 13``), in cache-sized column blocks.

    ``d`` viewed as ``(2**(n-lo-nb), 2**nb, 2**lo)``; each block ``(2**nb, width)`` with
    ``width >= 64`` contiguous columns stays in cache while its ``nb`` bits are transformed.
    """
    cube = d.reshape(1 << (n - lo - nb), 1 << nb, 1 << lo)
    c = 1 << lo
    width = min(c, max(64, _BLOCK >> nb))
    for outer in range(cube.shape[0]):
        for c0 in range(0, c, width):
            blk = cube[outer, :, c0 : c0 + width]
            for j in range(nb):
                x = blk.reshape(1 << (nb - j - 1), 2, 1 << j, blk.shape[1])
                x[:, 1] -= x[:, 0]


def _dividend_shares(values: NDArray[np.float64], w: NDArray[np.float64]) -> NDArray[np.float64]:
    r"""``s_i = sum_{T \ni i} d(T) / w(T)`` with ``d`` the Harsanyi dividends of ``values``.

    The fast Moebius transform (``O(n 2**n)``) on one copy of the values, cache-blocked so
    that every elementwise pass runs on a long contiguous inner axis: bits 6-12 on row
    blocks, bits 13 and up on column blocks of at most 4 bits, and bits 0-5 last on a
    transposed copy of each row block, fused with the division by ``w(T)`` and the
    membership sums.  Games with ``n <= 13`` take the plain bit-by-bit transform.
    """
    n = w.shape[0]
    d = np.array(values, dtype=np.float64, copy=True)
    if n <= _LOW_BITS:
        wsum_all = _subset_sums_small(w)
        _moebius_naive(d, range(n))
        wsum_all[0] = 1.0  # d(empty) = 0
        d /= wsum_all
        return _bit_sums(d)
    tb, low = _TRANSPOSED_BITS, _LOW_BITS
    h = n - low
    rows_n, cols_n = 1 << h, 1 << low
    mat = d.reshape(rows_n, cols_n)
    step = max(1, _BLOCK // cols_n)
    for r0 in range(0, rows_n, step):
        _moebius_naive(mat[r0 : r0 + step].reshape(-1), range(tb, low))
    lo = low
    while lo < n:
        nb = min(n - lo, _COLUMN_BITS)
        _moebius_columns(d, n, lo, nb)
        lo += nb
    # bits 0-5 on a transposed copy of each block: (64, rows, cols_n / 64)
    q_n = cols_n >> tb
    w_p = _subset_sums_small(w[:tb])
    w_q = _subset_sums_small(w[tb:low])
    w_h = _subset_sums_small(w[low:])
    sum_p = np.zeros(1 << tb)
    sum_q = np.zeros(q_n)
    rows = np.empty(rows_n)
    for r0 in range(0, rows_n, step):
        blk = mat[r0 : r0 + step]
        nr = blk.shape[0]
        buf = np.ascontiguousarray(blk.reshape(nr, q_n, 1 << tb).transpose(2, 0, 1))
        flat = buf.reshape(1 << tb, nr * q_n)
        for j in range(tb):
            x = flat.reshape(1 << (tb - j - 1), 2, 1 << j, nr * q_n)
            x[:, 1] -= x[:, 0]
        den = w_p[:, None, None] + (w_h[r0 : r0 + nr, None] + w_q[None, :])[None, :, :]
        if r0 == 0:
            den[0, 0, 0] = 1.0  # d(empty) = 0
        buf /= den
        sum_p += flat.sum(axis=1)
        per_rq = buf.sum(axis=0)
        rows[r0 : r0 + nr] = per_rq.sum(axis=1)
        sum_q += per_rq.sum(axis=0)
    return np.concatenate([_bit_sums(sum_p), _bit_sums(sum_q), _bit_sums(rows)])


def weighted_shapley(game: Game, weights: ArrayLike | Mapping[str, float]) -> Allocation:
    r"""Weighted Shapley value of Kalai and Samet (1987) for positive weights.

    Each Harsanyi dividend :math:`d(T) = \sum_{S \subseteq T} (-1)^{|T|-|S|} v(S)` is split
    among the members of ``T`` in proportion to their weights:

    .. math:: \phi^w_i(v) = \sum_{T \ni i} \frac{w_i}{w(T)}\, d(T).

    Equivalently (Kalai and Samet 1987) it is the expected marginal contribution when the
    order ``pi`` of arrival has probability
    :math:`\prod_{k=1}^{n} w_{\pi(k)} / \sum_{j \le k} w_{\pi(j)}`: heavier players tend to
    arrive late.  Equal weights give the Shapley value.

    Parameters
    ----------
    game : Game
        A dense game (profit or cost).
    weights : array_like, shape (n,), or dict
        Positive finite weights in player order, or ``{name: weight}``.

    Returns
    -------
    Allocation
        Method ``"weighted_shapley"``, diagnostic ``weights``.

    Raises
    ------
    InvalidGameError
        If a weight is not positive, not finite, or the length does not match.

    Notes
    -----
    The dividends come from a cache-blocked fast Moebius transform (``O(n 2**n)``
    operations, ``3 + ceil((n - 13) / 4)`` passes over memory) on a copy of the values, so
    this needs one extra array of ``2**n`` floats.  The transform alternates signs, so the
    rounding error grows with ``n``: against the Shapley value (equal weights) on random
    games it measured ``4e-14`` relative at ``n = 12`` and ``2e-12`` at ``n = 20``.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> g = ba.games.unanimity(["a", "b"], ["a", "b", "c"])
    >>> ba.weighted_shapley(g, [1, 3, 5]).values.tolist()
    [0.25, 0.75, 0.0]
    """
    game = check_game(game, "weighted_shapley")
    w = _weight_vector(weights, game.players, "weighted_shapley", positive=True)
    share = _dividend_shares(game.values, w)
    return Allocation(game.players, w * share, "weighted_shapley", weights=tuple(w.tolist()))


def _subset_sums_small(w: NDArray[np.float64]) -> NDArray[np.float64]:
    out = np.zeros(1 << w.shape[0])
    for i, wi in enumerate(w):
        out[1 << i : 2 << i] = out[: 1 << i] + wi
    return out


# ----------------------------------------------------------------------------- simple rules
def equal_split(game: Game) -> Allocation:
    r"""Equal division: :math:`x_i = v(N) / n`.

    The egalitarian benchmark (e.g. van den Brink 2007, *Null or nullifying players: the
    difference between the Shapley value and equal division solutions*, JET 136, 767-775).

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> ba.equal_split(ba.Game([0, 1, 2, 4])).values.tolist()
    [2.0, 2.0]
    """
    game = check_game(game, "equal_split")
    return Allocation(game.players, np.full(game.n, game.grand / game.n), "equal_split")


def equal_surplus(game: Game) -> Allocation:
    r"""Equal surplus division: :math:`x_i = v(i) + \frac{1}{n}\bigl(v(N) - \sum_j v(j)\bigr)`.

    Each player keeps its standalone worth and the surplus of cooperation is split equally
    (Driessen and Funaki 1991, *Coincidence of and collinearity between game theoretic
    solutions*, OR Spektrum 13, 15-30).  For a cost game: standalone costs plus an equal
    share of the (usually negative) difference.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> ba.equal_surplus(ba.Game([0, 1, 2, 4])).values.tolist()
    [1.5, 2.5]
    """
    game = check_game(game, "equal_surplus")
    alone = game.singletons
    return Allocation(game.players, alone + (game.grand - alone.sum()) / game.n, "equal_surplus")


def proportional(game: Game, weights: ArrayLike | Mapping[str, float] | None = None) -> Allocation:
    r"""Proportional division: :math:`x_i = v(N)\, w_i / \sum_j w_j`.

    With the default weights, the standalone values ``w_i = v(i)`` (the proportional rule of
    e.g. Moriarity 1975 for cost allocation), each player's share is proportional to what it
    could do alone.

    Parameters
    ----------
    game : Game
        A dense game (profit or cost).
    weights : array_like, shape (n,), or dict, optional
        Nonnegative finite weights with a positive sum; default ``game.singletons``.

    Returns
    -------
    Allocation
        Method ``"proportional"``, diagnostic ``weights``.  The shares ``w_i / sum_j w_j``
        are formed from the weights scaled by their largest, so values and weights anywhere
        in the float range (near ``1e300`` or ``1e-300``) give finite, exact-to-rounding
        payoffs without overflow.

    Raises
    ------
    InvalidGameError
        If a weight is negative or not finite, the length is wrong, or the weights sum to 0
        (the message names them; for the default weights, the standalone values).

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> ba.proportional(ba.Game([0, 1, 3, 8])).values.tolist()
    [2.0, 6.0]
    """
    game = check_game(game, "proportional")
    if weights is None:
        alone = game.singletons
        neg = {p: float(a) for p, a in zip(game.players, alone) if a < 0}
        if neg:
            raise InvalidGameError(
                f"proportional: the default weights are the standalone values, and {neg} are "
                "negative; pass nonnegative weights= explicitly"
            )
        w = alone
        what = "the standalone values (the default weights)"
    else:
        w = _weight_vector(weights, game.players, "proportional", positive=False)
        what = "the weights"
    top = float(w.max())
    if top <= 0.0:  # nonnegative weights: all zero
        raise InvalidGameError(
            f"proportional: {what} {dict(zip(game.players, w.tolist()))} sum to 0; a "
            "proportional split needs a positive sum of weights"
        )
    return Allocation(
        game.players, game.grand * _shares(w, top), "proportional", weights=tuple(w.tolist())
    )


# ----------------------------------------------------------------------------- semivalues
__all__ += ["semivalue", "weighted_banzhaf"]


def _semivalue_array(
    values: NDArray[np.float64], n: int, q: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Semivalue with size distribution ``q`` (length ``n``) of a value array."""
    p = np.zeros(n + 1)  # p(s) for s = 0 .. n, p(n) = 0
    for s in range(n):
        p[s] = q[s] / comb(n - 1, s)
    c = np.zeros(n + 1)
    c[1:] = p[:-1] + p[1:]
    members, outside = _membership_sums(values, n, c, p)
    return members - outside


def _size_distribution(weights: Any, n: int) -> NDArray[np.float64]:
    try:
        q = np.array(weights, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise InvalidGameError(f"semivalue: weights must be numbers: {exc}") from None
    if q.shape != (n,):
        raise InvalidGameError(
            f"semivalue: weights has shape {q.shape}; it needs one probability per size of the "
            f"coalition of the others, 0 .. n-1, shape ({n},)"
        )
    if not np.isfinite(q).all() or (q < 0).any():
        bad = int(np.flatnonzero(~np.isfinite(q) | (q < 0))[0])
        raise InvalidGameError(
            f"semivalue: weights[{bad}] = {q[bad]} is invalid; every weight must be a finite "
            "number >= 0"
        )
    total = float(q.sum())
    if abs(total - 1.0) > 1e-9:
        raise InvalidGameError(
            f"semivalue: weights {q.tolist()} sum to {total:.12g}; a semivalue's weights over the "
            "coalition sizes 0 .. n-1 must sum to one"
        )
    return q


def semivalue(game: Game, weights: ArrayLike) -> Allocation:
    r"""Semivalue with a given distribution of coalition sizes (Dubey, Neyman and Weber 1981).

    Player ``i`` joins a random coalition ``S`` of the others whose size ``s`` is drawn with
    probability ``q(s)`` and whose members are then uniform among the :math:`\binom{n-1}{s}`
    coalitions of that size; it receives its expected marginal contribution:

    .. math::
        \psi_i(v) = \sum_{S \subseteq N \setminus i} p(|S|)\,\bigl(v(S \cup i) - v(S)\bigr),
        \qquad p(s) = \frac{q(s)}{\binom{n-1}{s}}, \quad \sum_{s=0}^{n-1} q(s) = 1.

    Every value that is linear, symmetric, nonnegative on monotone games and gives a dummy
    player (:math:`v(S \cup i) = v(S) + v(i)` for every ``S``) its standalone worth ``v(i)``
    is of this form (Dubey, Neyman and Weber 1981).  ``q(s) = 1/n`` gives the Shapley
    value, :math:`q(s) = \binom{n-1}{s} / 2^{n-1}` the Banzhaf value; a semivalue other than
    the Shapley value is not efficient in general.

    Parameters
    ----------
    game : Game
        A dense game (profit or cost).
    weights : array_like, shape (n,)
        ``q(0) .. q(n-1)``: nonnegative, summing to one (within ``1e-9``).

    Returns
    -------
    Allocation
        Method ``"semivalue"``, diagnostic ``weights``.

    Raises
    ------
    InvalidGameError
        If ``weights`` has the wrong length, a negative or non-finite entry, or does not sum
        to one.

    Notes
    -----
    With ``p(n) = 0`` and :math:`c(s) = p(s-1) + p(s)`,
    :math:`\psi_i = \sum_{S \ni i} c(|S|)\, v(S) - \sum_S p(|S|)\, v(S)`: the membership sums of
    the one-pass kernel of :func:`shapley`, plus one total that the same pass yields from its
    popcount-class sums.  So the time is that of :func:`shapley`
    (``benchmarks/bench_semivalues.py``).

    References
    ----------
    Dubey, P., Neyman, A. and Weber, R. J. (1981). Value theory without efficiency.
    *Mathematics of Operations Research* 6, 122-128.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> g = ba.games.weighted_voting([2, 1, 1], quota=3)
    >>> ba.semivalue(g, [1 / 3, 1 / 3, 1 / 3]).values.round(4).tolist()  # Shapley
    [0.6667, 0.1667, 0.1667]
    >>> ba.semivalue(g, [0.25, 0.5, 0.25]).values.tolist()  # Banzhaf
    [0.75, 0.25, 0.25]
    """
    game = check_game(game, "semivalue")
    q = _size_distribution(weights, game.n)
    return Allocation(
        game.players,
        _semivalue_array(game.values, game.n, q),
        "semivalue",
        weights=tuple(q.tolist()),
    )


def weighted_banzhaf(game: Game, p: float = 0.5) -> Allocation:
    r"""Weighted (``p``-binomial) Banzhaf value: each other player is present with probability ``p``.

    The semivalue whose coalition of the others includes each of them independently with
    probability ``p`` (Puente 2000; Marichal and Mathonet 2011):

    .. math::
        \beta^p_i(v) = \sum_{S \subseteq N \setminus i} p^{|S|} (1-p)^{n-1-|S|}
                       \bigl(v(S \cup i) - v(S)\bigr).

    ``p = 1/2`` is the Banzhaf value; ``p = 0`` gives ``v(i)`` and ``p = 1`` gives
    :math:`v(N) - v(N \setminus i)`.

    Parameters
    ----------
    game : Game
        A dense game (profit or cost).
    p : float, default 0.5
        The probability, in ``[0, 1]``.

    Returns
    -------
    Allocation
        Method ``"weighted_banzhaf"``, diagnostic ``p``.

    Raises
    ------
    InvalidGameError
        If ``p`` is not a number in ``[0, 1]``.

    References
    ----------
    Puente, M. A. (2000). *Contributions to the representability of simple games and to the
    calculus of solutions for this class of games*. PhD thesis, Universitat Politecnica de
    Catalunya.

    Marichal, J.-L. and Mathonet, P. (2011). Weighted Banzhaf power and interaction indexes
    through weighted approximations of games. *European Journal of Operational Research* 211,
    352-358.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> g = ba.games.weighted_voting([2, 1, 1], quota=3)
    >>> ba.weighted_banzhaf(g, 0.5).values.tolist()
    [0.75, 0.25, 0.25]
    >>> ba.weighted_banzhaf(g, 1.0).values.tolist()
    [1.0, 0.0, 0.0]
    """
    game = check_game(game, "weighted_banzhaf")
    if isinstance(p, bool) or not isinstance(p, (int, float, np.integer, np.floating)):
        raise InvalidGameError(f"weighted_banzhaf: p must be a number in [0, 1], got {p!r}")
    prob = float(p)
    if not 0.0 <= prob <= 1.0:
        raise InvalidGameError(
            f"weighted_banzhaf: p = {p!r} is not a probability; it must be in [0, 1]"
        )
    n = game.n
    q = np.array([comb(n - 1, s) * prob**s * (1.0 - prob) ** (n - 1 - s) for s in range(n)])
    return Allocation(
        game.players,
        _semivalue_array(game.values, n, q / q.sum()),
        "weighted_banzhaf",
        p=prob,
    )


def _shares(w: NDArray[np.float64], top: float) -> NDArray[np.float64]:
    r"""``w / sum(w)`` for nonnegative ``w`` with maximum ``top > 0``, without overflow.

    The weights are divided by their largest first, so the sum lies in ``[1, n]`` and every
    share in ``[0, 1]``: ``sum(w)`` of weights near ``1e308`` would overflow to ``inf`` and
    the product ``v(N) w_i`` of values near ``1e300`` with such weights, or of values near
    ``1e-300`` with weights near ``1e-300``, would overflow or underflow to 0, while the
    scaled shares are exact to rounding at any scale.
    """
    scaled = w / top
    return scaled / scaled.sum()
