"""Engines and schema upgrades.

Alembic is imported only when a schema has to change (or its revision be asked for): opening
a database that is already at the newest migration, what every command does, needs none of
it and starts about 0.1 s sooner.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from tracker.errors import StoreError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"
_REVISION_LINE = re.compile(r"""^(down_revision|revision)\s*(?::[^=]*)?=\s*(.+?)\s*$""", re.M)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


QUERY_ONLY = "query_only"  # in a pooled connection's info while a read-only session set it


def _sqlite_writable(dbapi_connection: Any, record: Any) -> None:
    """A pooled connection goes back writable when a read-only session made it read-only
    (``Store.read_session`` notes it in the connection's info): the statement is not run on
    every return to the pool (a search's connection goes back many times a second)."""
    if dbapi_connection is None:
        return
    if record is None or record.info.pop(QUERY_ONLY, False):
        dbapi_connection.execute("PRAGMA query_only = OFF")


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL mode, foreign keys and a busy timeout."""
    try:
        if url.startswith("sqlite"):
            # Connections are pooled: each keeps its page cache from one session to the next
            # (a new connection starts cold and rereads the pages a search needs: 3-4x the
            # time of the search itself). No limit on how many are open at once: a session
            # never waits for another one's connection.
            memory = ":memory:" in url or url.rstrip("/") in ("sqlite:", "sqlite+pysqlite:")
            engine = create_engine(
                url, **({"poolclass": NullPool} if memory else {"max_overflow": -1})
            )
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "checkin", _sqlite_writable)
        else:
            engine = create_engine(url, pool_pre_ping=True)
    except (ArgumentError, ImportError, ValueError) as exc:
        raise StoreError(f"store: cannot use database URL {url!r}: {exc}") from exc
    return engine


# What a database error's message says, and what to do about it.
_PROBLEMS = (
    ("database or disk is full", "the disk is full (nothing of the failed write was kept)",
     "free some space, then run the command again"),
    ("database is locked", "another process held its write lock for over 10 s",
     "run the command again when that process is done (one `tracker run` per database)"),
    ("file is not a database", "the file is not a SQLite database (left untouched)",
     "give the right file with --db, or move this one away"),
    ("database disk image is malformed", "the file is damaged or truncated (left untouched)",
     "restore it from a backup, or give another file with --db"),
    ("disk i/o error", "the file cannot be read or written as a database",
     "give a regular file you may write with --db"),
    ("unable to open database file", "the file cannot be opened",
     "check that its folder exists and that you may write there"),
    ("readonly database", "the database is read-only", "give a file you may write with --db"),
)  # fmt: skip


def database_problem(exc: BaseException, url: str) -> str | None:
    """One line for an error the database raised (its cause and what to do), or None when
    ``exc`` is no database error."""
    from sqlite3 import Error as SQLiteError

    if not isinstance(exc, SQLAlchemyError | SQLiteError) or isinstance(exc, ArgumentError):
        return None
    orig = getattr(exc, "orig", None) or exc
    cause = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    for needle, what, fix in _PROBLEMS:
        if needle in cause.lower():
            return f"store: {shown_url(url)}: {what}: {fix}"
    return f"store: {shown_url(url)}: {type(orig).__name__}: {cause}"


def _alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str | None:
    """The newest migration this version of tracker knows."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def declared_head() -> str | None:
    """The newest migration, read from the ``revision`` and ``down_revision`` lines of the
    migration files without importing alembic; None unless there is exactly one head (then
    only alembic can say)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        lines = dict(_REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        revision = lines.get("revision", "").strip("\"'")
        if not revision:
            return None
        revisions.add(revision)
        parents.add(lines.get("down_revision", "None").strip("\"'"))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def is_at_head(engine: Engine) -> bool:
    """True when the database is at the newest migration, asked with one query (no alembic);
    False also when that cannot be told quickly, and ``upgrade`` asks alembic."""
    head = declared_head()
    if head is None:
        return False
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table(VERSION_TABLE):
                return False
            rows = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).all()
    except SQLAlchemyError:
        return False
    return [tuple(r) for r in rows] == [(head,)]


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except OperationalError as exc:
        raise StoreError(f"store: cannot open {engine.url!r}: {exc.orig}") from exc


def shown_url(url: str) -> str:
    """``url`` as it may be printed: its password, if any, hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def database_state(url: str) -> Literal["absent", "empty", "ready"]:
    """Whether ``url`` holds a tracker database, without creating anything: ``absent`` for
    a SQLite file that does not exist (it is not opened, so not created), ``empty`` for a
    database without tracker's schema (a PostgreSQL database where `tracker init` never ran,
    an empty file), ``ready`` when the schema is there (at any revision)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"store: cannot use database URL {url!r}: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database or ""
        in_memory = path in ("", ":memory:") or "mode=memory" in path
        if in_memory or (not parsed.query.get("uri") and not Path(path).exists()):
            return "absent"
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table(VERSION_TABLE):
                return "empty"
            row = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).first()
    except OperationalError as exc:
        raise StoreError(f"store: cannot open {engine.url!r}: {exc.orig}") from exc
    finally:
        engine.dispose()
    return "ready" if row is not None else "empty"


def _autocommit_driver(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # the driver leaves transactions to us


def _begin_immediate(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _migration_engine(engine: Engine) -> Engine:
    """For SQLite, an engine whose transactions cover DDL too: Python's sqlite3 runs CREATE
    and ALTER outside any transaction, so a migration killed halfway would leave tables
    without the revision that made them (and every later upgrade would fail)."""
    if engine.dialect.name != "sqlite":
        return engine
    migrating = create_engine(engine.url, poolclass=NullPool)
    event.listen(migrating, "connect", _sqlite_pragmas)
    event.listen(migrating, "connect", _autocommit_driver)
    event.listen(migrating, "begin", _begin_immediate)
    return migrating


def upgrade(engine: Engine, target: str = "head") -> tuple[str | None, str | None]:
    """Bring the schema to the newest migration (or to ``target``), all of it in one
    transaction (a crash leaves the schema as it was); returns (before, after) revisions."""
    if target == "head" and is_at_head(engine):
        head = declared_head()
        return head, head
    from alembic import command

    before = current_revision(engine)
    head = head_revision() if target == "head" else target
    if before != head:
        cfg = _alembic_config()
        migrating = _migration_engine(engine)
        try:
            with migrating.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, target)
        finally:
            if migrating is not engine:
                migrating.dispose()
    return before, head
