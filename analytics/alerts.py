"""Alerts (预警): rule conditions turned into state with a lifecycle new → acknowledged → resolved.

Alerts are **state, not derived data**. ``analyse`` (stage ``alerts``, the last one) evaluates
the rules of ``data/reference/alert_rules.toml`` (:mod:`analytics.alert_rules`) on the months it
recomputed and the months right after them (their "previous month" changed), within
``max_age_months`` of the as-of month, and then, per rule and merchant:

* a condition in a month that an existing alert already spans (``period`` .. ``last_seen_period``,
  any status) is known and changes nothing: re-running ``analyse``, full or not, never
  duplicates an alert or reopens a resolved one;
* otherwise, with an open alert (new or acknowledged) it extends that alert's span and
  refreshes its value and message (no duplicate while a condition is still open);
* otherwise it opens a new alert: after a resolution, a condition that recurs in a later
  month is a new alert.

No analysis run drops, recreates or resets ``alerts`` / ``alert_events`` (DDL in
``sql/schema/alerts.sql``, ``create ... if not exists``). People move alerts on with
:func:`acknowledge` and :func:`resolve` (the dashboard, through a short-lived writable
connection); every change is a row of ``alert_events``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import duckdb
import polars as pl

from analytics import sqlrun
from analytics.alert_hits import evaluation_months, find_hits
from analytics.alert_rules import AlertRules, load_rules
from analytics.clock import beijing_now
from analytics.context import Context
from analytics.warehouse import sql_text, table_exists

TABLE = "alerts"
EVENTS = "alert_events"
STATUSES = ("new", "acknowledged", "resolved")
OPEN_STATUSES = ("new", "acknowledged")


class AlertError(ValueError):
    """An alert action that cannot be done; the message says why."""


class AlertNotFoundError(AlertError):
    pass


class AlertTransitionError(AlertError):
    pass


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the alert tables if missing; never touches existing rows."""
    con.execute(sql_text("schema/alerts.sql")).fetchall()


def merge_hits(
    con: duckdb.DuckDBPyConnection, hits: pl.DataFrame, now: datetime
) -> tuple[int, int]:
    """Apply hits to the alerts (module docstring); returns (created, extended)."""
    ensure_tables(con)
    con.register("fw_alert_hits", hits)
    try:
        sqlrun.materialise_temp(con, "work_alert_hits", "select * from fw_alert_hits", {})
    finally:
        con.unregister("fw_alert_hits")
    sqlrun.materialise_temp(
        con,
        "work_alert_plan",
        "select *, case when open_alert_id is null then nextval('alert_id_seq') end "
        f"as new_alert_id from ({sqlrun.body('marts/alert_merge_plan.sql')})",
        {},
    )
    params = {"now": now}
    latest = "p.period >= a.last_seen_period"
    refreshed = ", ".join(
        f"{c} = case when {latest} then p.{c} else a.{c} end"
        for c in ("value", "previous_value", "threshold", "floor_value", "message_zh", "message_en")
    )
    sqlrun.execute(
        con,
        f"update alerts as a set {refreshed}, "
        "period = least(a.period, p.first_period), "
        "last_seen_period = greatest(a.last_seen_period, p.period), "
        "merchant_name = coalesce(p.merchant_name, a.merchant_name), "
        "district = coalesce(p.district, a.district), industry = coalesce(p.industry, a.industry), "
        "updated_at = $now "
        "from work_alert_plan p where a.alert_id = p.open_alert_id",
        params,
    )
    sqlrun.execute(
        con,
        "insert into alerts by name select new_alert_id as alert_id, rule, merchant_id, "
        "first_period as period, period as last_seen_period, severity, metric, value, "
        "previous_value, threshold, floor_value, message_zh, message_en, merchant_name, "
        "district, industry, 'new' as status, $now as created_at, $now as updated_at "
        "from work_alert_plan where open_alert_id is null",
        params,
    )
    sqlrun.execute(
        con,
        "insert into alert_events (alert_id, event_at, event_by, action, note) "
        "select coalesce(open_alert_id, new_alert_id), $now, 'system', "
        "case when open_alert_id is null then 'created' else 'seen_again' end, "
        "format('{} {} = {} (previous {}, threshold {})', period, metric, round(value, 4), "
        "round(previous_value, 4), round(threshold, 4)) from work_alert_plan",
        params,
    )
    rows = con.execute(
        "select count(*) filter (where open_alert_id is null), "
        "count(*) filter (where open_alert_id is not null) from work_alert_plan"
    ).fetchall()
    return int(rows[0][0]), int(rows[0][1])


def alerts_stage(
    con: duckdb.DuckDBPyConnection,
    ctx: Context,
    rules: AlertRules | None = None,
    now: datetime | None = None,
) -> None:
    """Stage ``alerts`` (last): new alerts and extended open ones; never resets the tables."""
    ensure_tables(con)
    rules = rules or load_rules()
    months = evaluation_months(con, ctx, rules.max_age_months)
    if not months:
        ctx.notes.append(
            f"alerts: no recomputed month within {rules.max_age_months} months of the as-of time"
        )
        return
    hits = find_hits(con, rules, months, ctx.notes)
    created, extended = merge_hits(con, hits, now or beijing_now())
    ctx.written[TABLE] = created + extended
    ctx.notes.append(
        f"alerts: {hits.height} condition(s) in {months[0]}..{months[-1]}: "
        f"{created} new alert(s), {extended} open alert(s) seen again"
    )


# -- lifecycle ------------------------------------------------------------------------------------


def _required(value: str | None, what: str) -> str:
    if value is None or not value.strip():
        raise AlertError(f"{what} is required")
    return value.strip()


