"""Run a command while busy processes keep every core loaded: `make test-under-load`.

    python -m tests.under_load [--hogs N] -- COMMAND...

Starts N processes that spin (N: one per core unless given), runs COMMAND, then stops the
spinners, whether COMMAND passed, failed or was interrupted, and exits with COMMAND's code.
The suite must pass like this: no test may depend on how fast the machine is.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from types import FrameType

SPIN = "while True: pass"


def _stop(hogs: list[subprocess.Popen[bytes]]) -> None:
    for hog in hogs:
        hog.kill()
    for hog in hogs:
        hog.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.under_load", description=__doc__)
    parser.add_argument("--hogs", type=int, default=os.cpu_count() or 1, help="busy processes")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the command to run")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")

    def interrupted(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    hogs = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(args.hogs)]
    started = time.monotonic()
    print(f"under load: {args.hogs} busy process(es) running", file=sys.stderr, flush=True)
    try:
        code = subprocess.call(command)
    except KeyboardInterrupt:
        code = 130
    finally:
        _stop(hogs)
    print(
        f"under load: {' '.join(command)} exited {code} after {time.monotonic() - started:.0f} s",
        file=sys.stderr,
    )
    return code


if __name__ == "__main__":
    sys.exit(main())
