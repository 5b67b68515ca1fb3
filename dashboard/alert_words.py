"""The alert queue in words: each alert's labels, values in their metric's format, message
in the UI language, its failures in a vendor incident and the feed gaps in its months, for the
Alerts page's panels (:mod:`dashboard.alert_panels`, :mod:`dashboard.alert_bulk`)."""

from __future__ import annotations

from typing import Any

import polars as pl

from analytics import formatting, metrics
from dashboard import cached
from dashboard.i18n import label_codes, lang, listing, metric_label, ref_labels, t

SEVERITIES = ("high", "medium", "low")


def _value(metric: str, value: float | None) -> str:
    flags = (t("alerts.flag.yes"), t("alerts.flag.no"))
    return formatting.alert_value(metric, value, lang(), flags)


def _metric(metric: str) -> str:
    if metric in metrics.names():
        return metric_label(metric)
    return t("alerts.metric.is_anomaly") if metric == "is_anomaly" else metric


_INCIDENT_FIELDS = ("incident_vendor", "incident_spans", "incident_failed", "months_failed")


def incident_words(a: dict[str, Any], key: str) -> str | None:
    """The alert's failures in a delay at its merchant's software, in words (None: none); each
    delay's days, when its months had more than one."""
    if a["incident_failed"] is None:
        return None
    days = listing(
        (t("alerts.incident.span", first=s["first"], last=s["last"]) for s in a["incident_spans"]),
        "; ",
    )
    return t(
        key,
        vendor=ref_labels("vendors").get(a["incident_vendor"], a["incident_vendor"]),
        days=days,
        failed=formatting.count(a["incident_failed"]),
        total=formatting.count(a["months_failed"]),
    )


def feed_gap_words(a: dict[str, Any]) -> str | None:
    """The feed gaps in the alert's months, each as its feed and days (None: none)."""
    if not a.get("feed_gaps"):
        return None
    names = ref_labels("vendors")
    words = (
        t(
            f"alerts.feed_gap.{g['feed']}",
            vendor=names.get(g["software_vendor"], g["software_vendor"]),
            first=g["first_day"],
            last=g["last_day"],
        )
        for g in a["feed_gaps"]
    )
    return listing(words, "; ")


def display(rows: pl.DataFrame) -> pl.DataFrame:
    """The queue in words: labels, values in their metric's format, message in the UI language,
    and ``pick_label`` naming each alert in a choice box. Built once per rerun by the page and
    handed to every panel (a Python pass over each row)."""
    if rows.is_empty():
        return rows
    rules = cached.alert_rule_names(lang())
    text = [
        {
            "value_text": _value(r["metric"], r["value"]),
            "previous_text": _value(r["metric"], r["previous_value"]),
            "threshold_text": formatting.MISSING
            if r["threshold"] is None
            else _value(r["metric"], r["threshold"]),
            "metric_label": _metric(r["metric"]),
        }
        for r in rows.select("metric", "value", "previous_value", "threshold").iter_rows(named=True)
    ]
    incident = [
        incident_words(r, "alerts.incident.cell")
        for r in rows.select(*_INCIDENT_FIELDS).iter_rows(named=True)
    ]
    gaps = [feed_gap_words(r) for r in rows.select("feed_gaps").iter_rows(named=True)]
    out = pl.concat(
        [
            rows,
            pl.DataFrame(text, schema=dict.fromkeys(text[0], pl.String)),
            pl.DataFrame(
                {"incident_text": incident, "feed_gap_text": gaps},
                schema={"incident_text": pl.String, "feed_gap_text": pl.String},
            ),
        ],
        how="horizontal",
    )
    out = out.with_columns(
        message=pl.col("message_zh" if lang() == "zh" else "message_en"),
        rule_name=pl.col("rule").replace_strict(rules, default=pl.col("rule")),
        status_label=pl.col("status").replace_strict(
            {s: t(f"alert_status.{s}") for s in ("new", "acknowledged", "resolved")},
            default=pl.col("status"),
        ),
        severity_label=pl.col("severity").replace_strict(
            {s: t(f"severity.{s}") for s in SEVERITIES}, default=pl.col("severity")
        ),
    )
    out = out.with_columns(
        pick_label=pl.format(
            "#{} · {} · {} · {}",
            "alert_id",
            "rule_name",
            pl.col("merchant_name").fill_null(""),
            "status_label",
        )
    )
    return label_codes(out, "district", ref_labels("districts"))


def pick_labels(shown: pl.DataFrame) -> dict[int, str]:
    """alert id -> its name in a choice box, for a frame of :func:`display`."""
    return dict(zip(shown["alert_id"].to_list(), shown["pick_label"].to_list(), strict=True))
