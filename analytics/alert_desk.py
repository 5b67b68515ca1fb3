"""The alert desk: the queue as the dashboard reads it, and people's actions written back.

Reading (:func:`queue`, :func:`events`) works on the serving snapshot like the other views.
Writing (:func:`act`; :func:`act_all` for several alerts at once) follows
:mod:`analytics.uploads`: the dashboard holds no writable connection of its own, so an action
opens the warehouse for the length of one transition (waiting a short while if
``ingest``/``analyse`` hold it, then raising :class:`~analytics.warehouse.WarehouseBusyError`),
moves the alerts on with :func:`analytics.alerts.acknowledge_all` /
:func:`~analytics.alerts.resolve_all` (which check the transition, all alerts or none, and log
an ``alert_events`` row each with who and when), and publishes a new serving
snapshot, which the pages pick up on their next rerun.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from typing import Any, Final, Literal

import duckdb
import polars as pl

from analytics import alerts, delay_views, feeds
from analytics.alert_rules import AlertRule, load_rules
from analytics.views import Filters, run
from analytics.warehouse import table_exists

Action = Literal["acknowledge", "resolve"]
ACTIONS: Final = ("acknowledge", "resolve")
SEVERITY_ORDER: Final = {"high": 0, "medium": 1, "low": 2}
STATUS_ORDER: Final = {s: i for i, s in enumerate(alerts.STATUSES)}


def rules() -> dict[str, AlertRule]:
    """The alert rules of ``data/reference/alert_rules.toml`` by id (names in both languages)."""
    return {r.id: r for r in load_rules().rules}


def queue(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    statuses: tuple[str, ...] = (),
    rule_ids: tuple[str, ...] = (),
    severities: tuple[str, ...] = (),
    *,
    incidents: pl.DataFrame | None = None,
    gaps: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Alerts of the merchants ``f`` selects (its attributes, not its months), narrowed by
    status, rule and severity (empty = all): open before resolved, the most severe and the
    most recently seen first. Empty while the snapshot has no alerts table.

    Each alert also has ``incident_vendor, incident_spans, incident_failed``: the merchant's
    invoices late or missing in its months that were issued during a delay at its own
    invoicing software (``incidents``, :func:`analytics.delay_views.vendor_incidents`, read
    here when not given; ``incident_spans`` lists each such delay's first and last day), and
    ``months_failed``, all of them in those months; null when none was. And ``feed_gaps``:
    the feed gaps that touch its months (:func:`analytics.feeds.for_alerts`; ``gaps``, read
    here when not given), null when none does."""
    if not table_exists(con, alerts.TABLE):
        return pl.DataFrame()
    params = f.params() | {
        "statuses": list(statuses),
        "rules": list(rule_ids),
        "severities": list(severities),
    }
    frame = run(con, "alert_queue", params)
    if incidents is None:
        incidents = delay_views.vendor_incidents(con)
    frame = frame.join(_in_incidents(con, frame, incidents), on="alert_id", how="left")
    if gaps is None:
        gaps = feeds.feed_gaps(con)
    vendors = pl.DataFrame(schema={"merchant_id": pl.String, "software_vendor": pl.String})
    if not gaps.is_empty():  # rare: only then are the merchants' software read
        vendors = run(con, "merchant_vendors", {"merchant_ids": frame["merchant_id"].to_list()})
    frame = frame.join(feeds.for_alerts(frame, gaps, vendors), on="alert_id", how="left")
    return frame.sort(
        [
            pl.col("status").replace_strict(STATUS_ORDER, default=9),
            pl.col("severity").replace_strict(SEVERITY_ORDER, default=9),
            "last_seen_period",
            "alert_id",
        ],
        descending=[False, False, True, True],
    )


INCIDENT_SCHEMA: Final = pl.Schema(
    {
        "alert_id": pl.Int64(),
        "incident_vendor": pl.String(),
        "incident_spans": pl.List(pl.Struct({"first": pl.Date(), "last": pl.Date()})),
        "incident_failed": pl.Int64(),
        "months_failed": pl.Int64(),
    }
)


def _in_incidents(
    con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, incidents: pl.DataFrame
) -> pl.DataFrame:
    """:data:`INCIDENT_SCHEMA` rows for the alerts of ``frame`` that had failures in a vendor
    incident. Only alerts whose months meet an incident's are asked about: incidents are rare,
    so on most days no query runs (one over the daily rows cost ~11 ms per rerun at 10M)."""
    if frame.is_empty() or incidents.is_empty():
        return pl.DataFrame(schema=INCIDENT_SCHEMA)
    first, last = incidents["first_day"].min(), incidents["last_day"].max()
    assert isinstance(first, date)
    assert isinstance(last, date)
    meets = frame.filter(
        pl.col("last_seen_period") >= f"{first:%Y-%m}", pl.col("period") <= f"{last:%Y-%m}"
    )
    if meets.is_empty():
        return pl.DataFrame(schema=INCIDENT_SCHEMA)
    params = {
        "alert_ids": meets["alert_id"].to_list(),
        "merchant_ids": meets["merchant_id"].to_list(),
        "firsts": meets["period"].to_list(),
        "lasts": meets["last_seen_period"].to_list(),
        "incident_vendors": incidents["software_vendor"].to_list(),
        "incident_firsts": incidents["first_day"].to_list(),
        "incident_lasts": incidents["last_day"].to_list(),
    }
    return run(con, "alert_incidents", params).cast(INCIDENT_SCHEMA).select(INCIDENT_SCHEMA.names())


def events(con: duckdb.DuckDBPyConnection, alert_id: int) -> pl.DataFrame:
    """The alert's history (``alert_events``), oldest first; empty without the table."""
    if not table_exists(con, alerts.EVENTS):
        return pl.DataFrame()
    return alerts.history(con, alert_id)


def act(
    alert_id: int,
    action: Action,
    *,
    by: str,
    note: str | None = None,
    db: str | os.PathLike[str] | None = None,
    timeout_s: float = 5.0,
) -> dict[str, Any]:
    """Acknowledge or resolve one alert (:func:`act_all`); returns the alert as written."""
    return act_all([alert_id], action, by=by, note=note, db=db, timeout_s=timeout_s)[0]


def act_all(
    alert_ids: Sequence[int],
    action: Action,
    *,
    by: str,
    note: str | None = None,
    db: str | os.PathLike[str] | None = None,
    timeout_s: float = 5.0,
) -> list[dict[str, Any]]:
    """Acknowledge or resolve alerts in the warehouse, all of them or none, and publish the
    serving snapshot once.

    ``by`` (who) is required, and so is ``note`` for a resolution. Raises
    :class:`~analytics.alerts.AlertError` for an action that cannot be done (unknown alert,
    wrong status, missing who or note: nothing is written then) and ``WarehouseBusyError``
    when the warehouse stays locked for ``timeout_s`` seconds. Returns the alerts as written.
    """
    from analytics.config import settings
    from analytics.warehouse import connect, publish

    if action not in ACTIONS:
        raise alerts.AlertError(f"unknown action {action!r}; use one of {', '.join(ACTIONS)}")
    con = connect(db, timeout_s=timeout_s, create=False)
    try:
        if action == "acknowledge":
            rows = alerts.acknowledge_all(con, alert_ids, by=by, note=note)
        else:
            rows = alerts.resolve_all(con, alert_ids, by=by, note=note or "")
        publish(con, settings(db).serving_path)
    finally:
        con.close()
    return rows
