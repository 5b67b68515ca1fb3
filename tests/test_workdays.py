"""Working days on the Chinese calendar, around the 2026 Spring Festival and National Day."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from analytics import workdays
from analytics.workdays import (
    UnknownHolidayYearError,
    add_workdays,
    calendar_frame,
    is_workday,
    workdays_between,
)


def test_contract_example_national_day() -> None:
    # 1-7 October 2026 off; 8 October is the first working day after 30 September.
    assert add_workdays(date(2026, 9, 30), 2) == date(2026, 10, 9)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 2, 13), True),  # Friday before the Spring Festival
        (date(2026, 2, 14), True),  # Saturday make-up workday (调休)
        (date(2026, 2, 15), False),  # Spring Festival holiday starts (Sunday)
        (date(2026, 2, 17), False),  # 正月初一, a Tuesday
        (date(2026, 2, 23), False),  # last holiday day, a Monday
        (date(2026, 2, 24), True),  # back to work
        (date(2026, 2, 28), True),  # Saturday make-up workday (调休)
        (date(2026, 3, 1), False),  # an ordinary Sunday
        (date(2026, 10, 1), False),  # National Day
        (date(2026, 10, 7), False),
        (date(2026, 10, 8), True),
        (date(2026, 10, 10), True),  # Saturday make-up workday (调休)
        (date(2026, 10, 11), False),
    ],
)
def test_is_workday_2026(day: date, expected: bool) -> None:
    assert is_workday(day) is expected


def test_add_workdays_over_spring_festival() -> None:
    # Friday 13 Feb + 1 = make-up Saturday 14 Feb; + 2 = Tuesday 24 Feb after the holiday.
    assert add_workdays(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_workdays(date(2026, 2, 13), 2) == date(2026, 2, 24)
    assert add_workdays(date(2026, 2, 24), -2) == date(2026, 2, 13)
    assert add_workdays(date(2026, 2, 16), 0) == date(2026, 2, 16)


def test_workdays_between_counts_only_working_time() -> None:
    # Friday 18:00 -> make-up Saturday (1 day) -> holiday -> Tuesday 09:00: 0.25 + 1 + 0.375.
    assert workdays_between(datetime(2026, 2, 13, 18), datetime(2026, 2, 24, 9)) == pytest.approx(
        1.625
    )
    # An ordinary week: Monday 17:05 to Friday 09:12.
    got = workdays_between(datetime(2026, 3, 30, 17, 5), datetime(2026, 4, 3, 9, 12))
    assert got == pytest.approx((24 * 60 - 17 * 60 - 5) / 1440 + 3 + (9 * 60 + 12) / 1440)
    # Across National Day: 30 Sep 10:00 to 9 Oct 20:00 is 14/24 + 1 + 20/24 working days.
    got = workdays_between(datetime(2026, 9, 30, 10), datetime(2026, 10, 9, 20))
    assert got == pytest.approx(14 / 24 + 1 + 20 / 24)
    # Time inside a holiday does not count at all.
    assert workdays_between(datetime(2026, 10, 2, 9), datetime(2026, 10, 6, 18)) == 0.0
    # Symmetric sign.
    assert workdays_between(datetime(2026, 2, 24, 9), datetime(2026, 2, 13, 18)) == pytest.approx(
        -1.625
    )


def test_calendar_frame_matches_scalar_functions() -> None:
    frame = calendar_frame(date(2026, 2, 1), date(2026, 3, 10))
    assert frame.height == 38
    for row in frame.iter_rows(named=True):
        assert row["is_workday"] is is_workday(row["day"])
    by_day = {r["day"]: r["workdays_before"] for r in frame.iter_rows(named=True)}
    # workdays_before differences reproduce whole-day working time between midnights
    start, end = date(2026, 2, 10), date(2026, 3, 2)
    assert by_day[end] - by_day[start] == workdays_between(
        datetime.combine(start, datetime.min.time()), datetime.combine(end, datetime.min.time())
    )


def test_unknown_year_names_the_year_and_the_fix(tmp_path: Path) -> None:
    workdays._year_table.cache_clear()
    with pytest.raises(UnknownHolidayYearError) as info:
        workdays._year_workdays(2099, tmp_path)
    message = str(info.value)
    assert "2099" in message
    assert "2099.csv" in message
    assert "date,kind,name" in message


def test_override_table_takes_precedence(tmp_path: Path) -> None:
    (tmp_path / "2099.csv").write_text(
        "date,kind,name\n2099-01-01,holiday,元旦\n2099-01-03,workday,调休\n", encoding="utf-8"
    )
    days = workdays._year_workdays(2099, tmp_path)
    assert date(2099, 1, 1) not in days  # Thursday, but a holiday
    assert date(2099, 1, 2) in days  # ordinary Friday
    assert date(2099, 1, 3) in days  # Saturday make-up workday
    assert date(2099, 1, 4) not in days  # ordinary Sunday


def test_override_table_rejects_bad_rows(tmp_path: Path) -> None:
    (tmp_path / "2098.csv").write_text("date,kind,name\n2098-01-01,party,元旦\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        workdays._year_workdays(2098, tmp_path)


def test_override_table_rejects_what_a_typo_makes(tmp_path: Path) -> None:
    (tmp_path / "2097.csv").write_text(
        "date,kind,name\n2097-01-01,holiday,元旦\n2097-01-07,workday,调休\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match=r"line 3: 2097-01-07 is a Monday; kind workday"):
        workdays._year_workdays(2097, tmp_path)
    (tmp_path / "2096.csv").write_text(
        "date,kind,name\n2096-01-01,holiday,元旦\n2096-01-01,workday,调休\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match="line 3: 2096-01-01 is listed as both kinds"):
        workdays._year_workdays(2096, tmp_path)


def test_known_through_and_the_warning_a_month_before_the_calendar_ends(
    calendar_until_2030: None,
) -> None:
    assert workdays.known_through(date(2028, 6, 1)) == date(2030, 12, 31)
    assert workdays.known_through(date(2020, 6, 1)) == date(2025, 12, 31)  # 5 years ahead at most
    assert workdays.known_through(date(2031, 1, 1)) is None
    assert workdays.calendar_ends_soon(date(2030, 11, 29)) is None  # 32 days before
    assert workdays.calendar_ends_soon(date(2030, 11, 30)) == date(2030, 12, 31)
    assert workdays.calendar_ends_soon(date(2030, 12, 31)) == date(2030, 12, 31)
    assert workdays.calendar_ends_soon(date(2031, 1, 2)) is None  # analyse fails and says so


def test_a_table_added_or_corrected_while_running_is_read_again(tmp_path: Path) -> None:
    with pytest.raises(UnknownHolidayYearError):
        workdays._year_workdays(2095, tmp_path)
    table = tmp_path / "2095.csv"
    table.write_text("date,kind,name\n2095-01-03,holiday,元旦\n", encoding="utf-8")
    assert date(2095, 1, 3) not in workdays._year_workdays(2095, tmp_path)  # a Monday
    table.write_text(
        "date,kind,name\n2095-01-03,holiday,元旦\n2095-01-04,holiday,元旦\n", encoding="utf-8"
    )
    days = workdays._year_workdays(2095, tmp_path)  # the same process: the corrected table
    assert date(2095, 1, 4) not in days
    assert date(2095, 1, 5) in days


def test_a_year_s_calendar_as_analyse_will_use_it(tmp_path: Path) -> None:
    (tmp_path / "2094.csv").write_text(
        "date,kind,name\n"
        "2094-01-01,holiday,元旦\n"  # a Friday: 1-3 January off
        "2094-02-08,holiday,春节\n2094-02-09,holiday,春节\n"  # Mon-Tue, joined to the weekend
        "2094-02-13,workday,春节调休\n",  # that Saturday worked
        encoding="utf-8",
    )
    cal = workdays.year_calendar(2094, tmp_path)
    assert cal.source == str(tmp_path / "2094.csv")
    assert cal.breaks == (
        (date(2094, 1, 1), date(2094, 1, 3)),
        (date(2094, 2, 6), date(2094, 2, 9)),
    )
    assert cal.makeup == (date(2094, 2, 13),)
    assert cal.weekdays_off == 3
    weekdays = sum(1 for i in range(365) if (date(2094, 1, 1) + timedelta(i)).weekday() < 5)
    assert cal.workdays == weekdays - 3 + 1
