"""Reporting periods: months ``YYYY-MM`` and quarters ``YYYY-Qn``.

Every analysed subject belongs to the month of its own event (issue, payment, complaint
receipt), so a March invoice recorded in April is judged in March. Quarters are unions of months.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from itertools import pairwise

_MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")


def month_of(t: date | datetime) -> str:
    """``'2026-03'`` for any instant or day in March 2026."""
    return f"{t.year:04d}-{t.month:02d}"


def in_progress(month: str, as_of: datetime | None) -> bool:
    """Whether ``month`` had not ended at ``as_of`` (the data's as-of time): its figures run
    only up to then, so its counts are not comparable with a whole month's (its rates are).
    False when the as-of time is unknown."""
    if as_of is None:
        return False
    end = add_months(parse_month(month), 1)
    return as_of < datetime(end.year, end.month, end.day)


def parse_month(month: str) -> date:
    """First day of a ``YYYY-MM`` month; a clear error for anything else."""
    m = _MONTH_RE.match(month)
    if not m:
        raise ValueError(f"period {month!r} is not a month like 2026-03")
    return date(int(m.group(1)), int(m.group(2)), 1)


def quarter_of_month(month: str) -> str:
    """``'2026-Q1'`` for ``'2026-03'``."""
    start = parse_month(month)
    return f"{start.year:04d}-Q{(start.month - 1) // 3 + 1}"


def parse_quarter(quarter: str) -> date:
    """First day of a ``YYYY-Qn`` quarter."""
    m = _QUARTER_RE.match(quarter)
    if not m:
        raise ValueError(f"period {quarter!r} is not a quarter like 2026-Q1")
    return date(int(m.group(1)), (int(m.group(2)) - 1) * 3 + 1, 1)


def add_months(d: date, n: int) -> date:
    """The first day of the month ``n`` months after the month of ``d``."""
    index = d.year * 12 + d.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def months_of_quarter(quarter: str) -> tuple[str, str, str]:
    start = parse_quarter(quarter)
    a, b, c = (add_months(start, i) for i in range(3))
    return month_of(a), month_of(b), month_of(c)


def quarters_of(months: Iterable[str]) -> tuple[str, ...]:
    """Sorted distinct quarters containing the given months."""
    return tuple(sorted({quarter_of_month(m) for m in months}))


def month_range(first: str, last: str) -> tuple[str, ...]:
    """All months from ``first`` to ``last`` inclusive (empty when last < first)."""
    start, end = parse_month(first), parse_month(last)
    out: list[str] = []
    cur = start
    while cur <= end:
        out.append(month_of(cur))
        cur = add_months(cur, 1)
    return tuple(out)


def consecutive(months: Iterable[str]) -> bool:
    """True when ``months`` are calendar months without a gap (a full run, or a new day's
    months): then the :func:`bounds` range selects exactly their instants."""
    starts = sorted({parse_month(m) for m in months})
    return all(add_months(a, 1) == b for a, b in pairwise(starts))


def bounds(months: Iterable[str]) -> tuple[datetime, datetime]:
    """``[lo, hi)`` instants covering the given months; lets scans skip row groups by zone map.

    With no months the interval is empty (lo == hi), so a filtered query returns nothing.
    """
    starts = sorted(parse_month(m) for m in months)
    if not starts:
        epoch = datetime(2000, 1, 1)
        return epoch, epoch
    lo = datetime.combine(starts[0], datetime.min.time())
    hi = datetime.combine(add_months(starts[-1], 1), datetime.min.time())
    return lo, hi
