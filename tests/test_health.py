"""What the operators' commands say: the holiday calendar line of ``status`` and the year view
of ``holidays``."""

from __future__ import annotations

from datetime import date

import pytest

from analytics import clock, health
from analytics.cli import main


def test_the_calendar_end_is_near_by_today_or_by_the_data(
    calendar_until_2030: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    end = date(2030, 12, 31)
    for today, as_of, expected in [
        (date(2030, 10, 1), date(2030, 10, 1), None),  # three months ahead
        (date(2030, 10, 1), date(2030, 12, 5), end),  # the data is ahead of the clock
        (date(2030, 12, 5), date(2030, 10, 1), end),  # no new data, but the days go by
        (date(2031, 1, 4), date(2030, 10, 1), end),  # ended already
        (date(2031, 1, 4), date(2031, 1, 4), None),  # the data's year: analyse says so
    ]:
        monkeypatch.setattr(clock, "beijing_today", lambda today=today: today)
        assert health.calendar_end_near(as_of) == expected, (today, as_of)


def test_the_calendar_line_says_how_far_it_runs_and_when_to_act(
    calendar_until_2030: None,
) -> None:
    assert health.calendar_line(date(2030, 11, 29)) == (
        "holiday calendar: through 2030-12-31",
        None,
    )
    line, problem = health.calendar_line(date(2030, 12, 2))
    assert line == (
        "holiday calendar: through 2030-12-31; no table for 2031 yet: add "
        "data/reference/holidays/2031.csv before the data reaches 2031, or analyse stops"
    )
    assert problem == "holiday calendar ends soon"
    assert health.calendar_line(date(2031, 1, 4)) == (
        "holiday calendar: no table for 2031",
        "no holiday table for 2031",
    )


def test_the_holidays_command_shows_a_year_and_names_a_missing_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["holidays", "2026"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "2026: chinesecalendar; 248 working days, 19 weekdays off, 6 weekend days worked (调休)"
    )
    assert "02-15–02-23 (9)" in out[1]  # the Spring Festival
    assert "10-01–10-07 (7)" in out[1]  # National Day
    assert out[2].split() == ["worked:", "01-04,", "02-14,", "02-28,", "05-09,", "09-20,", "10-10"]
    assert main(["holidays", "2026", "2099"]) == 1
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.startswith("2099: no table: add data/reference/holidays/2099.csv")
