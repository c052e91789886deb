"""Run one grading function over many items in worker processes, reporting each as it finishes.

Shared by ``grade-all`` and ``nb autograde``. Items are taken from their iterable only as room
frees up, so the caller can prepare the next one (nbgrader's sanitising step) while the pool
grades; each process pays torch's import once; one item's failure, or a pool process dying, is
that item's error only.
"""
from __future__ import annotations

import concurrent.futures
import multiprocessing
from typing import Callable, Iterable, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def warm_up() -> None:
    """Pay torch's import once per pool process, not once per student."""
    import autograder.engine.plugin  # noqa: F401  (imports torch and the verdicts)


def in_pool(function: Callable[[Item], Result], items: Iterable[Item], jobs: int,
            on_done: Callable[[Item, Result], None],
            on_error: Callable[[Item, BaseException], None]) -> None:
    """``function(item)`` for every item, ``jobs`` at a time (in this process when ``jobs`` is 1);
    ``on_done`` or ``on_error`` is called here, in this process, as each one finishes."""
    if jobs <= 1:
        for item in items:
            try:
                result = function(item)
            except Exception as exc:  # noqa: BLE001 - one student's problem must not stop the class
                on_error(item, exc)
            else:
                on_done(item, result)
        return
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs, mp_context=context,
                                                initializer=warm_up) as pool:
        pending: dict[concurrent.futures.Future, Item] = {}

        def collect(block: bool) -> None:
            done, _ = concurrent.futures.wait(pending, timeout=None if block else 0,
                                              return_when=concurrent.futures.FIRST_COMPLETED)
            for future in done:
                item = pending.pop(future)
                try:
                    result = future.result()
                except Exception as exc:  # noqa: BLE001 - a pool process died: that item only
                    on_error(item, exc)
                else:
                    on_done(item, result)

        try:
            for item in items:
                pending[pool.submit(function, item)] = item
                while len(pending) > jobs:  # keep every process busy, and one item waiting
                    collect(block=True)
                collect(block=False)
            while pending:
                collect(block=True)
        except KeyboardInterrupt:
            for future in pending:
                future.cancel()
            raise
