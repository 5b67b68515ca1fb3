"""What every analysis stage receives: the scope of the run and its parameters.

A stage is ``Stage(name, run)`` with ``run(con, ctx) -> None``. It recomputes its tables for
``ctx.months`` (and ``ctx.quarters``), replacing exactly those periods' rows, or rebuilds them
when ``ctx.rebuild(con, table)`` says so (a full run, or the table does not exist yet). Stages
run in order inside one transaction (analytics.pipeline); a later stage may read what an
earlier one wrote. To add a stage, append it to ``analytics.pipeline.STAGES``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

import duckdb

from analytics import periods
from analytics.warehouse import table_exists

# "Payment requested but not invoiced after N days": calendar days, as customers count them.
PAYMENT_GRACE_DAYS = 7


@dataclass
class Context:
    """Scope and parameters of one analysis run."""

    as_of: datetime
    deadline_workdays: int
    full: bool
    months: tuple[str, ...]
    new_batches: tuple[int, ...] = ()
    payment_grace_days: int = PAYMENT_GRACE_DAYS
    # What stages report: table -> rows written this run (shown by AnalyseResult.summary()).
    written: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def quarters(self) -> tuple[str, ...]:
        """Quarters containing an affected month (recomputed whole from their months)."""
        return periods.quarters_of(self.months)

    @property
    def quarter_months(self) -> tuple[str, ...]:
        """All months of the affected quarters."""
        return tuple(sorted({m for q in self.quarters for m in periods.months_of_quarter(q)}))

    def rebuild(self, con: duckdb.DuckDBPyConnection, table: str) -> bool:
        """True when ``table`` must be rebuilt whole rather than patched period by period."""
        return self.full or not table_exists(con, table)

    def params(self, months: tuple[str, ...] | None = None) -> dict[str, Any]:
        """The shared SQL parameters, scoped to ``months`` (default: the affected months)."""
        scope = self.months if months is None else months
        lo, hi = periods.bounds(scope)
        return {
            "months": list(scope),
            "lo": lo,
            "hi": hi,
            # the months have no gap, so [lo, hi) alone selects them (skips a per-row test)
            "consecutive": periods.consecutive(scope),
            "as_of": self.as_of,
            "deadline": self.deadline_workdays,
            "grace_days": self.payment_grace_days,
        }


class Stage(NamedTuple):
    """One named step of ``analyse``.

    ``tables`` names what the stage writes: when one is missing (a stage added since the last
    run, or a dropped table) the next run is a full one, so no table is ever built from a subset
    of months. ``in_python``: the stage builds large Python objects (frames, models), so DuckDB's
    cache is released before it (:func:`analytics.warehouse.release_memory`).
    """

    name: str
    run: Callable[[duckdb.DuckDBPyConnection, Context], None]
    tables: tuple[str, ...] = ()
    in_python: bool = False
