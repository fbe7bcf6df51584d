"""Where coalitions are evaluated: in this process (the default) or on a Dask cluster.

Everything that evaluates many coalitions of an :class:`~benefit_alloc.game.OracleGame`
(the sampled Shapley, Banzhaf and Owen values, the exact values streamed over every
coalition, a partnership's oracle, :func:`~benefit_alloc.what_if.sensitivity`) does it
through the *engine in force*.  There is one way to choose it, a context::

    from dask.distributed import Client
    import benefit_alloc as ba

    with Client("tcp://scheduler:8786") as client, ba.engine.use(client):
        ba.shapley_sampled(oracle, budget=1_000_000, rng=0)

Outside a ``use`` block the engine is :data:`IN_PROCESS` and nothing changes.

An engine maps a function over *units* (blocks of coalitions) and hands the results back
**in unit order**, whatever order they were computed in.  Every random draw is made by the
caller, in this process, before the coalitions are shipped, and each coalition's value
does not depend on which block carried it, so a result never depends on the number of
workers, on which worker ran what, or on a worker lost and its blocks recomputed.

The Dask engine (:class:`DaskEngine`):

* scatters the function's fixed data (the oracle) once per ``use`` block, to every worker
  (``broadcast=True``), so a lost worker loses no data;
* groups consecutive units into tasks of about ``task_seconds`` (0.2 s) of work, measured
  on the first tasks: the first task holds one unit, later ones as many as the measured
  time per unit allows;
* keeps ``in_flight`` (default three times the number of workers) tasks submitted at once;
* evaluates in this process a batch of rows whose measured work is less than one task
  (a sampler's small rounds), where the round trip would cost more than the work;
* re-raises an error raised by the user's function unchanged, with a note naming the
  block that raised it, and refuses a closed client with one line.

Dask is an optional dependency (``pip install "benefit-alloc[distributed]"``), imported
only when a client is handed over.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import time
from collections.abc import Callable, Iterator
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from .errors import BenefitAllocError

__all__ = [
    "use",
    "local_cluster",
    "start_local_cluster",
    "connect",
    "current",
    "Engine",
    "InProcess",
    "DaskEngine",
    "IN_PROCESS",
]

#: Install hint named by every message about a missing Dask.
EXTRA = "benefit-alloc[distributed]"

#: Target work per Dask task, in seconds (tasks much shorter than this are dominated by
#: the overhead of a few milliseconds of CPU per task, on the client, the scheduler and the
#: worker together).
TASK_SECONDS = 0.2

#: Tasks in flight per worker: enough to keep a worker busy while results travel.
IN_FLIGHT_PER_WORKER = 3

#: A batch of rows measured at less work than this (or than one task) is evaluated in the
#: calling process: split over the workers it would gain less than a round trip costs.
LOCAL_SECONDS = 0.05

#: Attempts at scattering the data when a worker is lost on the way.
SCATTER_TRIES = 3

#: Dask settings of the workers and scheduler that :func:`start_local_cluster` starts:
#: no statistical profiler on the workers (it wakes the event loop every 10 ms to sample
#: the computing thread's stack, taking the interpreter lock from it), and the event loop's
#: responsiveness tick and system monitor every second rather than every 20 and 500 ms.
#: Measured on an idle two-worker cluster, the three processes' background CPU fell from
#: about 10% of a core to 3% (the defaults suit an interactive dashboard, which these
#: clusters do not start).
QUIET_CLUSTER = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "1s",
}

#: Rows of one evaluation unit when an engine evaluates a batch of coalitions: tasks hold
#: whole units, so a task is never smaller than this (unless the batch is).
ROWS_PER_UNIT = 8

#: ``fn(payload, start, stop, part)`` -> one result per unit in ``range(start, stop)``.
UnitFn = Callable[[Any, int, int, Any], list[Any]]
#: ``part(start, stop)`` -> the data that only the units ``start..stop-1`` need.
PartFn = Callable[[int, int], Any]


class Engine(Protocol):
    """What evaluates blocks of coalitions: :class:`InProcess` or :class:`DaskEngine`."""

    @property
    def workers(self) -> int:
        """Number of workers (1 in process)."""
        ...  # pragma: no cover - protocol

    def map_units(
        self, fn: UnitFn, payload: Any, count: int, part: PartFn | None = None
    ) -> Iterator[tuple[int, Any]]:
        """``(unit, result)`` for units ``0 .. count-1``, in unit order."""
        ...  # pragma: no cover - protocol

    def evaluate(self, oracle: Any, members: NDArray[np.bool_]) -> NDArray[np.float64]:
        """``oracle.evaluate(members)``, the rows spread over the workers."""
        ...  # pragma: no cover - protocol


#: How the note added to an error of the user's function starts.
NOTE = "raised while evaluating"


def with_note(exc: BaseException, note: str) -> BaseException:
    """``exc`` with ``note`` added once (the exception itself is unchanged otherwise)."""
    if note not in getattr(exc, "__notes__", []):
        exc.add_note(note)
    return exc


def _run_units(
    fn: UnitFn, payload: Any, start: int, stop: int, part: Any
) -> tuple[list[Any], float]:
    """Run ``fn`` on units ``start..stop-1``; return the results and the seconds taken.

    An error raised inside gets a note naming the units, and propagates unchanged.
    """
    t0 = time.perf_counter()
    try:
        out = fn(payload, start, stop, part)
    except BaseException as exc:
        if not any(str(x).startswith(NOTE) for x in getattr(exc, "__notes__", [])):
            label = f"block {start}" if stop == start + 1 else f"blocks {start} to {stop - 1}"
            with_note(exc, f"{NOTE} {label} of coalitions")
        raise
    return out, time.perf_counter() - t0


def _evaluate_rows(oracle: Any, start: int, stop: int, rows: Any) -> list[Any]:
    """The oracle's values of the rows of units ``start..stop-1``: the whole array as the
    first unit's result, ``None`` for the others.

    ``rows`` is a boolean membership matrix, or its bits packed eight players to a byte
    (``numpy.packbits(..., axis=1, bitorder="little")``, an unsigned byte matrix: what
    travels to a worker, an eighth of the bytes) unpacked here."""
    if rows.dtype == np.uint8:
        rows = np.unpackbits(rows, axis=1, count=oracle.n, bitorder="little").view(bool)
    try:
        vals = oracle.evaluate(rows)
    except BaseException as exc:
        a, b = start * ROWS_PER_UNIT, start * ROWS_PER_UNIT + len(rows) - 1
        with_note(exc, f"{NOTE} rows {a} to {b} of a batch of coalitions")
        raise
    return [vals] + [None] * (stop - start - 1)


class InProcess:
    """The default engine: every unit in this process, one after the other."""

    workers = 1

    def map_units(
        self, fn: UnitFn, payload: Any, count: int, part: PartFn | None = None
    ) -> Iterator[tuple[int, Any]]:
        for i in range(count):
            res, _ = _run_units(fn, payload, i, i + 1, None if part is None else part(i, i + 1))
            yield i, res[0]

    def evaluate(self, oracle: Any, members: NDArray[np.bool_]) -> NDArray[np.float64]:
        return oracle.evaluate(members)  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return "<InProcess engine>"


#: The engine outside any :func:`use` block.
IN_PROCESS = InProcess()
_CURRENT: contextvars.ContextVar[Engine] = contextvars.ContextVar(
    "benefit_alloc_engine", default=IN_PROCESS
)


def current() -> Engine:
    """The engine in force: the innermost :func:`use` block's, else :data:`IN_PROCESS`."""
    return _CURRENT.get()


