"""kuntakg.forked: a build step in a forked process gives back its result or its exception."""
from __future__ import annotations

import os
import signal

import pytest

from kuntakg.errors import InputError, InvalidInput, KuntaKGError
from kuntakg.forked import run_forked


def test_the_result_comes_back_and_the_child_sees_the_parent_memory():
    big = list(range(100_000))  # not pickled on the way in: the fork shares it
    assert run_forked(lambda: (os.getpid(), sum(big)))[1] == sum(big)
    assert run_forked(lambda: os.getpid()) != os.getpid()


def test_the_exception_is_raised_in_the_parent_with_its_errors():
    def fails():
        raise InvalidInput([InputError("theme-tags.csv", 3, 2, "row_id", "no goal 'x'")])

    with pytest.raises(InvalidInput) as caught:
        run_forked(fails)
    assert "theme-tags.csv:3:2" in str(caught.value)
    assert caught.value.errors == [InputError("theme-tags.csv", 3, 2, "row_id", "no goal 'x'")]


def test_a_child_that_dies_is_an_error_not_a_hang():
    with pytest.raises(KuntaKGError, match="ended without an answer"):
        run_forked(lambda: os.kill(os.getpid(), signal.SIGKILL))


def test_map_forked_keeps_the_order_and_runs_in_workers_that_share_the_function_state():
    from kuntakg.forked import map_forked

    offsets = {"by": 1000}  # reaches the workers by the fork, never pickled
    def shifted(item: int) -> tuple[int, int]:
        return item + offsets["by"], os.getpid()

    results = map_forked(shifted, list(range(20)), jobs=2)
    assert [value for value, _ in results] == [i + 1000 for i in range(20)]
    assert os.getpid() not in {pid for _, pid in results}
    assert map_forked(shifted, [1], jobs=2) == [(1001, os.getpid())]  # one item: no worker
