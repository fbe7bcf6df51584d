"""Transferable-utility games: the dense :class:`Game` and the lazy :class:`OracleGame`.

A TU game on players ``N = {0, ..., n-1}`` is a function ``v: 2**N -> R`` with
``v(empty) = 0``.  :class:`Game` stores it as a float64 array of length ``2**n`` indexed by
bitmask: coalition ``S`` is the integer whose bit ``i`` is set when player ``i`` is in
``S``.  A *cost game* (``cost=True``) holds costs ``c(S)`` to be shared; the solution
concepts then read "x(S) <= c(S)" where a profit game reads "x(S) >= v(S)".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._bits import bool_to_masks, mask_of, masks_to_bool, members_of, names_of, popcount
from ._html import table
from ._labels import SEPARATOR, label_members
from ._validate import is_series
from .errors import InvalidGameError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "Game",
    "OracleGame",
    "MAX_DENSE_PLAYERS",
    "check_dense_size",
    "owned_game",
    "validate_players",
]

#: Largest number of players a dense game may have (2**30 float64 values are 8 GiB).
MAX_DENSE_PLAYERS = 30
#: What to use instead of a dense game, for the messages that refuse one.
_LARGE_GAMES = (
    "for more players use OracleGame (a value function evaluated on demand) with the sampled "
    "methods shapley_sampled, banzhaf_sampled or owen_sampled"
)
_CHUNK = 1 << 22


def validate_players(
    players: Sequence[str] | None, n: int | None, *, field: str = "players"
) -> tuple[str, ...]:
    """Check player names (unique, non-empty strings, exactly ``n``) or make ``P0..P{n-1}``.

    With ``n=None`` any number of names is accepted, and ``players`` is required.
    """
    if players is None:
        if n is None:
            raise InvalidGameError(f"{field} is required: give a list of player names")
        return tuple(f"P{i}" for i in range(n))
    if isinstance(players, str):
        raise InvalidGameError(
            f"{field} must be a sequence of names, got the string {players!r}; "
            f"write [{players!r}] for one player"
        )
    if not isinstance(players, Iterable):
        raise InvalidGameError(
            f"{field} must be a sequence of names, got {players!r} of type {type(players).__name__}"
        )
    names = tuple(players)
    if n is not None and len(names) != n:
        raise InvalidGameError(f"{field} has {len(names)} names but the game has {n} players")
    seen: set[str] = set()
    for p in names:
        if not isinstance(p, str):
            raise InvalidGameError(f"{field} must be strings; got {p!r} of type {type(p).__name__}")
        if not p.strip():
            raise InvalidGameError(
                f"{field} contains an empty name {p!r}; give every player a name"
            )
        if p in seen:
            raise InvalidGameError(
                f"{field} contains the duplicate name {p!r}; names must be unique"
            )
        seen.add(p)
    return names


def _n_from_length(length: int) -> int:
    if length < 1 or length & (length - 1):
        lo = 1 << max(0, length.bit_length() - 1)
        raise InvalidGameError(
            f"values has length {length}, which is not a power of two; a game of n players "
            f"needs 2**n values (valid lengths near it: {lo} or {lo * 2})"
        )
    n = length.bit_length() - 1
    if n == 0:
        raise InvalidGameError(
            "values has length 1, a game with no players; a game needs at least one player "
            "(2**n values for n >= 1 players, e.g. [0, v1] for one)"
        )
    check_dense_size(n, "values")
    return n


def check_flag(value: Any, field: str) -> bool:
    """``value`` as a bool, refusing anything but ``True`` and ``False`` (no truthiness)."""
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidGameError(f"{field} must be True or False, got {value!r}")
    return bool(value)


def check_dense_size(n: int, field: str, *, alternative: str = _LARGE_GAMES) -> None:
    """Refuse a dense game of ``n > MAX_DENSE_PLAYERS`` players before anything is allocated.

    A dense game tabulates ``2**n`` float64 values: 8 GiB at ``n = 30``, 16 GiB at 31.  The
    message names ``field`` (the argument that fixed ``n``) and ``alternative``, what to use
    instead (by default an :class:`OracleGame` with the sampled methods).
    """
    if n > MAX_DENSE_PLAYERS:
        raise InvalidGameError(
            f"{field}: {n} players are too many for a dense game (at most "
            f"{MAX_DENSE_PLAYERS}; it stores 2**n values); {alternative}"
        )


def _series_by_mask(values: Any) -> NDArray[np.float64]:
    """A ``pandas.Series`` of coalition values read by its index of masks, never by position."""
    index = values.index
    kind = np.asarray(index).dtype.kind
    if kind not in "iu" or index.has_duplicates:
        shown = list(index[:6]) + (["..."] if len(index) > 6 else [])
        why = "has duplicate labels" if kind in "iu" else "is not made of integer masks"
        raise InvalidGameError(
            f"values is a pandas Series whose index {shown} {why}; a Series is read by label, "
            "so its index must be the coalition masks 0 .. 2**n - 1, each once (use "
            "Game.from_frame for an index of coalitions, or values.to_numpy() for values in "
            "mask order)"
        )
    masks = np.asarray(index, dtype=np.int64)
    length = masks.shape[0]
    _n_from_length(length)
    outside = masks[(masks < 0) | (masks >= length)]
    if outside.size:
        raise InvalidGameError(
            f"values is a pandas Series with {length} entries indexed by masks that include "
            f"{outside[:5].tolist()}; with {length} values the index must be the masks 0 .. "
            f"{length - 1}, each once"
        )
    try:
        data = values.to_numpy(dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidGameError(f"values must be numbers: {exc}") from None
    arr = np.empty(length, dtype=np.float64)
    arr[masks] = data
    return arr


def _check_finite(values: NDArray[np.float64]) -> None:
    for start in range(0, values.shape[0], _CHUNK):
        block = values[start : start + _CHUNK]
        if not np.isfinite(block).all():
            bad = start + int(np.flatnonzero(~np.isfinite(block))[0])
            raise InvalidGameError(
                f"values[{bad}] = {values[bad]} is not finite; every coalition value must be a "
                "finite number"
            )


class Game:
    """A transferable-utility game stored densely by bitmask.

    Parameters
    ----------
    values : array_like, shape (2**n,)
        ``values[S]`` is the worth (or cost) of coalition ``S``, where bit ``i`` of the
        integer ``S`` is set when player ``i`` is a member.  ``values[0]`` must be 0, and
        ``n >= 1``: a game without players is refused (its solutions would be empty).  A
        ``pandas.Series`` is read by label: its index must be the masks ``0 .. 2**n - 1``
        (in any order, each once).
    players : sequence of str, optional
        Player names in bit order; default ``"P0" .. "P{n-1}"``.
    cost : bool, default False
        Mark a cost game: ``values`` are costs to share.
    copy : bool, default True
        Copy ``values`` into a read-only array.  With ``copy=False`` a float64 C-contiguous
        array is adopted as it is (needed for n near 30, where the array is 8 GiB): do not
        change it afterwards.

    Examples
    --------
    >>> g = Game([0, 1, 2, 4], players=["College", "Firm"])
    >>> g.n, g.value(["College", "Firm"]), g.value(1)
    (2, 4.0, 1.0)
    """

    __slots__ = ("_values", "_players", "_cost", "_n")

    def __init__(
        self,
        values: ArrayLike,
        players: Sequence[str] | None = None,
        *,
        cost: bool = False,
        copy: bool = True,
    ) -> None:
        if is_series(values):
            values, copy = _series_by_mask(values), True
        if copy:
            try:
                arr = np.array(values, dtype=np.float64, copy=True)
            except (TypeError, ValueError) as exc:
                raise InvalidGameError(f"values must be numbers: {exc}") from None
        else:
            arr = np.asarray(values)
            if arr.dtype != np.float64 or not arr.flags.c_contiguous:
                raise InvalidGameError(
                    f"copy=False needs a C-contiguous float64 array, got dtype {arr.dtype}; "
                    "pass copy=True or convert with numpy.ascontiguousarray(values, float)"
                )
        if arr.ndim != 1:
            raise InvalidGameError(
                f"values must be 1-D (one value per coalition), got shape {arr.shape}"
            )
        n = _n_from_length(arr.shape[0])
        _check_finite(arr)
        if arr[0] != 0.0:
            raise InvalidGameError(
                f"values[0] = {arr[0]} is the empty coalition's value and must be 0"
            )
        if copy:
            arr.flags.writeable = False
        self._values = arr
        self._n = n
        self._players = validate_players(players, n)
        self._cost = check_flag(cost, "cost")

    # ------------------------------------------------------------------ basics
    @property
    def n(self) -> int:
        """Number of players."""
        return self._n

    @property
    def players(self) -> tuple[str, ...]:
        """Player names in bit order."""
        return self._players

    @property
    def values(self) -> NDArray[np.float64]:
        """The value array (read-only unless adopted with ``copy=False``)."""
        return self._values

    @property
    def cost(self) -> bool:
        """True for a cost game."""
        return self._cost

    @property
    def grand(self) -> float:
        """Value of the grand coalition ``v(N)``."""
        return float(self._values[-1])

    @property
    def singletons(self) -> NDArray[np.float64]:
        """Standalone values ``v({i})`` in player order."""
        return self._values[1 << np.arange(self._n)].astype(np.float64)

    def mask(self, coalition: int | Iterable[str | int]) -> int:
        """Mask of a coalition given as a mask, names or indices."""
        return mask_of(coalition, self._players)

    def coalition(self, mask: int) -> tuple[str, ...]:
        """Names of the members of ``mask``."""
        return names_of(mask_of(mask, self._players), self._players)

    def value(self, coalition: int | Iterable[str | int]) -> float:
        """Value of a coalition: an int is a mask, a sequence holds names or indices."""
        return float(self._values[self.mask(coalition)])

    def __len__(self) -> int:
        return self._n

    def __repr__(self) -> str:
        kind = "cost game" if self._cost else "game"
        shown = ", ".join(self._players[:6]) + (", ..." if self._n > 6 else "")
        return f"<Game: {kind} of {self._n} players [{shown}], v(N) = {self.grand:.6g}>"

    def _repr_html_(self) -> str:
        """Every coalition's value for up to 4 players (16 rows); a summary beyond."""

        kind = "cost" if self._cost else "worth"
        caption = f"Game of {self._n} players ({kind}), v(N) = "
        scale = float(np.abs(self._values).max()) or 1.0
        if self._n <= 4:
            rows = [
                [" + ".join(names_of(m, self._players)), float(self._values[m])]
                for m in range(1, 1 << self._n)
            ]
            return table(
                ["coalition", kind], rows, caption=caption + f"{self.grand:.6g}", scale=scale
            )
        rows = [[p, float(v)] for p, v in zip(self._players, self.singletons)]
        return table(
            ["player", f"alone ({kind})"],
            rows,
            caption=caption + f"{self.grand:.6g}",
            scale=scale,
            note=f"{(1 << self._n) - 1} coalitions; Game.to_frame() lists them all",
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Game):
            return NotImplemented
        return (
            self._players == other._players
            and self._cost == other._cost
            and np.array_equal(self._values, other._values)
        )

    __hash__ = None  # type: ignore[assignment]

    # ------------------------------------------------------------ constructors
    @classmethod
    def from_function(
        cls,
        f: Callable[[frozenset[str]], float],
        players: Sequence[str],
        *,
        cost: bool = False,
    ) -> Game:
        """Tabulate ``f(frozenset of names)`` over every coalition (``f`` of the empty set is 0).

        Examples
        --------
        >>> g = Game.from_function(lambda s: len(s) ** 2, ["a", "b", "c"])
        >>> g.value(["a", "b"])
        4.0
        """
        names = validate_players(players, None)
        n = len(names)
        check_dense_size(n, "from_function(players=...)")
        vals = np.zeros(1 << n)
        for mask in range(1, 1 << n):
            vals[mask] = f(frozenset(names_of(mask, names)))
        return owned_game(vals, names, cost)

    @classmethod
    def from_dict(
        cls,
        mapping: Mapping[Any, float],
        players: Sequence[str],
        *,
        cost: bool = False,
    ) -> Game:
        """Build a game from ``{coalition: value}``; every nonempty coalition must be present.

        Keys are masks, or iterables of names or indices.  The empty coalition may be omitted.

        Examples
        --------
        >>> Game.from_dict({("a",): 1, ("b",): 1, ("a", "b"): 3}, ["a", "b"]).grand
        3.0
        """
        if not isinstance(mapping, Mapping):
            raise InvalidGameError(
                f"from_dict: mapping must be a dict {{coalition: value}}, got "
                f"{type(mapping).__name__}"
            )
        names = validate_players(players, None)
        return _tabulate(
            ((key, val, f"the key {key!r}") for key, val in mapping.items()),
            names,
            cost,
            "from_dict",
        )

    @classmethod
    def from_series(
        cls,
        series: pd.Series,
        players: Sequence[str] | None = None,
        *,
        cost: bool = False,
        sep: str = SEPARATOR,
    ) -> Game:
        """Build a game from a ``pandas.Series`` of values indexed by coalition.

        Each index label names one coalition, as an integer mask, a tuple, list or frozenset
        of player names, or a string of names joined by ``sep`` (``"College + Firm"``, the
        scenario CSV's form; spaces around the separator are optional).  A ``MultiIndex``
        (what pandas builds from tuple keys, padded with missing values) is read row by
        row with the padding dropped.  Every nonempty coalition must appear exactly once; the
        empty one (``0``, ``()`` or ``""``) may be omitted and is 0.

        Parameters
        ----------
        series : pandas.Series
        players : sequence of str, optional
            Player order.  By default the names in order of first appearance in the index
            (or ``P0 .. P{n-1}`` for an index of masks only).
        cost : bool
            Whether the values are costs.
        sep : str
            The separator of string labels.

        Examples
        --------
        >>> import pandas as pd
        >>> s = pd.Series({"College": 1.0, "Firm": 2.0, "College + Firm": 4.0})
        >>> Game.from_series(s).values.tolist()
        [0.0, 1.0, 2.0, 4.0]
        """
        if not is_series(series):
            raise InvalidGameError(
                f"from_series: series must be a pandas Series indexed by coalition, got "
                f"{type(series).__name__} (use Game.from_dict for a dict)"
            )
        labels = list(series.index)
        where = [f"index label {label!r} (row {pos})" for pos, label in enumerate(labels)]
        coalitions = [label_members(lab, w, sep=sep) for lab, w in zip(labels, where)]
        if players is None:
            named = [c for c in coalitions if not isinstance(c, int)]
            if named and len(named) < len(coalitions):
                raise InvalidGameError(
                    "from_series: the index mixes masks and names; give players=[...] so "
                    "that the masks have a player order"
                )
            if named:
                order: dict[str, None] = {}
                for c in named:
                    for name in c:
                        order.setdefault(name, None)
                names = validate_players(list(order), len(order))
            else:
                top = max((c for c in coalitions if isinstance(c, int)), default=1)
                names = validate_players(None, max(top, 1).bit_length())
        else:
            names = validate_players(players, None)
        rows = zip(coalitions, series.tolist(), where)
        return _tabulate(rows, names, check_flag(cost, "cost"), "from_series")

    @classmethod
    def from_frame(
        cls,
        df: pd.DataFrame,
        *,
        value: str = "value",
        cost: bool = False,
        ignore: Sequence[str] = (),
    ) -> Game:
        """Build a game from a DataFrame.

        Either one membership column per player plus a ``value`` column (players are the
        other columns, in order; each column boolean or integers 0 and 1), or a ``value``
        column indexed by frozensets of player names (players in order of first appearance,
        sorted within each coalition).  Columns named in ``ignore`` (a note, a source) are
        left out.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"A": [1, 0, 1], "B": [0, 1, 1], "value": [1, 2, 4],
        ...                    "source": ["survey", "survey", "audit"]})
        >>> Game.from_frame(df, ignore=["source"]).values.tolist()
        [0.0, 1.0, 2.0, 4.0]
        """
        if value not in df.columns:
            raise InvalidGameError(
                f"from_frame needs a {value!r} column; the frame has columns {list(df.columns)}"
            )
        if isinstance(ignore, str):
            ignore = [ignore]
        unknown = [c for c in ignore if c not in df.columns]
        if unknown or value in ignore:
            raise InvalidGameError(
                f"from_frame: ignore={list(ignore)!r} must name columns other than {value!r}; "
                f"the frame has columns {list(df.columns)}"
            )
        if ignore:
            df = df.drop(columns=list(ignore))
        if len(df.columns) == 1:
            coalitions = [_index_coalition(k, pos, value) for pos, k in enumerate(df.index)]
            seen: dict[str, None] = {}
            for c in coalitions:
                for p in sorted(c):
                    seen.setdefault(p, None)
            names = validate_players(list(seen), len(seen))
            rows = zip(coalitions, df[value].tolist(), _row_names(df))
            return _tabulate(rows, names, cost, "from_frame")
        columns = [str(c) for c in df.columns if c != value]
        members = _membership(df[[c for c in df.columns if c != value]])
        names = validate_players(columns, len(columns))
        masks = bool_to_masks(members)
        rows = zip(masks.tolist(), df[value].tolist(), _row_names(df))
        return _tabulate(rows, names, cost, "from_frame")

    def to_frame(self) -> pd.DataFrame:
        """DataFrame with one boolean column per player and a ``value`` column, by mask."""
        import pandas as pd  # lazy: loads pandas

        members = masks_to_bool(np.arange(1 << self._n), self._n)
        df = pd.DataFrame(members, columns=list(self._players))
        df["value"] = self._values
        df.index.name = "mask"
        return df

    # --------------------------------------------------------------- algebra
    def subgame(self, players: Iterable[str | int]) -> Game:
        """The game restricted to ``players`` (kept in the order they have in this game)."""
        mask = self.mask(list(players))
        if mask == 0:
            raise InvalidGameError(
                f"subgame: players is empty; name at least one of {list(self._players)}"
            )
        idx = [i for i in range(self._n) if (mask >> i) & 1]
        k = len(idx)
        sub = np.zeros(1 << k, dtype=np.int64)
        for j, i in enumerate(idx):
            sub[1 << j : 1 << (j + 1)] = sub[: 1 << j] | (1 << i)
        return Game(self._values[sub], [self._players[i] for i in idx], cost=self._cost)

    def _check_compatible(self, other: Game) -> None:
        if self._players != other._players or self._cost != other._cost:
            raise InvalidGameError(
                "games can only be added when they have the same players in the same order and "
                f"the same kind: {self._players} (cost={self._cost}) vs {other._players} "
                f"(cost={other._cost})"
            )

    def __add__(self, other: Game) -> Game:
        if not isinstance(other, Game):
            return NotImplemented
        self._check_compatible(other)
        return owned_game(self._values + other._values, self._players, self._cost)

    def __sub__(self, other: Game) -> Game:
        if not isinstance(other, Game):
            return NotImplemented
        self._check_compatible(other)
        return owned_game(self._values - other._values, self._players, self._cost)

    def __mul__(self, scalar: float) -> Game:
        if not isinstance(scalar, (int, float, np.integer, np.floating)) or isinstance(
            scalar, bool
        ):
            return NotImplemented
        if not math.isfinite(float(scalar)):
            raise InvalidGameError(f"a game can only be scaled by a finite number, got {scalar}")
        return owned_game(self._values * float(scalar), self._players, self._cost)

    __rmul__ = __mul__

    def __neg__(self) -> Game:
        return self * -1.0

    def relabel(self, order: Sequence[str | int]) -> Game:
        """The same game with players permuted: new player ``j`` is old player ``order[j]``."""
        idx = [mask_of([p], self._players).bit_length() - 1 for p in order]
        if sorted(idx) != list(range(self._n)):
            raise InvalidGameError(
                f"relabel order {list(order)} must name every player exactly once: "
                f"{list(self._players)}"
            )
        src = np.zeros(1 << self._n, dtype=np.int64)
        for j, i in enumerate(idx):
            src[1 << j : 1 << (j + 1)] = src[: 1 << j] | (1 << i)
        return Game(self._values[src], [self._players[i] for i in idx], cost=self._cost)

    # ------------------------------------------------------------ properties
    def _sign(self) -> float:
        # cost games are checked on the savings orientation -c
        return -1.0 if self._cost else 1.0

    @property
    def is_monotone(self) -> bool:
        """``v(S) <= v(T)`` whenever ``S`` is a subset of ``T`` (checked on raw values)."""
        v = self._values
        masks = np.arange(1 << self._n, dtype=np.int64)
        for i in range(self._n):
            without = masks[(masks >> i) & 1 == 0]
            if np.any(v[without | (1 << i)] < v[without]):
                return False
        return True

    @property
    def is_superadditive(self) -> bool:
        """``v(S | T) >= v(S) + v(T)`` for disjoint ``S, T``; for a cost game, subadditivity.

        Checks every disjoint pair, ``3**n`` of them in vectorised chunks.
        """
        w = self._sign() * self._values
        n = self._n
        if n > 16:
            raise InvalidGameError(
                f"is_superadditive checks 3**n pairs; n = {n} is above the limit of 16"
            )
        pw = 3 ** np.arange(n, dtype=np.int64)
        bits = 1 << np.arange(n, dtype=np.int64)
        total = 3**n
        for start in range(0, total, _CHUNK):
            code = np.arange(start, min(total, start + _CHUNK), dtype=np.int64)
            digits = (code[:, None] // pw[None, :]) % 3
            a = (digits == 1) @ bits
            b = (digits == 2) @ bits
            if np.any(w[a | b] < w[a] + w[b] - 1e-12 * (1 + np.abs(w[a | b]))):
                return False
        return True

    @property
    def is_convex(self) -> bool:
        """Supermodularity ``v(S+i) - v(S) <= v(S+i+j) - v(S+j)``; for a cost game, concavity."""
        w = self._sign() * self._values
        masks = np.arange(1 << self._n, dtype=np.int64)
        for i in range(self._n):
            for j in range(i + 1, self._n):
                s = masks[((masks >> i) & 1 == 0) & ((masks >> j) & 1 == 0)]
                bi, bj = 1 << i, 1 << j
                d = w[s | bi | bj] - w[s | bi] - w[s | bj] + w[s]
                if np.any(d < -1e-12 * (1 + np.abs(w[s | bi | bj]))):
                    return False
        return True

    @property
    def is_essential(self) -> bool:
        """``v(N) > sum_i v({i})`` (for a cost game ``c(N) < sum_i c({i})``)."""
        return bool(self._sign() * (self.grand - self.singletons.sum()) > 0)

    def sizes(self) -> NDArray[np.int64]:
        """Size of every coalition, by mask."""
        return popcount(np.arange(1 << self._n))


def _index_coalition(label: Any, pos: int, value: str) -> frozenset[str]:
    """The coalition a frame's index label names: an iterable of player names."""
    if isinstance(label, str) or not isinstance(label, Iterable):
        raise InvalidGameError(
            f"from_frame: row {pos} has the index {label!r}; with only a {value!r} column the "
            "index must hold coalitions (frozensets of player names); otherwise give one "
            "boolean column per player"
        )
    members = frozenset(label)
    bad = [p for p in members if not isinstance(p, str)]
    if bad:
        raise InvalidGameError(
            f"from_frame: row {pos} has the coalition {set(members)!r}, whose members {bad!r} "
            "are not player names (strings)"
        )
    return members


def _membership(frame: pd.DataFrame) -> NDArray[np.bool_]:
    """Membership flags from boolean columns or integer columns of 0 and 1."""
    for column in frame.columns:
        col = frame[column]
        kind = col.dtype.kind
        if kind == "b":
            continue
        if kind in "iu":
            bad = col[(col != 0) & (col != 1)]
            if bad.empty:
                continue
            raise InvalidGameError(
                f"from_frame: the player column {column!r} holds {bad.iloc[0].item()!r} at index "
                f"{bad.index[0]!r}; membership is 0 or 1 (or True/False)"
            )
        raise InvalidGameError(
            f"from_frame: the player column {column!r} has dtype {col.dtype}; membership "
            "columns must be boolean or integers 0 and 1 (name other columns in ignore=[...])"
        )
    return frame.to_numpy().astype(bool)


def _row_names(df: pd.DataFrame) -> list[str]:
    """How the messages name each row of a frame: its position and its index label."""
    return [f"row {pos} (index {label!r})" for pos, label in enumerate(df.index)]


def _tabulate(
    items: Iterable[tuple[Any, Any, str]], names: Sequence[str], cost: bool, func: str
) -> Game:
    """A game from ``(coalition, value, where)`` triples; each nonempty coalition exactly once.

    ``where`` says where an entry came from (a dict key, a frame row) for the messages: a
    coalition given twice is refused naming both places, never silently overwritten.
    """
    n = len(names)
    check_dense_size(n, f"{func}(players=...)")
    if n == 0:
        raise InvalidGameError(f"{func}: players is empty; a game needs at least one player")
    vals = np.zeros(1 << n)
    seen: dict[int, str] = {}
    for key, val, where in items:
        mask = mask_of(key, names)
        if mask in seen:
            raise InvalidGameError(
                f"{func}: {seen[mask]} and {where} are the same coalition "
                f"{list(names_of(mask, names))}; give each coalition once"
            )
        seen[mask] = where
        try:
            number = float(val)
        except (TypeError, ValueError):
            raise InvalidGameError(
                f"{func}: {where} has the value {val!r}; coalition values must be numbers"
            ) from None
        if not math.isfinite(number):
            raise InvalidGameError(
                f"{func}: {where} has the value {number}; coalition values must be finite"
            )
        if mask == 0 and number != 0.0:
            raise InvalidGameError(
                f"{func}: {where} gives the empty coalition the value {number}; it must be 0"
            )
        vals[mask] = number
    seen.setdefault(0, "")
    if len(seen) < vals.shape[0]:
        missing = [m for m in range(1, vals.shape[0]) if m not in seen]
        shown = [names_of(m, names) for m in missing[:5]]
        raise InvalidGameError(
            f"{func} is missing {len(missing)} coalition(s), e.g. {shown}; every nonempty "
            "coalition needs a value"
        )
    return owned_game(vals, names, cost)


def owned_game(values: NDArray[np.float64], players: Sequence[str], cost: bool) -> Game:
    """Wrap an array the library just built (no copy) and make it read-only.

    The internal constructor of the package's own modules (the classic games, production
    models, partnerships): ``values`` must be a fresh array nobody else holds, since it is
    adopted without a copy; ``players`` and the values are checked as by :class:`Game`.
    Not part of the public API.
    """
    game = Game(np.ascontiguousarray(values, dtype=np.float64), players, cost=cost, copy=False)
    game.values.flags.writeable = False
    return game


class OracleGame:
    """A game too large to tabulate, evaluated lazily.

    Parameters
    ----------
    fn : callable
        ``fn(frozenset of names) -> float``, the value of one coalition.
    players : sequence of str
        Player names.
    batch : callable, optional
        ``batch(members) -> values`` with ``members`` a boolean array of shape ``(k, n)`` and
        the result of shape ``(k,)``: evaluates many coalitions at once.  Used when present.
    cost : bool, default False
        Mark a cost game.
    separate : callable, optional
        ``separate(x) -> (members, value)``: for a payoff vector ``x`` (player order) a
        boolean membership vector of a coalition ``S`` (``S`` neither empty nor everyone) of
        largest excess at ``x``, and its worth.  An *exact separator*: the stability
        functions of :mod:`benefit_alloc.solutions.separation` use it and check its answers.
        A separator that also takes a keyword ``fixed`` (a boolean array ``(k, n)``) can be
        *restricted*: ``separate(x, fixed=rows)`` returns a coalition of largest excess among
        those whose membership vector is not in the linear span of ``rows`` and the
        all-ones vector, which the nucleolus by constraint generation needs
        (:func:`~benefit_alloc.oracle_nucleolus`).

    Examples
    --------
    >>> g = OracleGame(lambda s: float(len(s)) ** 2, ["a", "b", "c"])
    >>> g.evaluate(np.array([[True, True, False]]))
    array([4.])
    """

    def __init__(
        self,
        fn: Callable[[frozenset[str]], float] | None,
        players: Sequence[str],
        *,
        batch: Callable[[NDArray[np.bool_]], ArrayLike] | None = None,
        cost: bool = False,
        separate: Callable[[NDArray[np.float64]], tuple[ArrayLike, float]] | None = None,
    ) -> None:
        if fn is None and batch is None:
            raise InvalidGameError("OracleGame needs fn, batch or both; got neither")
        if fn is not None and not callable(fn):
            raise InvalidGameError(f"fn must be callable, got {fn!r}")
        if batch is not None and not callable(batch):
            raise InvalidGameError(f"batch must be callable, got {batch!r}")
        if separate is not None and not callable(separate):
            raise InvalidGameError(
                f"separate must be callable (x -> (members, value)), got {separate!r}"
            )
        names = validate_players(players, None)
        if not names:
            raise InvalidGameError("an OracleGame needs at least one player")
        self._fn = fn
        self._batch = batch
        self._players = names
        self._n = len(names)
        self._cost = check_flag(cost, "cost")
        self._separate = separate

    @property
    def separator(self) -> Callable[[NDArray[np.float64]], tuple[ArrayLike, float]] | None:
        """The exact separator given as ``separate``, or None."""
        return self._separate

    @property
    def n(self) -> int:
        """Number of players."""
        return self._n

    @property
    def players(self) -> tuple[str, ...]:
        """Player names."""
        return self._players

    @property
    def cost(self) -> bool:
        """True for a cost game."""
        return self._cost

    @property
    def has_batch(self) -> bool:
        """True when a vectorised batch function is available."""
        return self._batch is not None

    def __len__(self) -> int:
        return self._n

    def __repr__(self) -> str:
        kind = "batch" if self._batch is not None else "callable"
        return f"<OracleGame ({kind}) of {self._n} players>"

    def evaluate(self, members: NDArray[np.bool_]) -> NDArray[np.float64]:
        """Values of the coalitions given as rows of a boolean ``(k, n)`` matrix.

        The empty coalition is worth 0 whatever the oracle says.
        """
        m = np.asarray(members, dtype=bool)
        if m.ndim != 2 or m.shape[1] != self._n:
            raise InvalidGameError(f"members must have shape (k, {self._n}), got {m.shape}")
        k = m.shape[0]
        if self._batch is not None:
            raw = self._batch(m)  # the user's own errors propagate unchanged
            try:
                out = np.asarray(raw, dtype=np.float64)
            except (TypeError, ValueError) as exc:
                raise InvalidGameError(f"the batch function returned non-numbers: {exc}") from None
            if out.shape != (k,):
                raise InvalidGameError(
                    f"the batch function returned shape {out.shape} for {k} coalitions; it must "
                    f"return a 1-D array of shape ({k},)"
                )
        else:
            fn = self._fn
            if fn is None:  # unreachable: the constructor requires fn or batch
                raise InvalidGameError("OracleGame has neither fn nor batch")
            out = np.fromiter(
                (fn(frozenset(p for p, b in zip(self._players, row) if b)) for row in m),
                dtype=np.float64,
                count=k,
            )
        if not np.isfinite(out).all():
            bad = int(np.flatnonzero(~np.isfinite(out))[0])
            raise InvalidGameError(
                f"the oracle returned {out[bad]} for coalition "
                f"{tuple(p for p, b in zip(self._players, m[bad]) if b)}; values "
                "must be finite"
            )
        out[~m.any(axis=1)] = 0.0
        return out

    def value(self, coalition: int | Iterable[str | int]) -> float:
        """Value of one coalition (names or indices at any size; a mask up to 62 players)."""
        return float(self.evaluate(members_of(coalition, self._players)[None, :])[0])

    @property
    def grand(self) -> float:
        """Value of the grand coalition."""
        return float(self.evaluate(np.ones((1, self._n), dtype=bool))[0])

    @property
    def singletons(self) -> NDArray[np.float64]:
        """Standalone values in player order."""
        return self.evaluate(np.eye(self._n, dtype=bool))

    def to_game(self) -> Game:
        """Tabulate every coalition (only sensible for small n), through the engine in
        force (:mod:`benefit_alloc.engine`: in process, or spread over a Dask cluster)."""
        from . import engine  # lazy: the engine module is loaded with the samplers

        check_dense_size(self._n, "to_game()")
        vals = np.empty(1 << self._n)
        masks = np.arange(1 << self._n, dtype=np.int64)
        for start in range(0, masks.size, 1 << 16):
            block = masks[start : start + (1 << 16)]
            vals[block] = engine.current().evaluate(self, masks_to_bool(block, self._n))
        return owned_game(vals, self._players, self._cost)
