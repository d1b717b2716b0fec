"""`tracker serve`: the web workspace; `tracker web hash-password` for its users."""

from __future__ import annotations

import gc
import getpass
import ipaddress
import os
import sys
from typing import Annotated

import typer

from tracker.cli.output import stderr
from tracker.cli.state import state
from tracker.errors import UsageError

app = typer.Typer(help="The web workspace's users.", no_args_is_help=True)


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(
    ctx: typer.Context,
    host: Annotated[
        str,
        typer.Option(help="Address to listen on; anything but loopback needs [web] auth."),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0: any free one).")] = 8765,
) -> None:
    """Serve the web workspace: search, articles with their evidence, vendors, sources, and
    review (confirm or reject what the extraction found).

    It listens on 127.0.0.1 unless told otherwise and prints its URL. Listening on any
    other address needs a [web] token or users in the configuration (a usage error, exit
    code 2, otherwise). TRACKER_WEB_TOKEN, when set, is the token.
    """
    import dataclasses

    st = state(ctx)
    settings = st.settings
    token = os.environ.get("TRACKER_WEB_TOKEN", "")
    if token:
        settings = dataclasses.replace(settings, web=dataclasses.replace(settings.web, token=token))
    if not is_loopback(host) and not settings.web.has_auth:
        raise UsageError(
            f"serve: --host {host} is not loopback: set a [web] token (or TRACKER_WEB_TOKEN) "
            "or [web] users (password hashes from `tracker web hash-password`) first"
        )
    import socket

    import uvicorn

    from tracker.cli.exposure import load_world
    from tracker.web.app import create_app

    store = st.stored
    world = load_world(st)  # the gazetteer and catalog with the user's vendors and parts
    application = create_app(store, settings, world.gazetteer, world=world)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
        # Listening before the URL is printed: a browser (or a script) that connects at once
        # waits in the backlog until the server accepts, instead of being refused.
        sock.listen(128)
    except OSError as exc:
        raise UsageError(f"serve: cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    bound = sock.getsockname()[1]
    shown = f"[{host.strip('[]')}]" if family == socket.AF_INET6 else host
    access = "log in required" if settings.web.has_auth else "no login (loopback only)"
    stderr.print(f"tracker web workspace at http://{shown}:{bound}/ ({access}); Ctrl-C stops it")
    config = uvicorn.Config(application, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    # What start-up built (modules, settings, the names and the catalog) lives as long as the
    # server: frozen out of the collector's walks, as `tracker exposure` keeps it during its
    # question (full collections walking it were most of an exposure question's p95), after a
    # collection so that no garbage is frozen with it.
    gc.collect()
    gc.freeze()
    server.run(sockets=[sock])


@app.command("hash-password")
def hash_password_command(
    stdin: Annotated[
        bool, typer.Option("--stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Print a password hash for a [web] user (password_hash = "..."); the password is asked
    for, twice, unless --stdin."""
    from tracker.web.security import hash_password

    if stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            raise UsageError("web hash-password: the two passwords differ")
    if len(password) < 8:
        raise UsageError("web hash-password: use a password of at least 8 characters")
    typer.echo(hash_password(password))


__all__ = ["app", "is_loopback", "serve"]