def _distributed() -> Any:
    try:
        import distributed  # lazy: an optional extra, loaded when a client is handed over
    except ImportError:
        raise BenefitAllocError(
            f'a Dask client needs the distributed extra: pip install "{EXTRA}"'
        ) from None
    return distributed


def _check_open(client: Any) -> None:
    status = str(getattr(client, "status", "running"))
    if status in ("closed", "closing", "failed"):
        raise BenefitAllocError(
            f"the Dask client {getattr(client, 'id', client)!s} is {status}; open a new "
            "Client (or leave the use() block to run in process)"
        )


def _check_picklable(obj: Any) -> None:
    """Refuse, in one line, data that cannot travel to the workers (Dask would log the
    failure on the workers and wait)."""
    import cloudpickle  # lazy: part of the distributed extra, loaded with a client

    try:
        cloudpickle.dumps(obj)
    except Exception as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BenefitAllocError(
            f"the oracle cannot be sent to the Dask workers: pickling it failed ({detail}); "
            "give OracleGame a function the workers can unpickle (a module-level function or "
            "a closure over picklable data)"
        ) from None


class DaskEngine:
    """Units of coalitions as tasks on a ``dask.distributed`` client (see the module).

    Parameters
    ----------
    client : distributed.Client
        An open client.
    task_seconds : float, default :data:`TASK_SECONDS`
        Work per task to aim at.
    in_flight : int, optional
        Tasks submitted at once; default three per worker.
    progress : callable, optional
        ``progress(units_done, units_total)`` after every completed task of a map.
    """

    def __init__(
        self,
        client: Any,
        *,
        task_seconds: float = TASK_SECONDS,
        in_flight: int | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        dist = _distributed()
        if not isinstance(client, dist.Client):
            raise BenefitAllocError(
                f"use(client): client must be a dask.distributed.Client, got "
                f"{type(client).__name__}"
            )
        _check_open(client)
        if not (isinstance(task_seconds, (int, float)) and 0 < task_seconds < math.inf):
            raise BenefitAllocError(
                f"task_seconds = {task_seconds!r} must be a positive number of seconds"
            )
        if in_flight is not None and (
            isinstance(in_flight, bool) or not isinstance(in_flight, int) or in_flight < 1
        ):
            raise BenefitAllocError(f"in_flight = {in_flight!r} must be a positive whole number")
        self.client = client
        self.task_seconds = float(task_seconds)
        self._in_flight = in_flight
        self.progress = progress
        self._scattered: dict[int, tuple[Any, Any]] = {}
        #: measured seconds per item of work, by function and payload (reused across the
        #: maps of one ``use`` block)
        self._item_seconds: dict[tuple[Any, int], float] = {}
        #: tasks submitted so far (all maps of this engine)
        self.tasks = 0
        #: batches of rows evaluated in this process, being less work than one task
        self.local_batches = 0

    @property
    def workers(self) -> int:
        _check_open(self.client)
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    def in_flight(self) -> int:
        return self._in_flight or IN_FLIGHT_PER_WORKER * self.workers

    def scatter(self, obj: Any) -> Any:
        """A future of ``obj`` on every worker, scattered once per engine."""
        key = id(obj)
        if key not in self._scattered:
            _check_picklable(obj)
            fut = None
            for attempt in range(SCATTER_TRIES):
                _check_open(self.client)
                try:
                    fut = self.client.scatter(obj, broadcast=True, hash=False)
                    break
                except OSError:  # a worker lost while the data travelled: try again
                    if attempt == SCATTER_TRIES - 1:
                        raise
                    time.sleep(0.5)
            self._scattered[key] = (obj, fut)  # keeps obj alive, so its id stays unique
        return self._scattered[key][1]

    def release(self) -> None:
        """Forget the scattered data (the workers may drop it)."""
        self._scattered.clear()

    def map_units(
        self,
        fn: UnitFn,
        payload: Any,
        count: int,
        part: PartFn | None = None,
        work: Callable[[int, int], int] | None = None,
    ) -> Iterator[tuple[int, Any]]:
        """``(unit, result)`` in unit order; tasks group consecutive units (see the module).

        ``work(start, stop)`` is the amount of work in units ``start..stop-1`` (default
        ``stop - start``; rows of coalitions for :meth:`evaluate`, whose last unit may be
        short): the time per item of work, measured on each completed task, sizes the
        next tasks."""
        dist = _distributed()
        _check_open(self.client)
        remote = self.scatter(payload)
        cost_key = (fn, id(payload))
        size_of = work or (lambda a, b: b - a)
        per_unit_work = size_of(0, 1)
        per_item = self._item_seconds.get(cost_key)
        workers = self.workers
        limit = self._in_flight or IN_FLIGHT_PER_WORKER * workers
        done: dict[int, Any] = {}
        ready = 0  # next unit to hand back
        nxt = 0  # next unit to submit
        finished = 0
        # the loop of this engine's client, not of the default one (the latest created)
        ac = dist.as_completed(loop=self.client.loop)
        ranges: dict[Any, tuple[int, int]] = {}

        def submit() -> None:
            nonlocal nxt
            left = count - nxt
            if per_item is None:
                size = 1
            else:
                # about task_seconds of work; near the end an even share of what is left
                # (so the workers finish together), but never below a quarter of a task
                # (a task costs milliseconds of CPU whatever its size)
                full = max(1, int(self.task_seconds / max(per_item * per_unit_work, 1e-12)))
                size = min(full, max(full // 4, math.ceil(left / (2 * workers))))
            size = max(1, min(size, left))
            a, b = nxt, nxt + size
            data = None if part is None else part(a, b)
            _check_open(self.client)
            fut = self.client.submit(_run_units, fn, remote, a, b, data, pure=False)
            self.tasks += 1
            ranges[fut] = (a, b)
            ac.add(fut)
            nxt = b

        try:
            # not measured yet: one unit per worker first (every worker starts, and the
            # first results size the rest)
            first = min(workers, limit) if per_item is None else limit
            while nxt < count and len(ranges) < first:
                submit()
            while ranges:
                fut = next(ac)
                a, b = ranges.pop(fut)
                try:
                    res, seconds = fut.result()
                except dist.client.FutureCancelledError:
                    _check_open(self.client)
                    raise
                per_item = seconds / max(1, size_of(a, b))
                self._item_seconds[cost_key] = per_item
                for j, r in enumerate(res):
                    done[a + j] = r
                finished += b - a
                if self.progress is not None:
                    self.progress(finished, count)
                while nxt < count and len(ranges) < limit:
                    submit()
                while ready in done:
                    yield ready, done.pop(ready)
                    ready += 1
        finally:
            for fut in ranges:
                fut.cancel()

    def evaluate(self, oracle: Any, members: NDArray[np.bool_]) -> NDArray[np.float64]:
        """The oracle's values of ``members`` (rows), in row order, computed on the workers."""
        m = np.asarray(members, dtype=bool)
        k = m.shape[0]
        if k == 0 or m.ndim != 2:
            return oracle.evaluate(m)  # type: ignore[no-any-return]
        units = math.ceil(k / ROWS_PER_UNIT)
        per_row = self._item_seconds.get((_evaluate_rows, id(oracle)))
        if per_row is not None and k * per_row < min(self.task_seconds, LOCAL_SECONDS):
            # too little work to share: the round trip to the cluster would cost more
            self.local_batches += 1
            return _evaluate_rows(oracle, 0, units, m)[0]  # type: ignore[no-any-return]

        def rows(a: int, b: int) -> NDArray[np.uint8]:
            # the compact form travels: eight players to a byte, unpacked on the worker
            return np.packbits(m[a * ROWS_PER_UNIT : b * ROWS_PER_UNIT], axis=1, bitorder="little")

        def count(a: int, b: int) -> int:
            return min(b * ROWS_PER_UNIT, k) - a * ROWS_PER_UNIT

        parts = [r for _, r in self.map_units(_evaluate_rows, oracle, units, rows, count)]
        # a task returns one array for its units: keep the non-empty ones, in unit order
        return np.concatenate([p for p in parts if p is not None]) if parts else np.empty(0)

    def __repr__(self) -> str:
        return f"<DaskEngine on {getattr(self.client, 'scheduler', self.client)!r}>"


@contextlib.contextmanager
def use(
    client: Any,
    *,
    task_seconds: float = TASK_SECONDS,
    in_flight: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[DaskEngine]:
    """Evaluate coalitions on a Dask cluster inside the ``with`` block.

    Parameters
    ----------
    client : distributed.Client
        An open ``dask.distributed`` client.  The workers must be able to import
        benefit_alloc and the oracle's function (a function defined in a module they have,
        or a closure that pickles).
    task_seconds : float, default 0.2
        Work per task to aim at (tasks group consecutive blocks of coalitions).
    in_flight : int, optional
        Tasks submitted at once; default three per worker.
    progress : callable, optional
        ``progress(units_done, units_total)`` after every completed task.

    Yields
    ------
    DaskEngine
        The engine in force inside the block (its ``tasks`` counts the tasks submitted).

    Raises
    ------
    BenefitAllocError
        When Dask is not installed (naming the ``distributed`` extra), when ``client`` is
        not a client, or when it is closed.
    """
    eng = DaskEngine(client, task_seconds=task_seconds, in_flight=in_flight, progress=progress)
    token = _CURRENT.set(eng)
    try:
        yield eng
    finally:
        _CURRENT.reset(token)
        eng.release()


def _check_workers(workers: Any) -> int:
    if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1:
        raise BenefitAllocError(f"workers = {workers!r} must be a positive whole number")
    return int(workers)


@contextlib.contextmanager
def local_cluster(
    workers: int, *, progress: Callable[[int, int], None] | None = None
) -> Iterator[DaskEngine]:
    """Start a Dask ``LocalCluster`` of ``workers`` processes (one thread each, bound to
    127.0.0.1) and :func:`use` it inside the block; both are closed on leaving it.

    A script that starts one must keep its work under ``if __name__ == "__main__":``: the
    worker processes import the script that started them.

    Raises
    ------
    BenefitAllocError
        For a missing extra or a ``workers`` that is not a positive whole number.
    """
    cluster, client = start_local_cluster(workers)
    with cluster, client, use(client, progress=progress) as eng:
        yield eng


def start_local_cluster(workers: int) -> tuple[Any, Any]:
    """A Dask ``LocalCluster`` of ``workers`` single-threaded processes on 127.0.0.1 and a
    client of it (the caller closes both; :func:`local_cluster` does it for a block).

    The workers start without Dask's ``MALLOC_TRIM_THRESHOLD_`` setting: it makes every
    large numpy temporary a fresh mapping of memory, and measured blocks of coalitions ran
    twice as slowly on a worker as in process with it.
    """
    n = _check_workers(workers)
    dist = _distributed()
    import dask  # lazy: part of the distributed extra, loaded with a client

    env = dict(dask.config.get("distributed.nanny.pre-spawn-environ", default={}) or {})
    env.pop("MALLOC_TRIM_THRESHOLD_", None)
    with dask.config.set({"distributed.nanny.pre-spawn-environ": env, **QUIET_CLUSTER}):
        cluster = dist.LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            # no dashboard; the scheduler's HTTP routes on a free local port
            dashboard_address="127.0.0.1:0",
            scheduler_kwargs={"dashboard": False},
            silence_logs=40,  # logging.ERROR: a lost worker is handled, not news
        )
    try:
        # results come straight from the workers, not relayed by the scheduler
        client = dist.Client(cluster, direct_to_workers=True)
    except BaseException:
        cluster.close()
        raise
    return cluster, client


@contextlib.contextmanager
def connect(
    address: str, *, timeout: float = 10.0, progress: Callable[[int, int], None] | None = None
) -> Iterator[DaskEngine]:
    """Join the Dask scheduler at ``address`` (``tcp://host:8786``) and :func:`use` it
    inside the block; the client is closed on leaving it (the cluster keeps running).

    Raises
    ------
    BenefitAllocError
        For a missing extra, or a scheduler that does not answer within ``timeout`` seconds
        (one line naming the address).
    """
    if not isinstance(address, str) or not address.strip():
        raise BenefitAllocError(
            f"scheduler address = {address!r} must be a non-empty string (tcp://host:8786)"
        )
    dist = _distributed()
    try:
        client = dist.Client(address, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BenefitAllocError(
            f"cannot reach the Dask scheduler at {address!r} within {timeout:g} s ({detail}); "
            "check the address and that the scheduler is running"
        ) from None
    with client, use(client, progress=progress) as eng:
        yield eng
