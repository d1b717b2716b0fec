"""I/O: the database. Only this package imports SQLAlchemy and SQLModel."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlmodel import Session

from tracker.store.engine import QUERY_ONLY, make_engine, upgrade


class Store:
    """A database, its schema brought up to date on open."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.url = url
        self.engine: Engine = make_engine(url)
        if migrate:
            upgrade(self.engine)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on error."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A session that cannot write: PostgreSQL runs it in a read-only transaction,
        SQLite with ``query_only``; it is rolled back at the end."""
        with Session(self.engine, expire_on_commit=False) as session:
            connection = session.connection()
            if self.dialect == "postgresql":
                connection.exec_driver_sql("SET TRANSACTION READ ONLY")
            elif self.dialect == "sqlite":
                connection.info[QUERY_ONLY] = True  # undone as the connection goes back
                connection.exec_driver_sql("PRAGMA query_only = ON")
            try:
                yield session
            finally:
                # SQLite: the pragma is undone as the connection goes back to the pool.
                session.rollback()

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()


__all__ = ["Store"]
