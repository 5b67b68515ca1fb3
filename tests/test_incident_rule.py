"""The vendor-incident rule file: the shipped one, its values at work, and the mistakes a person
editing it could make, each refused with the file, the key and the reason."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from factories import TestWarehouse
from test_vendor_incidents import DAY0, _days

from analytics import delay_views
from analytics.incident_rule import (
    RULE_PATH,
    IncidentRule,
    IncidentRuleError,
    load_rule,
    parse_rule,
)

SHIPPED = load_rule()
GOOD = {"min_invoices": "20", "factor": "5.0", "floor": "0.2", "gap_days": "3"}


def _body(**changed: str | None) -> str:
    values = GOOD | changed
    return "[incidents]\n" + "".join(f"{k} = {v}\n" for k, v in values.items() if v is not None)


def _outages() -> TestWarehouse:
    """piaolian: a usual 1 of 30 late a day; 15 + 8 of 30 on day 10, 25 of 30 on day 13, 9 of
    30 on day 25 (the days of test_the_rule_on_hand_made_days)."""
    wh = TestWarehouse()
    a1, a2 = wh.merchant(software_vendor="piaolian"), wh.merchant(software_vendor="piaolian")
    wh.analyse()
    usual = [(a1, d, 30, 1) for d in range(0, 30) if d not in (10, 13, 25)]
    _days(wh.con, [*usual, (a1, 10, 20, 15), (a2, 10, 10, 8), (a1, 13, 30, 25), (a1, 25, 30, 9)])
    return wh


def _spans(wh: TestWarehouse, rule: IncidentRule) -> list[tuple[int, int]]:
    found = delay_views.find_incidents(wh.con, rule)
    return [
        ((a - DAY0).days, (b - DAY0).days) for a, b in found.select("first_day", "last_day").rows()
    ]


def test_the_shipped_rule_reads_and_its_values_decide_what_is_found(tmp_path: Path) -> None:
    assert load_rule(RULE_PATH) == SHIPPED
    wh = _outages()
    assert _spans(wh, SHIPPED) == [(10, 13), (25, 25)]
    # a higher floor drops day 25 (9 of 30 = 30%); a shorter gap splits days 10 and 13
    stricter = IncidentRule(SHIPPED.min_invoices, SHIPPED.factor, 0.5, SHIPPED.gap_days)
    assert _spans(wh, stricter) == [(10, 13)]
    closer = IncidentRule(SHIPPED.min_invoices, SHIPPED.factor, SHIPPED.floor, 2)
    assert _spans(wh, closer) == [(10, 10), (13, 13), (25, 25)]
    # read from a file with another floor, and stored as the daily stage stores them
    edited = tmp_path / "vendor_incidents.toml"
    edited.write_text(_body(floor="0.5"), encoding="utf-8")
    assert load_rule(edited).floor == 0.5
    assert delay_views.store_incidents(wh.con, load_rule(edited)) == 1
    assert (delay_views.vendor_incidents(wh.con)["last_day"][0] - DAY0) == timedelta(days=13)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (_body(floor="1.5"), "floor must be a share above 0 and at most 1"),
        (_body(min_invoices='"20"'), "min_invoices must be a whole number, got '20'"),
        (_body(gap_days=None), "gap_days must be a whole number, got None"),
        (_body(factor="0.5"), "factor must be at least 1"),
        ("min_invoices = 20", "no [incidents] table"),
        ("[incidents\n", "not valid TOML"),
    ],
)
def test_a_bad_file_is_refused_naming_it_and_why(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "vendor_incidents.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(IncidentRuleError) as caught:
        load_rule(path)
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)
    with pytest.raises(IncidentRuleError, match="cannot read"):
        load_rule(tmp_path / "absent.toml")
    assert parse_rule(_body()) == IncidentRule(min_invoices=20, factor=5.0, floor=0.2, gap_days=3)
