"""Ctrl-C and SIGTERM stop a command the same way, with exit code 130."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tracker.cli import stopping
from tracker.cli.stopping import interrupted, raise_if_interrupted, stop_on_sigterm_like_sigint


@pytest.fixture
def handlers() -> Iterator[None]:
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    hook = sys.unraisablehook
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
        sys.unraisablehook = hook
        stopping._Dropped.count = 0


class _RaisesOnCollection:
    """What a SQLAlchemy weakref callback is when Ctrl-C lands in it: code run by the
    garbage collector, where Python cannot raise."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    def __del__(self) -> None:
        raise self.exc


def test_an_interrupt_python_would_drop_is_kept_for_the_next_safe_point(handlers: None) -> None:
    stop_on_sigterm_like_sigint()
    _RaisesOnCollection(KeyboardInterrupt())  # dropped at once: "Exception ignored"
    assert interrupted()
    with pytest.raises(KeyboardInterrupt):
        raise_if_interrupted()
    assert not interrupted()
    raise_if_interrupted()  # nothing left


def test_other_unraisable_errors_still_reach_the_previous_hook(handlers: None) -> None:
    seen: list[type[BaseException] | None] = []
    sys.unraisablehook = lambda unraisable: seen.append(unraisable.exc_type)
    stop_on_sigterm_like_sigint()
    _RaisesOnCollection(ValueError("boom"))
    assert seen == [ValueError]
    assert not interrupted()


def test_sigterm_in_an_event_loop_cancels_the_task_like_ctrl_c(handlers: None) -> None:
    """Not a KeyboardInterrupt in the middle of the loop: the task is cancelled, unwinds at
    its await, and the runner raises KeyboardInterrupt once it is done."""
    stop_on_sigterm_like_sigint()
    seen: list[str] = []

    async def work() -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            seen.append("cancelled")
            raise

    with pytest.raises(KeyboardInterrupt):
        asyncio.run(work())
    assert seen == ["cancelled"]


def test_sigterm_outside_a_loop_raises_keyboard_interrupt(handlers: None) -> None:
    stop_on_sigterm_like_sigint()

    def signal_and_wait() -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(30)  # the handler runs at once: the sleep is cut short

    with pytest.raises(KeyboardInterrupt):
        signal_and_wait()


def test_sigterm_is_ignored_when_ctrl_c_is(handlers: None) -> None:
    stop_on_sigterm_like_sigint()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.kill(os.getpid(), signal.SIGTERM)  # would end the test run if it were not ignored


CAUGHT = """
import sys
from tracker.cli.stopping import forget_caught_interrupt
try:
    exec("raise KeyboardInterrupt")  # as when Ctrl-C lands in a dataclass's generated code
except KeyboardInterrupt:
    pass
if sys.argv[1:] == ["forget"]:
    forget_caught_interrupt()
raise SystemExit(130)
"""


@pytest.mark.parametrize(("forget", "expected"), [(True, 130), (False, -signal.SIGINT)])
def test_a_handled_interrupt_keeps_exit_code_130(
    tmp_path: Path, forget: bool, expected: int
) -> None:
    """Under ``python -m``, CPython kills itself with SIGINT after a KeyboardInterrupt was
    caught inside string-evaluated code; `tracker`'s entry point clears that (the control
    case, without it, shows what CI once saw: exit status -2 for a clean stop)."""
    (tmp_path / "caught.py").write_text(CAUGHT)
    result = subprocess.run(
        [sys.executable, "-m", "caught", *(["forget"] if forget else [])],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{tmp_path}"},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        capture_output=True,
        check=False,
    )
    assert result.returncode == expected, result.stderr.decode()
