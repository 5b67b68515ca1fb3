"""Beijing wall-clock time, whatever the machine's own time zone.

The warehouse stores naive Beijing local time (DESIGN.md), and a server or CI machine usually
runs on UTC: every "now" the project writes (import batches, analysis runs, alerts, model fits)
comes from here, so a table never mixes the two clocks.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

# China has kept UTC+8 without daylight saving since 1991; a fixed offset needs no tz database.
BEIJING = timezone(timedelta(hours=8))


def beijing_now() -> datetime:
    """Now in Beijing, naive, to the second (as the warehouse stores timestamps)."""
    return datetime.now(BEIJING).replace(tzinfo=None, microsecond=0)


def beijing_today() -> date:
    """Today's date in Beijing (after 16:00 UTC it is already tomorrow there)."""
    return beijing_now().date()