def _statuses(con: duckdb.DuckDBPyConnection, alert_ids: Sequence[int]) -> dict[int, str]:
    if not table_exists(con, TABLE):
        raise AlertNotFoundError("there are no alerts yet: run `fapiao-watch analyse`")
    rows = con.execute(
        "select alert_id, status from alerts where list_contains($ids, alert_id)",
        {"ids": [int(i) for i in alert_ids]},
    ).fetchall()
    found = {int(r[0]): str(r[1]) for r in rows}
    missing = [i for i in alert_ids if i not in found]
    if missing:
        raise AlertNotFoundError(
            f"{_named(missing)} {'does' if len(missing) == 1 else 'do'} not exist"
        )
    return found


def _named(alert_ids: Sequence[int]) -> str:
    return ("alert " if len(alert_ids) == 1 else "alerts ") + ", ".join(map(str, alert_ids))


def _transition(
    con: duckdb.DuckDBPyConnection,
    alert_ids: Sequence[int],
    *,
    action: str,
    allowed_from: tuple[str, ...],
    assignments: str,
    by: str,
    note: str | None,
    at: datetime | None,
) -> list[dict[str, Any]]:
    """Move the alerts on and log an event for each, atomically: all of them or none (an
    official handling the alerts of one vendor outage acts on them together). ``con`` must not
    be inside an open transaction (DuckDB has no nested transactions): the dashboard's
    short-lived writable connection is not."""
    ids = list(dict.fromkeys(int(i) for i in alert_ids))
    if not ids:
        raise AlertError("no alert chosen")
    status = _statuses(con, ids)
    stuck = [i for i in ids if status[i] not in allowed_from]
    if stuck:
        states = sorted({status[i] for i in stuck})
        raise AlertTransitionError(
            f"{_named(stuck)} {'is' if len(stuck) == 1 else 'are'} {' or '.join(states)}: "
            f"only a {' or '.join(allowed_from)} alert can be {action}"
        )
    params = {"ids": ids, "by": by, "note": note, "at": at or beijing_now()}
    con.begin()
    try:
        changed = con.execute(
            f"update alerts set {assignments}, note = coalesce($note, note), updated_at = $at "
            "where list_contains($ids, alert_id) and list_contains($allowed, status) "
            "returning alert_id",
            params | {"allowed": list(allowed_from)},
        ).fetchall()
        if len(changed) != len(ids):  # another session moved one on between read and write
            moved = sorted(set(ids) - {int(r[0]) for r in changed})
            raise AlertTransitionError(f"{_named(moved)} changed meanwhile; reload and retry")
        con.execute(
            "insert into alert_events (alert_id, event_at, event_by, action, note) "
            "select unnest($ids), $at, $by, $action, $note",
            params | {"action": action},
        ).fetchall()
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return _alerts(con, ids)


def acknowledge(
    con: duckdb.DuckDBPyConnection,
    alert_id: int,
    *,
    by: str,
    note: str | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """new → acknowledged (someone is looking into it). Returns the alert as a dict."""
    return acknowledge_all(con, [alert_id], by=by, note=note, at=at)[0]


def acknowledge_all(
    con: duckdb.DuckDBPyConnection,
    alert_ids: Sequence[int],
    *,
    by: str,
    note: str | None = None,
    at: datetime | None = None,
) -> list[dict[str, Any]]:
    """Acknowledge several new alerts together (all or none); returns them as dicts."""
    who = _required(by, "who acknowledges (by)")
    return _transition(
        con,
        alert_ids,
        action="acknowledged",
        allowed_from=("new",),
        assignments="status = 'acknowledged', acknowledged_by = $by, acknowledged_at = $at",
        by=who,
        note=note.strip() if note and note.strip() else None,
        at=at,
    )


def resolve(
    con: duckdb.DuckDBPyConnection,
    alert_id: int,
    *,
    by: str,
    note: str,
    at: datetime | None = None,
) -> dict[str, Any]:
    """new / acknowledged → resolved; a note saying what was done is required."""
    return resolve_all(con, [alert_id], by=by, note=note, at=at)[0]


def resolve_all(
    con: duckdb.DuckDBPyConnection,
    alert_ids: Sequence[int],
    *,
    by: str,
    note: str,
    at: datetime | None = None,
) -> list[dict[str, Any]]:
    """Resolve several open alerts together (all or none), with one note for all of them."""
    who = _required(by, "who resolves (by)")
    text = _required(note, "a note saying how the alert was resolved")
    return _transition(
        con,
        alert_ids,
        action="resolved",
        allowed_from=OPEN_STATUSES,
        assignments="status = 'resolved', resolved_by = $by, resolved_at = $at",
        by=who,
        note=text,
        at=at,
    )


def alert(con: duckdb.DuckDBPyConnection, alert_id: int) -> dict[str, Any]:
    """One alert as a dict."""
    found = _alerts(con, [alert_id])
    if not found:
        raise AlertNotFoundError(f"alert {alert_id} does not exist")
    return found[0]


def _alerts(con: duckdb.DuckDBPyConnection, alert_ids: Sequence[int]) -> list[dict[str, Any]]:
    """The alerts as dicts, in the order asked (one query, however many)."""
    frame = con.sql(
        "select * from alerts where list_contains($ids, alert_id)",
        params={"ids": [int(i) for i in alert_ids]},
    ).pl()
    by_id = {int(r["alert_id"]): r for r in frame.iter_rows(named=True)}
    return [by_id[int(i)] for i in alert_ids if int(i) in by_id]


def history(con: duckdb.DuckDBPyConnection, alert_id: int) -> pl.DataFrame:
    """The alert's events, oldest first."""
    frame: pl.DataFrame = con.sql(
        "select * from alert_events where alert_id = $id order by event_id",
        params={"id": int(alert_id)},
    ).pl()
    return frame
