"""Running a build's batches in worker processes, their results in the order asked.

One process runs the tasks inline (nothing pickled); more run in a fork server's workers, a
few batches ahead, so that only those batches are in memory at once.
"""

from __future__ import annotations

import multiprocessing
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
    if workers <= 1 or batches <= 1:
        return Inline()
    # A fork server that has imported the library starts workers quickly, without
    # copying the parent's registry or forking its threads.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["service_codes.build"])
    return ProcessPoolExecutor(workers, mp_context=context)


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
