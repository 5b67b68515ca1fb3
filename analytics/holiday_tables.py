"""Holiday tables (``data/reference/holidays/<year>.csv``) supplied from the dashboard.

The pages tell officials to add the next year's table from the State Council notice; most of
them cannot reach the server's files. An uploaded table is checked exactly as ``analyse`` will
read it (:func:`analytics.workdays.year_calendar`), shown, and only then written, atomically,
where ``analyse`` looks. The next run finds the calendar changed and recomputes every month.

CSV saved by Excel on a Chinese Windows is GBK more often than UTF-8, so both are accepted; the
table is stored as UTF-8.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

from analytics import config, uploads, workdays
from analytics.workdays import YearCalendar


def _year(text: str, name: str) -> int:
    """The year of the first row's date (every other row is then checked to lie in it)."""
    first = next(workdays.table_rows(io.StringIO(text), name), None)
    if first is None:
        raise ValueError(f"{name}: no rows under the header")
    return first[1].year


def check(data: bytes, name: str) -> tuple[YearCalendar, str]:
    """The calendar an uploaded table gives (and its text), or ``ValueError`` naming the upload,
    the line and the reason."""
    text = uploads.decode_text(data, name)
    year = _year(text, name)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{year}.csv"
        path.write_text(text, encoding="utf-8")
        try:
            return workdays.year_calendar(year, Path(folder)), text
        except ValueError as exc:
            raise ValueError(str(exc).replace(str(path), name)) from exc


def target(year: int) -> Path:
    return config.HOLIDAYS_DIR / f"{year}.csv"


def install(data: bytes, name: str) -> Path:
    """Check an uploaded table and write it where ``analyse`` reads it (replacing the file of
    that year, if any, in one step). Returns the path written."""
    calendar, text = check(data, name)
    path = target(calendar.year)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
