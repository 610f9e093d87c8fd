"""Run a step of the build in a forked process of its own (issue 15: memory at scale).

A step over the whole corpus (the theme-links check, the reasoner) builds large structures that it
drops when it ends; in the build's own process that memory stays with the process (the allocator
keeps it), and it adds to what later steps hold. In a forked child it goes back to the system when the
child exits. The child sees the parent's memory as it was at the fork (nothing is pickled on the way
in); its result or exception comes back pickled.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

from .errors import KuntaKGError

T = TypeVar("T")
Item = TypeVar("Item")

_installed: list[Callable] = []  # in a pool's forked worker: the function map_forked was given


def map_forked(function: Callable[[Item], T], items: Sequence[Item], jobs: int | None = None) -> list[T]:
    """[function(item) for item in items], in `jobs` forked processes (default: one per CPU; here when
    one is enough). The function, and what it holds, reach the workers by the fork, not pickled: only
    the items and the results are."""
    jobs = min(jobs or os.cpu_count() or 1, len(items))
    if jobs <= 1:
        return [function(item) for item in items]
    with frozen_heap(), ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                                            initializer=_installed.append, initargs=(function,)) as pool:
        return list(pool.map(_call, items))


@contextmanager
def frozen_heap() -> Iterator[None]:
    """While processes are forked: what this process holds is moved out of the collector's reach
    (gc.freeze), so that a child's full collections do not walk the heap it inherits (nor copy its
    pages by touching them), then handed back."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


# The build makes and drops millions of small objects per document (rdflib terms and index entries),
# and with the default thresholds (700, 10, 10) the collector walked the whole heap so often that it
# took a third of the reading at a million quads (bench/README.md); garbage with cycles (an rdflib
# graph and its store) still goes at every hundredth collection of the middle generation.
BUILD_THRESHOLDS = (5000, 10, 100)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """The collector's thresholds for a build (inherited by the processes it forks), then the caller's."""
    before = gc.get_threshold()
    gc.set_threshold(*BUILD_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _call(item):
    try:
        return _installed[-1](item)
    finally:
        # the item's cyclic garbage (an rdflib graph and its store, say) goes now: with the build's
        # thresholds it would wait for a rare full collection, and a worker's memory would grow with
        # several items' garbage (validation workers: 550 MB each at a million quads instead of 130);
        # the heap the worker inherited is frozen (frozen_heap), so this walks only its own objects
        gc.collect()


def run_forked(step: Callable[[], T]) -> T:
    """step() in a forked child: its result, or its exception raised here."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def child() -> None:
        try:
            outcome: tuple[bool, object] = (True, step())
        except BaseException as exc:  # noqa: BLE001 (every failure goes back to the parent)
            outcome = (False, exc)
        send.send(outcome)

    process = context.Process(target=child)
    with frozen_heap():
        process.start()
    send.close()
    try:
        ok, value = receive.recv()
    except EOFError:
        process.join()
        raise KuntaKGError(f"a build step's process ended without an answer (exit code {process.exitcode})") from None
    finally:
        receive.close()
    process.join()
    if not ok:
        assert isinstance(value, BaseException)
        raise value
    return value
