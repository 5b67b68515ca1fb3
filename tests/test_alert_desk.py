"""analytics.alert_desk: the queue as pages read it, and actions written back and published."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
from factories import held_warehouse

from analytics import alert_desk, alerts, config, views
from analytics.views import Filters
from analytics.warehouse import WarehouseBusyError


def _alerts(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.sql(
        "select a.*, m.size_band from alerts a join merchants m using (merchant_id)"
    ).pl()


def test_queue_follows_attributes_status_rule_and_severity(
    snapshot: duckdb.DuckDBPyConnection,
) -> None:
    con = snapshot.cursor()
    months = views.available_months(con)
    everything = _alerts(con)
    assert everything.height > 0
    got = alert_desk.queue(con, Filters(months[0], months[-1]))
    assert sorted(got["alert_id"]) == sorted(everything["alert_id"])
    band = everything["size_band"].mode().sort()[0]
    rule = everything["rule"].mode().sort()[0]
    f = Filters("", "", size_bands=(band,))
    got = alert_desk.queue(con, f, ("new",), (rule,), ("high", "medium"))
    expected = everything.filter(
        (pl.col("size_band") == band)
        & (pl.col("status") == "new")
        & (pl.col("rule") == rule)
        & pl.col("severity").is_in(["high", "medium"])
    )
    assert sorted(got["alert_id"]) == sorted(expected["alert_id"])
    severities = got["severity"].to_list()  # the most severe first
    assert severities == sorted(severities, key=alert_desk.SEVERITY_ORDER.__getitem__)


def test_rules_have_names_in_both_languages() -> None:
    rules = alert_desk.rules()
    assert "entry_rate_drop" in rules
    assert all(r.name_zh and r.name_en for r in rules.values())


@pytest.fixture
def copy(warehouse_copy: Path) -> Path:
    return warehouse_copy


def _status(path: Path, alert_id: int) -> tuple[str, list[str]]:
    con = duckdb.connect(str(path), read_only=True)
    try:  # each result read before the next statement: execute() returns the connection
        status = con.execute(
            "select status from alerts where alert_id = $id", {"id": alert_id}
        ).fetchall()
        actions = con.execute(
            "select action from alert_events where alert_id = $id order by event_id",
            {"id": alert_id},
        ).fetchall()
        return str(status[0][0]), [str(r[0]) for r in actions]
    finally:
        con.close()


def _first_new(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return int(
            con.execute("select min(alert_id) from alerts where status = 'new'").fetchall()[0][0]
        )
    finally:
        con.close()


def test_act_writes_the_warehouse_and_publishes(copy: Path) -> None:
    alert_id = _first_new(copy)
    serving = config.settings(copy).serving_path
    row = alert_desk.act(alert_id, "acknowledge", by="王科员", note="已联系", db=copy)
    assert (row["status"], row["acknowledged_by"]) == ("acknowledged", "王科员")
    assert _status(copy, alert_id) == ("acknowledged", ["created", "acknowledged"])
    assert _status(serving, alert_id) == ("acknowledged", ["created", "acknowledged"])
    with pytest.raises(alerts.AlertError, match="note"):
        alert_desk.act(alert_id, "resolve", by="王科员", note="  ", db=copy)
    with pytest.raises(alerts.AlertTransitionError):
        alert_desk.act(alert_id, "acknowledge", by="王科员", db=copy)
    alert_desk.act(alert_id, "resolve", by="李科长", note="商户已补传", db=copy)
    assert _status(serving, alert_id) == ("resolved", ["created", "acknowledged", "resolved"])


def test_a_busy_warehouse_is_refused_and_nothing_is_written(copy: Path) -> None:
    alert_id = _first_new(copy)
    with held_warehouse(copy), pytest.raises(WarehouseBusyError):
        alert_desk.act(alert_id, "acknowledge", by="王科员", db=copy, timeout_s=0.3)
    assert _status(copy, alert_id) == ("new", ["created"])
