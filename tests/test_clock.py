"""Every timestamp the project writes is Beijing time, whatever the machine's time zone."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from factories import TestWarehouse

from analytics.clock import ENV_OFFSET, beijing_now, beijing_today
from analytics.validation import date_problems


@pytest.fixture
def far_from_beijing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process runs at UTC-12, 20 hours behind Beijing: its local date differs from
    Beijing's for 20 hours of every day."""
    monkeypatch.setenv("TZ", "Etc/GMT+12")  # POSIX sign: GMT+12 is UTC-12
    monkeypatch.delenv(ENV_OFFSET, raising=False)  # the real clock, not the tests' (conftest)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def beijing_from_utc() -> datetime:
    return (datetime.now(UTC) + timedelta(hours=8)).replace(tzinfo=None)


def test_beijing_now_is_utc_plus_eight_not_the_machine_clock(far_from_beijing: None) -> None:
    before, now, after = beijing_from_utc(), beijing_now(), beijing_from_utc()
    assert now.tzinfo is None
    assert now.microsecond == 0
    assert before - timedelta(seconds=1) <= now <= after
    assert abs(datetime.now() - now) > timedelta(hours=19)  # the machine's clock is elsewhere
    assert beijing_today() == now.date()


def test_an_invoice_dated_today_in_beijing_is_not_in_the_future(far_from_beijing: None) -> None:
    assert date_problems(beijing_today()) == []
    assert date_problems(beijing_today() + timedelta(days=1)) == ["date_in_future"]


def test_analysis_runs_are_stamped_in_beijing_time(far_from_beijing: None) -> None:
    wh = TestWarehouse()
    before = beijing_from_utc() - timedelta(seconds=1)
    wh.analyse()
    after = beijing_from_utc()
    started, finished = wh.con.execute(
        "select started_at, finished_at from analysis_runs"
    ).fetchall()[0]
    assert before <= started <= finished <= after


def test_the_clock_can_be_shifted_for_tests_and_replays(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_OFFSET, str(-400 * 86400))
    shifted = beijing_now()
    assert abs(beijing_from_utc() - timedelta(days=400) - shifted) < timedelta(seconds=2)
    assert beijing_today() == shifted.date()
    monkeypatch.setenv(ENV_OFFSET, "yesterday")
    with pytest.raises(ValueError, match="FAPIAO_WATCH_CLOCK_OFFSET='yesterday' is not a number"):
        beijing_now()
