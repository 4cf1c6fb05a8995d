"""The schema is written once as migration steps and once as SQLModel classes; they agree.

A new database, databases upgraded from the first schema and from release 0.1's,
and the SQLModel metadata must have the same tables, columns (name, type,
nullability, default, key) and indexes.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from dltrack.errors import StoreError
from dltrack.store.db import check_sqlite_version
from dltrack.store.migrations import SCHEMA_VERSION

DATA = Path(__file__).parent / "data"
# FTS5 keeps its index in shadow tables of its own; SQLModel cannot express them.
SEARCH_TABLES = {
    f"item_search{suffix}" for suffix in ("", "_data", "_idx", "_content", "_docsize", "_config")
}


def shape(conn: sqlite3.Connection) -> dict[str, Any]:
    """Every table's columns and indexes, as SQLite reports them."""
    tables = [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    out: dict[str, Any] = {}
    for table in tables:
        if table in SEARCH_TABLES:
            out[table] = "fts5"
            continue
        columns = [
            (name, kind.upper(), bool(notnull), default, pk)
            for _cid, name, kind, notnull, default, pk in conn.execute(
                f"PRAGMA table_info('{table}')"
            )
        ]
        indexes = sorted(
            (
                name,
                bool(unique),
                origin,
                bool(partial),
                tuple(r[2] for r in conn.execute(f"PRAGMA index_info('{name}')")),
            )
            for _seq, name, unique, origin, partial in conn.execute(f"PRAGMA index_list('{table}')")
        )
        out[table] = {"columns": columns, "indexes": indexes}
    return out


def migrated(run, db_path: Path, script: str | None) -> dict[str, Any]:
    if script is not None:
        with sqlite3.connect(db_path) as conn:
            conn.executescript((DATA / script).read_text(encoding="utf-8"))
    result = run("next")
    assert result.code == 0, result.err
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        return shape(conn)


def from_models(path: Path) -> dict[str, Any]:
    from sqlalchemy import create_engine

    from dltrack.store.schema import metadata

    engine = create_engine(f"sqlite:///{path}")
    metadata.create_all(engine)
    engine.dispose()
    with sqlite3.connect(path) as conn:
        return shape(conn)


@pytest.mark.parametrize("start", ["schema_v1.sql", "schema_v3.sql"])
def test_an_upgraded_database_is_the_same_as_a_new_one(
    run, tmp_path: Path, start: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DLTRACK_DB", str(tmp_path / "new.db"))
    fresh = migrated(run, tmp_path / "new.db", None)
    monkeypatch.setenv("DLTRACK_DB", str(tmp_path / "old.db"))
    upgraded = migrated(run, tmp_path / "old.db", start)
    assert upgraded == fresh


def test_the_models_describe_the_migrated_schema(run, db_path: Path, tmp_path: Path) -> None:
    fresh = migrated(run, db_path, None)
    models = from_models(tmp_path / "models.db")
    assert {k: v for k, v in fresh.items() if k not in SEARCH_TABLES} == models
    assert fresh.keys() >= SEARCH_TABLES


def test_a_too_old_sqlite_is_named() -> None:
    with pytest.raises(StoreError, match=r"SQLite 3\.31\.1 is too old: dltrack needs 3\.35\.0"):
        check_sqlite_version((3, 31, 1))
    check_sqlite_version(sqlite3.sqlite_version_info)  # this machine's is new enough
