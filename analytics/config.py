"""Configuration in one place: paths, the warehouse file, thresholds.

Every value can be overridden by an environment variable so that the CLI, the dashboard, the
notebook and the tests agree without passing paths around. Nothing else in the project holds a
path literal.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = Path(__file__).resolve().parent / "sql"
REFERENCE_DIR = PROJECT_ROOT / "data" / "reference"
HOLIDAYS_DIR = REFERENCE_DIR / "holidays"
HEADER_MAPS_DIR = REFERENCE_DIR / "header_maps"
GENERATED_DIR = PROJECT_ROOT / "data" / "generated"
DEFAULT_DB = PROJECT_ROOT / "data" / "warehouse.duckdb"

ENV_DB = "FAPIAO_WATCH_DB"
ENV_DEADLINE = "FAPIAO_WATCH_DEADLINE_WORKDAYS"
ENV_MEMORY = "FAPIAO_WATCH_MEMORY_LIMIT"
ENV_THREADS = "FAPIAO_WATCH_THREADS"
ENV_LOCK_TIMEOUT = "FAPIAO_WATCH_LOCK_TIMEOUT"


@dataclass(frozen=True)
class Settings:
    """Resolved settings. Build with :func:`settings`; pass explicit values in tests."""

    db_path: Path = DEFAULT_DB
    # "On time" = recorded in the tax system within this many working days of issue.
    deadline_workdays: int = 2
    # DuckDB limits: the benchmark goal is <= 3 GiB peak on a 2-core machine.
    memory_limit: str = "2GB"
    threads: int = 2
    # How long a writer waits for another process to release the warehouse file.
    lock_timeout_s: float = 60.0

    @property
    def serving_path(self) -> Path:
        """Read-only snapshot the dashboard reads (swapped in atomically by `publish`)."""
        return self.db_path.with_name(self.db_path.stem + ".serving.duckdb")


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The warehouse file: an explicit path, else $FAPIAO_WATCH_DB, else data/warehouse.duckdb."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser().resolve()
    return DEFAULT_DB


def settings(db: str | os.PathLike[str] | None = None) -> Settings:
    """Settings from the environment, with an optional explicit warehouse path."""
    return Settings(
        db_path=db_path(db),
        deadline_workdays=int(os.environ.get(ENV_DEADLINE, "2")),
        memory_limit=os.environ.get(ENV_MEMORY, "2GB"),
        threads=int(os.environ.get(ENV_THREADS, str(min(os.cpu_count() or 2, 4)))),
        lock_timeout_s=float(os.environ.get(ENV_LOCK_TIMEOUT, "60")),
    )
