"""Beijing wall-clock time, whatever the machine's own time zone.

The warehouse stores naive Beijing local time (DESIGN.md), and a server or CI machine usually
runs on UTC: every "now" the project writes (import batches, analysis runs, alerts, model fits)
comes from here, so a table never mixes the two clocks.

``FAPIAO_WATCH_CLOCK_OFFSET`` (seconds, may be negative) shifts this clock, for every process
that inherits it: the test suite holds its clock in late 2026, where its data lies, so that it
passes on any day it runs (from 2027 on, imports stamped with the real time would need the 2027
holiday table); a replay of past files can run at the time they arrived.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta, timezone

# China has kept UTC+8 without daylight saving since 1991; a fixed offset needs no tz database.
BEIJING = timezone(timedelta(hours=8))
ENV_OFFSET = "FAPIAO_WATCH_CLOCK_OFFSET"


def offset() -> timedelta:
    """The shift :data:`ENV_OFFSET` asks for (zero when unset)."""
    raw = os.environ.get(ENV_OFFSET, "").strip()
    if not raw:
        return timedelta(0)
    try:
        return timedelta(seconds=float(raw))
    except ValueError:
        raise ValueError(f"{ENV_OFFSET}={raw!r} is not a number of seconds") from None


def beijing_now() -> datetime:
    """Now in Beijing, naive, to the second (as the warehouse stores timestamps)."""
    return (datetime.now(BEIJING) + offset()).replace(tzinfo=None, microsecond=0)


def beijing_today() -> date:
    """Today's date in Beijing (after 16:00 UTC it is already tomorrow there)."""
    return beijing_now().date()
