"""Time for the generator: the period, the export date, a vectorised working clock, day factors.

Timestamps inside the generator are int64 seconds since 1970-01-01 of Beijing local time (naive),
so whole columns move through numpy without datetime objects.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import chinese_calendar
import numpy as np
import numpy.typing as npt

from analytics import periods, workdays
from analytics.synth.reference import Reference

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

DAY = 86_400
PERIOD_END = date(2026, 10, 31)
# The officials' export is run on this morning: nothing in the files is dated later.
AS_OF = datetime(2026, 11, 15, 9, 0, 0)
# Far enough in the future to compare as "never", small enough not to overflow when added to.
NEVER = np.int64(2**62)
_EPOCH = date(1970, 1, 1)


def epoch_day(d: date) -> int:
    return (d - _EPOCH).days


def epoch_s(t: datetime) -> int:
    return epoch_day(t.date()) * DAY + t.hour * 3600 + t.minute * 60 + t.second


AS_OF_TS = epoch_s(AS_OF)


def rng_for(seed: int, *keys: str | int) -> np.random.Generator:
    """An independent stream per component, so changing one part does not reshuffle the rest."""
    words = [seed & 0xFFFF_FFFF_FFFF_FFFF]
    words += [zlib.crc32(k.encode()) if isinstance(k, str) else int(k) for k in keys]
    return np.random.default_rng(words)


@dataclass(frozen=True)
class Period:
    """``months`` calendar months ending with PERIOD_END."""

    months: int
    month_starts: list[date] = field(init=False)  # months + 1 entries, last = day after the end

    def __post_init__(self) -> None:
        last = date(PERIOD_END.year, PERIOD_END.month, 1)
        starts = [periods.add_months(last, -i) for i in reversed(range(self.months))]
        starts.append(PERIOD_END + timedelta(days=1))
        object.__setattr__(self, "month_starts", starts)

    @property
    def labels(self) -> list[str]:
        return [periods.month_of(d) for d in self.month_starts[:-1]]

    @property
    def start_day(self) -> int:
        return epoch_day(self.month_starts[0])

    @property
    def end_day(self) -> int:
        """Exclusive: the first day after the period."""
        return epoch_day(self.month_starts[-1])

    @property
    def end_ts(self) -> int:
        return self.end_day * DAY

    @property
    def n_days(self) -> int:
        return self.end_day - self.start_day

    def month_days(self, mo: int) -> tuple[int, int]:
        """[first, last) epoch days of month ``mo``."""
        return epoch_day(self.month_starts[mo]), epoch_day(self.month_starts[mo + 1])

    def month_start_ts(self) -> I64:
        return np.array([epoch_day(d) * DAY for d in self.month_starts], dtype=np.int64)

    def month_of(self, ts: I64) -> npt.NDArray[np.intp]:
        """Month index of each timestamp (-1 before, ``months`` after the period)."""
        return np.searchsorted(self.month_start_ts(), ts, side="right") - 1


class WorkClock:
    """Working-day arithmetic over whole arrays, on :mod:`analytics.workdays`'s calendar.

    The clock of an instant counts the working days elapsed since the first day of the table;
    a non-working day adds nothing, so a delay is a difference of clocks and "n working days
    later" is the inverse of clock + n.
    """

    def __init__(self, first: date, last: date) -> None:
        calendar = workdays.calendar_frame(first, last)
        self.d0 = epoch_day(first)
        self.is_wd = calendar["is_workday"].to_numpy()
        self.wd_before = calendar["workdays_before"].to_numpy()
        self.wd_days = np.flatnonzero(self.is_wd).astype(np.int64)
        self.n_days = calendar.height

    def clock(self, ts: I64) -> F64:
        day = ts // DAY - self.d0
        inside = (day >= 0) & (day < self.n_days)
        di = np.clip(day, 0, self.n_days - 1)
        frac = (ts % DAY) / DAY
        c = self.wd_before[di] + self.is_wd[di] * frac
        return np.where(inside, c, np.where(day < 0, 0.0, np.inf))

    def from_clock(self, c: F64) -> I64:
        """The instant whose clock is ``c``; NEVER when past the end of the table."""
        finite = np.isfinite(c)
        k = np.floor(np.where(finite, c, 0.0)).astype(np.int64)
        ok = finite & (k < len(self.wd_days))
        kk = np.clip(k, 0, len(self.wd_days) - 1)
        ts = (self.d0 + self.wd_days[kk]) * DAY + np.round((c - k) * DAY).astype(np.int64)
        return np.where(ok, ts, NEVER)

    def add(self, ts: I64, workdays_: F64) -> I64:
        return self.from_clock(self.clock(ts) + workdays_)

    def delay(self, start: I64, end: I64) -> F64:
        return self.clock(end) - self.clock(start)

    def next_workday(self, day: I64) -> I64:
        """Epoch day of the first working day strictly after ``day``."""
        pos = np.searchsorted(self.wd_days, day - self.d0, side="right")
        pos = np.clip(pos, 0, len(self.wd_days) - 1)
        return self.d0 + self.wd_days[pos]


def make_clock(period: Period) -> WorkClock:
    """A clock from a few weeks before the period to the end of the export year."""
    return WorkClock(period.month_starts[0] - timedelta(days=40), date(AS_OF.year, 12, 31))


def _holiday_names(days: list[date]) -> list[str | None]:
    names: list[str | None] = []
    for d in days:
        try:
            on_holiday, name = chinese_calendar.get_holiday_detail(d)
        except NotImplementedError:
            on_holiday, name = False, None
        names.append(str(name) if on_holiday and name and not workdays.is_workday(d) else None)
    return names


def day_factors(ref: Reference, period: Period) -> F64:
    """Relative daily volume, industries x period days: weekday, month, holidays, special days.

    Spring Festival empties Beijing (migrant workers go home) after a pre-festival shopping
    rush; National Day fills restaurants and hotels; other statutory holidays sit in between.
    """
    days = [period.month_starts[0] + timedelta(days=i) for i in range(period.n_days)]
    weekday = np.array([d.weekday() for d in days])
    month = np.array([d.month for d in days]) - 1
    f = ref.dow[:, weekday] * ref.month_factor[:, month]
    names = _holiday_names(days)
    sf = np.array([n == "Spring Festival" for n in names])
    nd = np.array([n == "National Day" for n in names])
    other = np.array([n is not None for n in names]) & ~sf & ~nd
    pre = np.zeros(len(days), dtype=bool)
    for i in np.flatnonzero(sf & ~np.roll(sf, 1)):
        pre[max(0, i - 10) : i] = True
    f[:, sf] *= ref.sf_holiday[:, None]
    f[:, nd] *= ref.nd_holiday[:, None]
    f[:, other] *= (1 + (ref.nd_holiday - 1) * 0.5)[:, None]
    f[:, pre] *= ref.sf_pre[:, None]
    for month_, day_, ind, factor in ref.special_days:
        hit = [k for k, d in enumerate(days) if (d.month, d.day) == (month_, day_)]
        f[ind, hit] *= factor
    return f
