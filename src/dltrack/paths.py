"""Where dltrack keeps its files; environment variables override for tests and power users."""

from __future__ import annotations

import os
from pathlib import Path

DB_ENV = "DLTRACK_DB"
SEED_ENV = "DLTRACK_SEED"
DB_NAME = "dltrack.db"


def default_db_path() -> Path:
    """The progress database: $DLTRACK_DB, else dltrack.db in the user data dir."""
    if env := os.environ.get(DB_ENV):
        return Path(env).expanduser()
    # Imported here: platformdirs is not needed when the env var is set (bench/README.md).
    from platformdirs import user_data_path

    return user_data_path("dltrack", appauthor=False) / DB_NAME


def packaged_seed_path() -> Path:
    """The catalogue shipped with dltrack."""
    here = Path(__file__).resolve().parent
    installed = here / "data" / "seed.json"
    if installed.is_file():
        return installed
    # An editable install or a source checkout: the catalogue lives at the repo root.
    return here.parent.parent / "data" / "seed.json"


def default_seed_path() -> Path:
    """The catalogue to use: $DLTRACK_SEED, else the packaged one."""
    if env := os.environ.get(SEED_ENV):
        return Path(env).expanduser()
    return packaged_seed_path()
