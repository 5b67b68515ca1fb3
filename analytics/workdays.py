"""Working days on the Chinese calendar: statutory holidays and 调休 make-up workdays.

Source of truth, per year:
1. ``data/reference/holidays/<year>.csv`` if present (columns ``date,kind,name`` with kind
   ``holiday`` or ``workday``), for a year the package does not know yet or to correct it;
2. otherwise the maintained ``chinesecalendar`` package;
3. otherwise :class:`UnknownHolidayYearError`, naming the year and how to add its table.

Delays are measured on a "working clock": each working day contributes the fraction of its 24
hours that falls inside the interval, non-working days contribute nothing. So an invoice issued
Monday 17:05 and recorded Friday 09:12 of the same ordinary week took 3.67 working days, and one
issued before the National Day holiday and recorded after it took only the working time between.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path

import chinese_calendar
import polars as pl

from analytics.config import HOLIDAYS_DIR


class UnknownHolidayYearError(LookupError):
    """No holiday table is known for a year."""

    def __init__(self, year: int, holidays_dir: Path = HOLIDAYS_DIR) -> None:
        super().__init__(
            f"no holiday table for {year}: chinesecalendar does not cover it and "
            f"{holidays_dir / f'{year}.csv'} is missing. Add that file with columns "
            "date,kind,name (kind = holiday or workday), one row per statutory holiday and per "
            "调休 make-up workday from the State Council notice, or upgrade chinesecalendar."
        )
        self.year = year


def table_rows(lines: Iterable[str], name: str) -> Iterator[tuple[int, date, str]]:
    """(line number, date, kind) of each row of a holiday table; ``ValueError`` naming ``name``,
    the line and the reason for a missing header or a row that is not date,kind,name."""
    rows = csv.DictReader(lines)
    if rows.fieldnames is None or not {"date", "kind"} <= set(rows.fieldnames):
        raise ValueError(f"{name}, line 1: expected the header date,kind,name")
    for line_no, row in enumerate(rows, start=2):
        value = (row["date"] or "").strip()
        try:
            day = date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(
                f"{name}, line {line_no}: {value!r} is not a date like 2027-01-01"
            ) from exc
        yield line_no, day, (row["kind"] or "").strip()


def _override_table(year: int, holidays_dir: Path) -> tuple[frozenset[date], frozenset[date]]:
    """(holidays, make-up workdays) from an override CSV."""
    holidays: set[date] = set()
    workdays: set[date] = set()
    path = holidays_dir / f"{year}.csv"
    with path.open(encoding="utf-8") as fh:
        for line_no, day, kind in table_rows(fh, str(path)):
            if day.year != year:
                raise ValueError(f"{path}, line {line_no}: {day} is not in {year}")
            if kind not in ("holiday", "workday"):
                raise ValueError(f"{path}, line {line_no}: kind must be holiday or workday")
            # a hand-typed table is checked for what a typo makes (a wrong day or kind would
            # shift every deadline around it): 调休 make-up workdays are Saturdays or Sundays,
            # and no day is listed as both
            if kind == "workday" and day.weekday() < 5:
                raise ValueError(
                    f"{path}, line {line_no}: {day} is a {day:%A}; kind workday is for a "
                    "Saturday or Sunday worked in exchange for a holiday (调休)"
                )
            if day in (workdays if kind == "holiday" else holidays):
                raise ValueError(f"{path}, line {line_no}: {day} is listed as both kinds")
            (holidays if kind == "holiday" else workdays).add(day)
    return frozenset(holidays), frozenset(workdays)


def _year_workdays(year: int, holidays_dir: Path = HOLIDAYS_DIR) -> frozenset[date]:
    """All working days of a year. Cached per state of its override table, so that a table
    added or corrected while a process runs (the dashboard, which also analyses uploads) is
    read again instead of the old calendar being kept."""
    try:
        stat = (holidays_dir / f"{year}.csv").stat()
        stamp: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
    except FileNotFoundError:
        stamp = None
    return _year_table(year, holidays_dir, stamp)


def _days_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


@cache
def _year_table(year: int, holidays_dir: Path, stamp: tuple[int, int] | None) -> frozenset[date]:
    days = _days_of(year)
    if stamp is not None:
        holidays, makeup = _override_table(year, holidays_dir)
        return frozenset(d for d in days if d in makeup or (d.weekday() < 5 and d not in holidays))
    try:
        return frozenset(d for d in days if chinese_calendar.is_workday(d))
    except NotImplementedError as exc:
        raise UnknownHolidayYearError(year, holidays_dir) from exc


def is_workday(d: date) -> bool:
    """True on a working day: weekdays that are not holidays, plus 调休 make-up weekend days."""
    day = d.date() if isinstance(d, datetime) else d
    return day in _year_workdays(day.year)


# How long before the holiday calendar runs out the dashboard and ``fapiao-watch status`` warn:
# the State Council publishes the next year's notice in November or December, and the table
# must be in place before the data reaches January.
CALENDAR_WARNING_DAYS = 31


def known_through(day: date, *, years_ahead: int = 5) -> date | None:
    """The last day of the holiday calendar that runs unbroken from ``day``'s year: 31 December
    of the last consecutive year with a table (looking at most ``years_ahead`` years on). None
    when ``day``'s own year has none."""
    last: date | None = None
    for year in range(day.year, day.year + years_ahead + 1):
        try:
            is_workday(date(year, 1, 1))
        except UnknownHolidayYearError:
            break
        last = date(year, 12, 31)
    return last


