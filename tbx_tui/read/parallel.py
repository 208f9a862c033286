"""Reading new runs in worker processes, so the first load of a big logdir uses every core.

Runs are independent files, so a logdir's runs can be read side by side. Threads would not do:
framing and scalar decoding are numpy calls short enough that the GIL is held most of the time
(two threads measured slower than one), and protobuf decoding holds it throughout. Worker
*processes* read whole runs with the very code the serial path uses and send back the run's
state (numpy arrays pickle at memory speed); the :class:`~tbx_tui.read.logdir.Logdir` adopts it,
so tailing goes on from the right offsets.

Workers start with ``forkserver`` (``spawn`` where that is missing), never ``fork``: the app has
threads, and a forked child of a threaded process can inherit a lock held by another thread.
A pool takes 0.3-0.5 s to start (the fork server imports numpy and protobuf once), so small
logdirs are read serially.

``TBX_TOP_WORKERS`` sets the number of worker processes (``1``: always serial); by default one
per CPU this process may run on.
"""

from __future__ import annotations

import os
import sys
import types
from collections.abc import Callable, Hashable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from contextlib import contextmanager
from typing import Any

# multiprocessing and ProcessPoolExecutor are imported when a pool starts (~3.5 ms): most
# logdirs are read serially, and the app reads its first one before its first charts.

#: The environment variable that sets the number of workers.
WORKERS_ENV = "TBX_TOP_WORKERS"
#: Modules every worker imports once, before it is forked from the fork server.
PRELOAD = ["tbx_tui.read.logdir"]


def default_workers() -> int:
    """``TBX_TOP_WORKERS`` when set to a positive number, else the CPUs this process may use."""
    value = os.environ.get(WORKERS_ENV, "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _context() -> Any:
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


def _start_helpers(ctx: Any) -> None:
    """Start multiprocessing's helper processes (resource tracker, fork server) now.

    The resource tracker is handed this process's stderr by file descriptor; inside the app,
    Textual has replaced ``sys.stderr`` with an object whose ``fileno()`` is -1, which makes
    starting it fail ("bad value(s) in fds_to_keep"). The helpers then start without a stderr
    (messages from them would only scribble over the app's screen anyway).
    """
    if os.name != "posix":
        return
    saved = sys.stderr
    try:
        if saved is None or saved.fileno() < 0:
            sys.stderr = None
    except (AttributeError, OSError, ValueError):
        sys.stderr = None
    try:
        from multiprocessing import forkserver, resource_tracker

        resource_tracker.ensure_running()
        if ctx.get_start_method() == "forkserver":
            forkserver.ensure_running()
    finally:
        sys.stderr = saved


@contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Workers started meanwhile do not import this program's ``__main__`` again.

    ``spawn`` and ``forkserver`` children import the parent's main module (to find functions
    defined there): a script without a main guard would run again in each worker, and
    ``python -m tbx_tui`` would start tbx-top again. Our jobs live in tbx_tui's own modules.
    """
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


#: One job: a key for its result, a module-level function, its (picklable) arguments.
Job = tuple[Hashable, Callable[..., Any], tuple[Any, ...]]


class Pool:
    """Jobs on worker processes, started in the order given; results collected as they finish.

    The owner polls :meth:`finished` (without blocking) or :meth:`next_finished` (blocking) and
    gets ``(key, future)`` pairs, or waits for one job with :meth:`result_of` (a stream that
    hands results over in a fixed order, submitting more as it goes); a future holds the job's
    result or the exception it raised (a worker that died gives ``BrokenProcessPool``), so the
    owner can fall back per job.
    """

    def __init__(self, workers: int, jobs: Sequence[Job]) -> None:
        from concurrent.futures import ProcessPoolExecutor

        ctx = _context()
        _start_helpers(ctx)
        self._executor = ProcessPoolExecutor(workers, mp_context=ctx)
        self._jobs: dict[Future, Hashable] = {}
        for job in jobs:
            self.submit(job)

    def submit(self, job: Job) -> None:
        """Add a job (after those given so far)."""
        key, fn, args = job
        with _main_module_hidden():  # workers start on submissions
            self._jobs[self._executor.submit(fn, *args)] = key

    def result_of(self, key: Hashable) -> Future:
        """Wait for the job ``key`` (pending) to be done, and take it."""
        future = next(f for f, k in self._jobs.items() if k == key)
        wait([future])
        del self._jobs[future]
        return future

    @property
    def pending(self) -> set[Hashable]:
        return set(self._jobs.values())

    def finished(self) -> list[tuple[Hashable, Future]]:
        """The jobs done since the last call, in submission order."""
        done = [(key, f) for f, key in self._jobs.items() if f.done()]
        for _, f in done:
            del self._jobs[f]
        return done

    def next_finished(self) -> list[tuple[Hashable, Future]]:
        """Block until at least one job is done (none left: return at once); take the done ones."""
        if self._jobs:
            wait(list(self._jobs), return_when=FIRST_COMPLETED)
        return self.finished()

    def close(self) -> None:
        """Stop the workers; jobs not started yet are dropped."""
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._jobs.clear()
