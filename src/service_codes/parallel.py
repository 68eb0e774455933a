"""Running a build's batches in worker processes, their results in the order asked.

One process runs the tasks inline (nothing pickled); more run in worker processes, a few
batches ahead, so that only those batches are in memory at once.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any


class Inline(Executor):
    """Runs each task as it is submitted: one process, nothing pickled."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:
            future.set_exception(error)
        return future


def executor(workers: int, batches: int) -> Executor:
    """Inline for one worker or batch; else a pool whose workers are started now.

    A process with one thread forks its workers: they start at once, the library already
    imported. Forking a process with other threads may copy a lock another thread holds,
    so then a fork server that has imported the library starts them (in some 0.3 s).
    Either way they start before the caller opens its registry, which they must not share.
    """
    if workers <= 1 or batches <= 1:
        return Inline()
    if threading.active_count() == 1:
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    else:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["service_codes.build"])
        pool = ProcessPoolExecutor(workers, mp_context=context)
    pool.submit(int)  # starts the workers, from the process as it is now
    return pool


def ordered(
    pool: Executor,
    calls: Iterable[tuple[Any, Callable[..., Any] | None, Any]],
    ahead: int,
) -> Iterator[tuple[Any, Any]]:
    """(context, result) of each (context, function, arguments) in order, ``ahead`` at a time;
    a call whose function is None has its result already: ``arguments``."""
    running: deque[tuple[Any, Future[Any]]] = deque()
    for context, fn, args in calls:
        if fn is None:
            done: Future[Any] = Future()
            done.set_result(args)
            running.append((context, done))
        else:
            running.append((context, pool.submit(fn, *args)))
        if len(running) >= ahead:
            context, future = running.popleft()
            yield context, future.result()
    for context, future in running:
        yield context, future.result()
