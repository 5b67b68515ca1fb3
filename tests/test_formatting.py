"""analytics.formatting: numbers as people read them."""

from __future__ import annotations

import math

import pytest

from analytics import formatting as fmt


def test_counts_and_percentages() -> None:
    assert fmt.count(1234567) == "1,234,567"
    assert fmt.pct(0.98214) == "98.2%"
    assert fmt.pct(0.5, 0) == "50%"
    assert fmt.pct(None) == fmt.MISSING
    assert fmt.count(math.nan) == fmt.MISSING


@pytest.mark.parametrize(
    ("amount", "zh", "en"),
    [
        (980, "¥980", "¥980"),
        (12_345.6, "1.23万元", "¥12.3k"),
        (2_345_678, "234.57万元", "¥2.3M"),
        (250_000_000, "2.50亿元", "¥250.0M"),
        (-23_456, "-2.35万元", "-¥23.5k"),
    ],
)
def test_yuan_in_wan_and_yi(amount: float, zh: str, en: str) -> None:
    assert fmt.yuan(amount, "zh") == zh
    assert fmt.yuan(amount, "en") == en


def test_working_days_and_days() -> None:
    assert fmt.workdays(1.53, "zh") == "1.5 个工作日"
    assert fmt.workdays(1.53, "en") == "1.5 working days"
    assert fmt.workdays(1, "en") == "1.0 working day"
    assert fmt.days(3.24, "zh") == "3.2 天"


def test_metric_values_use_the_registry_format() -> None:
    assert fmt.metric_value("entry_rate", 0.9912) == "99.1%"
    assert fmt.metric_value("missing_count", 1200) == "1,200"
    assert fmt.metric_value("delay_p95", 2.25, "en") == "2.2 working days"
    assert fmt.metric_value("amount_issued", 54_321, "zh") == "5.43万元"
    assert fmt.metric_value("complaints_per_1k", 3.456) == "3.5"


def test_changes_against_the_previous_period() -> None:
    assert fmt.change("entry_rate", 0.95, 0.93, "zh") == "+2.0 个百分点"
    assert fmt.change("entry_rate", 0.93, 0.95, "en") == "-2.0 pp"
    assert fmt.change("missing_count", 24, 22) == "+2 (+9.1%)"
    assert fmt.change("missing_count", 5, 0) == "+5"
    assert fmt.change("amount_issued", 100_000, 123_456, "en") == "-¥23.5k (-19.0%)"
    assert fmt.change("entry_rate", None, 0.9) is None
    assert fmt.change("entry_rate", 0.99700, 0.99702) == "+0.0 个百分点"  # no "-0.0"


def test_kpi_colours_follow_the_metric_direction() -> None:
    assert fmt.kpi("entry_rate", 0.95, 0.93).color == "normal"  # higher is better
    assert fmt.kpi("missing_count", 24, 22).color == "inverse"  # lower is better
    assert fmt.kpi("invoices_issued", 10, 9).color == "off"  # neither
    assert fmt.kpi("entry_rate", 0.95, 0.95).color == "off"  # unchanged
    card = fmt.kpi("on_time_rate", 0.9, None, "en")
    assert (card.value, card.delta) == ("90.0%", None)


def test_an_alerts_values_read_as_on_the_alerts_page() -> None:
    assert fmt.alert_value("entry_rate", 0.61) == "61.0%"
    assert fmt.alert_value("entry_rate", None) == fmt.MISSING
    assert fmt.alert_value("is_anomaly", 1.0) == "已标记"
    # no flag the month before reads as not flagged, in the words the caller gives
    assert fmt.alert_value("is_anomaly", None, "en", ("flagged", "not flagged")) == ("not flagged")
    assert fmt.alert_value("some_volume", 12.5) == "12.5"
    assert fmt.alert_value("some_volume", None) == fmt.MISSING