def calendar_ends_soon(as_of: date) -> date | None:
    """The holiday calendar's last day when it lies within :data:`CALENDAR_WARNING_DAYS` after
    ``as_of`` (the day counted from: ``health.calendar_day``), else None; also None when
    ``as_of``'s own year has no table, since ``analyse`` then fails and says so itself.
    Deadlines that fall past that day are unknown (such invoices stay pending), and data past
    it stops the analysis."""
    end = known_through(as_of)
    if end is None or (end - as_of).days > CALENDAR_WARNING_DAYS:
        return None
    return end


def calendar_digests(years: range) -> dict[str, str]:
    """A digest of each year's calendar as it stands (its holidays on weekdays and its 调休
    make-up weekend days), "" for a year with no table; keyed by the year as text (JSON keys).
    ``analyse`` keeps them to tell when a table was added or corrected since it last ran."""
    out: dict[str, str] = {}
    for year in years:
        try:
            working = _year_workdays(year)
        except UnknownHolidayYearError:
            out[str(year)] = ""
            continue
        odd = [d for d in _days_of(year) if (d in working) != (d.weekday() < 5)]
        out[str(year)] = hashlib.sha256(",".join(map(str, odd)).encode()).hexdigest()[:16]
    return out


def changed_years(before: dict[str, str], now: dict[str, str]) -> list[int]:
    """The years, among those both digests cover, whose calendar was added or changed."""
    return sorted(int(y) for y in before.keys() & now.keys() if before[y] != now[y])


@dataclass(frozen=True)
class YearCalendar:
    """What the calendar of one year says, to check a table against the State Council notice
    before ``analyse`` uses it (``fapiao-watch holidays``)."""

    year: int
    source: str  # the override table's path, or "chinesecalendar"
    workdays: int
    weekdays_off: int
    breaks: tuple[tuple[date, date], ...]  # runs of days off that hold a weekday off
    makeup: tuple[date, ...]  # Saturdays and Sundays worked (调休)

    def break_texts(self, days: str) -> list[str]:
        """Each break as '02-15–02-23' plus ``days`` (a format of ``n``, the days in it) when it
        is longer than a day, for the command line and the page alike."""
        return [
            f"{a:%m-%d}" if a == b else f"{a:%m-%d}–{b:%m-%d}" + days.format(n=(b - a).days + 1)
            for a, b in self.breaks
        ]


def year_calendar(year: int, holidays_dir: Path = HOLIDAYS_DIR) -> YearCalendar:
    """The calendar of ``year``; raises :class:`UnknownHolidayYearError` without one, and
    ``ValueError`` naming the file and line for a table that does not pass its checks."""
    working = _year_workdays(year, holidays_dir)
    table = holidays_dir / f"{year}.csv"
    days = _days_of(year)
    breaks: list[tuple[date, date]] = []
    run: list[date] = []
    for day in [*days, None]:
        if day is not None and day not in working:
            run.append(day)
            continue
        if any(d.weekday() < 5 for d in run):
            breaks.append((run[0], run[-1]))
        run = []
    return YearCalendar(
        year=year,
        source=str(table) if table.exists() else "chinesecalendar",
        workdays=len(working),
        weekdays_off=sum(1 for d in days if d.weekday() < 5 and d not in working),
        breaks=tuple(breaks),
        makeup=tuple(d for d in days if d in working and d.weekday() >= 5),
    )


def add_workdays(d: date, n: int) -> date:
    """The n-th working day after ``d`` (before it when n < 0); ``d`` itself is not counted.

    ``add_workdays(date(2026, 9, 30), 2) == date(2026, 10, 9)``: 1-7 October 2026 is the National
    Day holiday, so the first working day after 30 September is 8 October and the second is 9.
    """
    day = d.date() if isinstance(d, datetime) else d
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    while remaining:
        day += timedelta(days=step)
        if is_workday(day):
            remaining -= 1
    return day


def _clock(t: datetime, origin: date) -> float:
    """Working days elapsed from ``origin`` 00:00 to ``t`` on the working clock."""
    whole = 0
    day = origin
    step = timedelta(days=1)
    while day < t.date():
        whole += is_workday(day)
        day += step
    if not is_workday(t.date()):
        return float(whole)
    seconds = (t - datetime.combine(t.date(), time())).total_seconds()
    return whole + seconds / 86400.0


def workdays_between(start: datetime, end: datetime) -> float:
    """Working days between two instants on the working clock; negative if end < start."""
    if end < start:
        return -workdays_between(end, start)
    origin = start.date()
    return _clock(end, origin) - _clock(start, origin)


def calendar_frame(start: date, end: date) -> pl.DataFrame:
    """One row per day in [start, end]: ``day``, ``is_workday``, ``workdays_before``.

    ``workdays_before`` counts working days strictly before ``day`` since ``start``: with it a
    query computes the working clock of a timestamp t as
    ``workdays_before(t::date) + (is_workday ? fraction of day elapsed : 0)`` and a delay as the
    difference of two clocks, set-wise, without Python loops.
    """
    days = pl.date_range(start, end, interval="1d", eager=True).alias("day")
    flags = [is_workday(d) for d in days.to_list()]
    return (
        pl.DataFrame({"day": days, "is_workday": flags})
        .with_columns(
            workdays_before=(
                pl.col("is_workday").cast(pl.Int64).cum_sum() - pl.col("is_workday").cast(pl.Int64)
            )
        )
        .sort("day")
    )
