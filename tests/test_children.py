"""Work in forked child processes (generator/children.py): a value computed beside the
build comes back whole, and a child that fails costs time, never the result."""

from __future__ import annotations

import os

import pytest

from generator.children import ForkedValue


def test_a_value_computed_in_a_child_comes_back() -> None:
    parent = os.getpid()
    value = ForkedValue(lambda: {"pid": os.getpid(), "pages": {f"p{n}": n for n in range(50_000)}})
    got = value.get()
    assert got["pid"] != parent  # computed in the child…
    assert got["pages"] == {f"p{n}": n for n in range(50_000)}  # …and more than a pipe holds


def test_a_failing_child_leaves_the_value_to_the_parent() -> None:
    parent = os.getpid()

    def compute() -> int:
        if os.getpid() != parent:
            raise MemoryError("the child ran out")
        return 42

    assert ForkedValue(compute).get() == 42


def test_a_bug_raises_in_the_parent() -> None:
    def compute() -> int:
        raise ValueError("a bug")

    with pytest.raises(ValueError, match="a bug"):
        ForkedValue(compute).get()


def test_a_stopped_child_is_gone() -> None:
    value = ForkedValue(lambda: list(range(1_000_000)))
    pid = value.pid
    value.stop()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)  # already reaped: no zombie left behind
    with pytest.raises(RuntimeError):
        value.get()
