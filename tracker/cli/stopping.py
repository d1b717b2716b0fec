"""How a command stops on Ctrl-C or SIGTERM: the same way for both, with exit code 130.

Ctrl-C raises KeyboardInterrupt in the main thread, except while an event loop runs under
``asyncio.run``: there the runner's own SIGINT handler cancels the main task, the fetch
unwinds at its next await (what is stored stays, the pool is shut down) and the runner
raises KeyboardInterrupt once the task is done. SIGTERM (a service manager, ``timeout``,
``kill``) is handed to whatever handles SIGINT at that moment, so it takes the same path
instead of landing in the middle of the loop. `tracker run` installs its own handlers.

A KeyboardInterrupt raised where Python cannot propagate it (a weakref callback or a
``__del__`` run by the garbage collector) is printed as "Exception ignored" and dropped: the
command would go on to its end as if never interrupted. Such an interrupt is kept instead,
and acted on at the next safe point (``raise_if_interrupted``) or when the command ends.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any


class _Dropped:
    """Interrupts Python could not raise since the last safe point, and the unraisable hook
    that other errors still go to."""

    count = 0
    previous: Callable[[Any], object] = sys.__unraisablehook__


def _like_sigint(signum: int, frame: FrameType | None) -> None:
    handler = signal.getsignal(signal.SIGINT)
    if callable(handler):
        handler(signal.SIGINT, frame)
    elif handler == signal.SIG_DFL:
        raise KeyboardInterrupt
    # SIG_IGN: SIGINT is ignored (a background job), and so is this


def stop_on_sigterm_like_sigint() -> None:
    """Route SIGTERM through the SIGINT handler of the moment, and keep the interrupts that
    Python would drop."""
    signal.signal(signal.SIGTERM, _like_sigint)
    if sys.unraisablehook is not _keep_dropped_interrupt:
        _Dropped.previous = sys.unraisablehook
        sys.unraisablehook = _keep_dropped_interrupt


def _keep_dropped_interrupt(unraisable: Any) -> None:
    if unraisable.exc_type is not None and issubclass(unraisable.exc_type, KeyboardInterrupt):
        _Dropped.count += 1
    else:
        _Dropped.previous(unraisable)


def interrupted() -> bool:
    """Whether Python dropped an interrupt since the last safe point."""
    return _Dropped.count > 0


def raise_if_interrupted() -> None:
    """A safe point: an interrupt that Python dropped is raised here."""
    if _Dropped.count:
        _Dropped.count = 0
        raise KeyboardInterrupt


def forget_caught_interrupt() -> None:
    """Keep exit code 130 for a handled Ctrl-C under ``python -m tracker``.

    CPython remembers a KeyboardInterrupt that left any code it evaluated from a string
    (``exec`` of a dataclass's generated methods while a module is imported, for one) and,
    when ``python -m`` finishes, kills itself with SIGINT (exit status -2) even though the
    interrupt was caught and handled. Evaluating a string once more clears that memory; a
    KeyboardInterrupt that really escapes still sets it again after this.
    """
    exec("None")  # a constant string: the point is the evaluation itself
