"""A schema upgrade on SQLite is one transaction: one that fails (or is killed) halfway leaves
the database as it was, and the next upgrade starts cleanly."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from tracker.store import engine as store_engine

BROKEN = '''
"""A migration that fails after doing part of its work."""
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
    op.add_column("source", sa.Column("half_column", sa.String))
    raise RuntimeError("killed halfway")


def downgrade() -> None:
    pass
'''


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_a_failed_upgrade_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    head = store_engine.head_revision()
    migrations = tmp_path / "migrations"
    shutil.copytree(store_engine.MIGRATIONS, migrations)
    broken = migrations / "versions" / "9999_broken.py"
    broken.write_text(BROKEN.format(head=head), encoding="utf-8")
    monkeypatch.setattr(store_engine, "MIGRATIONS", migrations)
    db = tmp_path / "t.db"
    engine = store_engine.make_engine(f"sqlite:///{db}")
    with pytest.raises(RuntimeError, match="killed halfway"):
        store_engine.upgrade(engine)
    assert tables(db) == set()  # not even the first migration's tables
    broken.unlink()
    assert store_engine.upgrade(engine) == (None, head)
    assert {"source", "article", "alembic_version"} <= tables(db)
    # and from a database at the head, a failing migration leaves the head schema intact
    broken.write_text(BROKEN.format(head=head), encoding="utf-8")
    with pytest.raises(RuntimeError):
        store_engine.upgrade(engine)
    assert "half_done" not in tables(db)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(head,)]
        columns = {r[1] for r in conn.execute("PRAGMA table_info(source)")}
    assert "half_column" not in columns
    engine.dispose()
