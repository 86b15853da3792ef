"""Share a large batch of pure work with processes forked from this one.

A cold build at M (make bench: 1,803 files, 1,656 pages) spends about 1.3 s parsing and
validating and 1.5 s rendering, one core each. Forked workers inherit everything loaded so far
(the site, the compiled templates) without copying it; only their items' results travel back,
pickled. Results come back in the order of the items, so the output is the same as serial
work's, byte for byte (tests/test_parallel.py).

Serial when the batch is small (forking costs more than it saves), on one CPU, where fork is
not the safe default (only Linux is used), or when LSFMM_JOBS=1. The tests force sharing
even small batches with LSFMM_PARALLEL_MIN=1.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from generator.cache import Memo

T = TypeVar("T")

MIN_ITEMS = 300  # below this, serial: a fork and its pipe cost a few tens of milliseconds

_task: tuple[Callable[[Sequence[Any]], list[Any]], list[Sequence[Any]], Sequence[Memo]] | None = None
in_worker = False  # True in a forked worker: its results are pickled back to the parent


def jobs() -> int:
    """How many processes share a batch: LSFMM_JOBS, else the CPUs this process may use."""
    wanted = _env_int("LSFMM_JOBS", 0)
    if wanted > 0:
        return wanted
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() else default


def _worker_start() -> None:
    """A worker leaves signals to its parent: `serve` turns SIGTERM into KeyboardInterrupt,
    and a worker that inherited that would print a traceback when the pool stops it."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _part(index: int) -> list[Any]:  # runs in a worker, which inherited _task
    global in_worker
    assert _task is not None
    in_worker = True
    fn, parts, memos = _task
    results = fn(parts[index])
    return [results, [m.used for m in memos]]


def split_map(
    fn: Callable[[Sequence[T]], list[Any]],
    items: Sequence[T],
    min_items: int | None = None,
    interleave: bool = True,
    memos: Sequence[Memo] = (),
) -> list[Any]:
    """fn(items), computed in parts by this process and forked workers: `fn` takes a part of
    the items and returns one result per item, in order. `fn` must be pure: what it changes in
    a worker's memory is lost. Parts are interleaved (items[i::n]), or with `interleave=False`
    consecutive runs, for items sorted so that neighbours share work (a cache).

    `memos` (cache.Memo) are the exception to purity: what each worker used of them and
    added to them comes back into this process's, so that the cache saves it."""
    least = min_items if min_items is not None else _env_int("LSFMM_PARALLEL_MIN", MIN_ITEMS)
    n = min(jobs(), len(items) // least + 1) if least else min(jobs(), len(items))
    if n < 2 or not sys.platform.startswith("linux"):
        return fn(items)
    global _task
    bounds = [len(items) * i // n for i in range(n + 1)]
    parts = [items[i::n] for i in range(n)] if interleave else [items[bounds[i] : bounds[i + 1]] for i in range(n)]
    _task = (fn, parts, memos)
    pool = ProcessPoolExecutor(n - 1, mp_context=multiprocessing.get_context("fork"), initializer=_worker_start)
    try:
        futures = [pool.submit(_part, i) for i in range(1, n)]
        results = [fn(parts[0])]
        for i, future in enumerate(futures, 1):
            try:
                res, used = future.result()
            except BrokenProcessPool:  # a worker died (killed, out of memory): its part is done here
                res = fn(parts[i])
            else:
                for memo, entries in zip(memos, used, strict=True):
                    memo.used.update(entries)
            results.append(res)
    except BaseException:
        # Stop the workers now (an error, Ctrl-C), not after they finish their parts.
        workers = getattr(pool, "_processes", None) or {}  # the executor has no public way to stop them
        for proc in list(workers.values()):
            proc.terminate()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _task = None
    for i, res in enumerate(results):
        if len(res) != len(parts[i]):  # pragma: no cover - a broken fn
            raise RuntimeError(f"split_map: {len(res)} results for {len(parts[i])} items")
    if not interleave:
        return [r for res in results for r in res]
    out: list[Any] = [None] * len(items)
    for i, res in enumerate(results):
        out[i::n] = res
    return out
