"""Copying a whole database to another (SQLite to PostgreSQL and back)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, Table, func, insert, make_url, select, text
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlmodel import SQLModel

import tracker.store.tables  # noqa: F401  (registers every table on the metadata)
from tracker.errors import StoreError
from tracker.store.engine import current_revision, make_engine, shown_url, upgrade
from tracker.store.tallies import refresh_relation_links

BATCH_ROWS = 2000

Progress = Callable[[str, int], None]  # (table, rows copied so far in it)


@dataclass(frozen=True, slots=True)
class TableCount:
    """Rows in a table before and after the copy."""

    table: str
    source_rows: int
    target_rows: int

    @property
    def is_complete(self) -> bool:
        """True when the target holds as many rows as the source."""
        return self.source_rows == self.target_rows


def _count(engine: Engine, table: Table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def tables_in_order() -> list[Table]:
    """Every table, parents before children."""
    return list(SQLModel.metadata.sorted_tables)


def open_source(url: str) -> Engine:
    """The database to copy from, brought to the current schema; a StoreError, creating
    nothing, when it does not exist or is not a tracker database (a typo in the URL)."""
    if url.startswith("sqlite"):
        try:
            path = make_url(url).database
        except ArgumentError as exc:
            raise StoreError(f"store: copy: cannot use --from {url!r}: {exc}") from exc
        if not path or path == ":memory:":
            raise StoreError(f"store: copy: --from {url}: an in-memory database has nothing")
        if not Path(path).is_file():
            raise StoreError(f"store: copy: --from {url}: no such database file {path}")
    engine = make_engine(url)
    try:
        if current_revision(engine) is None:
            raise StoreError(
                f"store: copy: --from {url} is not a tracker database (it has no tracker "
                "schema; check the URL)"
            )
        upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def source_counts(source_url: str) -> dict[str, int]:
    """Rows per table of the source database (brought to the current schema first)."""
    engine = open_source(source_url)
    try:
        return {t.name: _count(engine, t) for t in tables_in_order()}
    finally:
        engine.dispose()


def copy_database(source_url: str, target_url: str, progress: Progress) -> list[TableCount]:
    """Copy every row of ``source_url`` into the empty database ``target_url``, all or
    nothing.

    The source must be a tracker database (``open_source``); both are brought to the current
    schema first. Every table of the target must be empty (a refused copy changes nothing),
    and the rows go in one transaction: a copy that fails leaves the target as it was. Rows
    keep their ids; PostgreSQL sequences are moved past them. Returns the counts of both
    sides per table.
    """
    if source_url == target_url:
        raise StoreError("store: copy: source and target are the same database")
    source = open_source(source_url)
    target = make_engine(target_url)
    try:
        upgrade(target)
        tables = tables_in_order()
        busy = [t.name for t in tables if _count(target, t)]
        if busy:
            raise StoreError(
                f"store: copy: the target already holds rows in {', '.join(busy)} (copy into "
                "an empty database: create a new one, or drop and re-create this one)"
            )
        try:
            with target.begin() as writer:
                if target.dialect.name == "sqlite":
                    writer.execute(text("PRAGMA defer_foreign_keys = ON"))
                for table in tables:
                    _copy_table(source, writer, table, progress)
                if target.dialect.name == "postgresql":
                    _move_sequences(writer, tables)
            # The target's triggers noted every link copied: its summary, built once.
            refresh_relation_links(target)
        except SQLAlchemyError as exc:
            cause = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise StoreError(
                f"store: copy: into {shown_url(target_url)} failed, nothing was copied: {cause}"
            ) from exc
        return [TableCount(t.name, _count(source, t), _count(target, t)) for t in tables]
    finally:
        source.dispose()
        target.dispose()


def _copy_table(source: Engine, writer: Connection, table: Table, progress: Progress) -> None:
    keys = list(table.primary_key.columns)
    copied = 0
    with source.connect() as reader:
        result = reader.execution_options(yield_per=BATCH_ROWS).execute(
            select(table).order_by(*keys)
        )
        for batch in result.mappings().partitions(BATCH_ROWS):
            writer.execute(insert(table), [dict(row) for row in batch])
            copied += len(batch)
            progress(table.name, copied)
    progress(table.name, copied)


def _move_sequences(conn: Connection, tables: list[Table]) -> None:
    for table in tables:
        for column in table.primary_key.columns:
            if not column.autoincrement or column.type.python_type is not int:
                continue
            conn.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence(:table, :column), "
                    f"coalesce((SELECT max({column.name}) FROM {table.name}), 0) + 1, false)"
                ),
                {"table": table.name, "column": column.name},
            )
