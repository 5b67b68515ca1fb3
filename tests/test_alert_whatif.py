"""The alert-rule what-if (analytics.alert_whatif): the window's conditions under other rules."""

from __future__ import annotations

import dataclasses

import duckdb
import polars as pl
import pytest

from analytics import alert_hits, alert_whatif
from analytics.alert_rules import AlertRuleError, load_rules, parse_rules
from analytics.alert_whatif import MonthRows, RuleChange
from analytics.views import Filters

RULES = load_rules()
BY_ID = {r.id: r for r in RULES.rules}


def _change(rule_id: str, **values: float | bool | None) -> RuleChange:
    rule = BY_ID[rule_id]
    base = {"relative": rule.relative, "level": rule.level, "floor": rule.floor}
    return RuleChange(rule_id, **(base | values))  # type: ignore[arg-type]


def _only(rule_id: str, **values: float | bool | None) -> list[RuleChange]:
    """Every other rule off; this one with ``values``."""
    return [
        _change(r.id, **values) if r.id == rule_id else _change(r.id, enabled=False)
        for r in RULES.rules
    ]


def _entry_rows() -> MonthRows:
    """Three merchants, September then October: entry rate and invoices issued."""
    rows = [
        # (merchant, september rate, october rate, october invoices)
        ("m1", 1.00, 0.88, 25),  # down 12 points, 25 invoices
        ("m2", 0.99, 0.93, 40),  # down 6 points
        ("m3", 1.00, 0.80, 8),  # down 20 points, but 8 invoices
    ]
    frame = pl.DataFrame(
        [
            {
                "merchant_id": m,
                "period": period,
                "entry_rate": rate,
                "invoices_issued": n if period == "2026-10" else 30,
                "merchant_name": f"商户{m}",
                "district": "朝阳区",
                "industry": "retail",
            }
            for m, sep, oct_, n in rows
            for period, rate in (("2026-09", sep), ("2026-10", oct_))
        ]
    )
    return MonthRows(("2026-10",), frame, None)


def _flagged(rows: MonthRows, changes: list[RuleChange]) -> list[str]:
    hits = alert_whatif.hits(rows, alert_whatif.edited(RULES, changes))
    return hits["merchant_id"].to_list()


def test_floor_and_change_decide_which_merchant_months_are_flagged() -> None:
    rows = _entry_rows()
    assert _flagged(rows, _only("entry_rate_drop")) == ["m1"]  # 10 points, 20 invoices
    assert _flagged(rows, _only("entry_rate_drop", floor=5.0)) == ["m1", "m3"]
    assert _flagged(rows, _only("entry_rate_drop", floor=30.0)) == []
    assert _flagged(rows, _only("entry_rate_drop", relative=0.05)) == ["m1", "m2"]
    assert _flagged(rows, _only("entry_rate_drop", relative=0.15)) == []
    assert _flagged(rows, _only("entry_rate_drop", level=0.85, relative=0.05)) == []
    assert _flagged(rows, _only("entry_rate_drop", level=0.90, relative=0.05)) == ["m1"]


def test_compare_and_differences_count_what_moves() -> None:
    rows = _entry_rows()
    now = alert_whatif.hits(rows, alert_whatif.edited(RULES, _only("entry_rate_drop")))
    tried = alert_whatif.hits(
        rows, alert_whatif.edited(RULES, _only("entry_rate_drop", relative=0.05, floor=30.0))
    )
    counts = alert_whatif.compare(now, tried, ["entry_rate_drop", "delay_spike"])
    assert counts.rows() == [("entry_rate_drop", 1, 1, 1, 1), ("delay_spike", 0, 0, 0, 0)]
    diff = alert_whatif.differences(now, tried)
    assert diff.select("change", "merchant_id").rows() == [("added", "m2"), ("dropped", "m1")]


def test_the_rules_in_force_find_what_the_analysis_found(
    snapshot: duckdb.DuckDBPyConnection,
) -> None:
    con = snapshot.cursor()
    rows = alert_whatif.month_rows(con, Filters("", ""), RULES.max_age_months)
    assert len(rows.window) == RULES.max_age_months + 1
    hits = alert_whatif.hits(rows, RULES)
    found = alert_hits.find_hits(con, RULES, list(rows.window), [])
    assert sorted(hits.select(alert_whatif.KEYS).rows()) == sorted(
        found.select(alert_whatif.KEYS).rows()
    )
    # every alert the analysis raised in the window is a condition the what-if finds
    raised = con.execute(
        "select rule, merchant_id, period from alerts where list_contains($m, period)",
        {"m": list(rows.window)},
    ).fetchall()
    assert raised
    assert set(raised) <= set(hits.select(alert_whatif.KEYS).rows())


def test_the_filters_scope_the_merchant_months(snapshot: duckdb.DuckDBPyConnection) -> None:
    con = snapshot.cursor()
    everything = alert_whatif.hits(
        alert_whatif.month_rows(con, Filters("", ""), RULES.max_age_months), RULES
    )
    district = everything["district"].drop_nulls().mode()[0]
    scoped = alert_whatif.hits(
        alert_whatif.month_rows(con, Filters("", "", districts=(district,)), RULES.max_age_months),
        RULES,
    )
    assert 0 < scoped.height < everything.height
    assert set(scoped["district"]) == {district}


def test_the_exported_file_reads_back_and_bad_values_are_refused() -> None:
    text = alert_whatif.rules_toml(RULES, "a test")
    assert text.startswith("# a test\n")
    assert parse_rules(text) == RULES
    assert alert_whatif.edited(RULES, [_change(r.id) for r in RULES.rules]) == RULES
    changed = alert_whatif.edited(RULES, [_change("delay_spike", level=None, floor=50.0)])
    spike = {r.id: r for r in changed.rules}["delay_spike"]
    assert (spike.level, spike.floor) == (None, 50.0)
    assert (
        dataclasses.replace(spike, level=BY_ID["delay_spike"].level, floor=20.0)
        == BY_ID["delay_spike"]
    )
    with pytest.raises(AlertRuleError, match="relative must be > 0"):
        alert_whatif.edited(RULES, [_change("complaint_spike", relative=0.0)])
    with pytest.raises(AlertRuleError, match="no \\[\\[rules\\]\\]"):
        alert_whatif.edited(RULES, [_change(r.id, enabled=False) for r in RULES.rules])
