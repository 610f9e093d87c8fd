"""Run a step of the build in a forked process of its own (issue 15: memory at scale).

A step over the whole corpus (the theme-links check, the reasoner) builds large structures that it
drops when it ends; in the build's own process that memory stays with the process (the allocator
keeps it), and it adds to what later steps hold. In a forked child it goes back to the system when the
child exits. The child sees the parent's memory as it was at the fork (nothing is pickled on the way
in); its result or exception comes back pickled.
"""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
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
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                             initializer=_installed.append, initargs=(function,)) as pool:
        return list(pool.map(_call, items))


def _call(item):
    return _installed[-1](item)


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
