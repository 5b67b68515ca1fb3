"""The panels of the Overview page: KPI cards against the previous month and the 16 districts."""

from __future__ import annotations

import polars as pl
import streamlit as st

from analytics import charts, formatting, metrics, periods, reference, risk_views, views
from analytics.views import Filters
from dashboard import cached, components
from dashboard.i18n import lang, metric_label, ref_labels, t

KPI_METRICS = ("entry_rate", "on_time_rate", "missing_count", "complaints")


def _value(frame: pl.DataFrame, name: str) -> float | None:
    return None if frame.is_empty() else frame[name][0]


def _alert_card(f: Filters) -> formatting.Kpi | None:
    """Open alerts in scope with the ones new this period; None before any alert exists."""
    alerts = cached.open_alerts(f)
    if alerts.is_empty():
        return None
    new = int(alerts["new_in_period"][0])
    return formatting.Kpi(
        "open_alerts", formatting.count(alerts["open_alerts"][0]), f"+{new}", "inverse"
    )


def kpi_panel(f: Filters, current: pl.DataFrame, previous: pl.DataFrame) -> None:
    """The KPI cards of the range's last month against the month before. A month still in
    progress at the as-of time (a live feed's current month) counts only part of itself: its
    counts get no change against a whole month, its rates keep theirs."""
    as_of = cached.as_of()
    partial = periods.in_progress(f.period_to, as_of)

    def card(m: str) -> formatting.Kpi:
        whole = not (partial and metrics.metric(m).format == "count")
        return formatting.kpi(m, _value(current, m), _value(previous, m) if whole else None, lang())

    cards = [(metric_label(m), card(m)) for m in KPI_METRICS]
    alert = _alert_card(f)
    none = formatting.Kpi("open_alerts", formatting.MISSING, None, "off")
    cards.append((t("overview.open_alerts"), alert or none))
    components.kpi_row(
        cards,
        help_text=lambda m: (
            t("overview.open_alerts.help") if m == "open_alerts" else components.metric_help(m)
        ),
    )
    if partial:
        until = formatting.minute(as_of)
        st.caption(t("overview.month_in_progress", period=f.period_to, as_of=until))
    else:
        st.caption(t("common.latest_month", period=f.period_to))
    if alert is None:
        st.caption(t("overview.open_alerts.none"))


def pending_line(f: Filters) -> None:
    """One line on the invoices pending entry in scope, when there are any, with a link to
    Entry monitoring's list: what officials can still act on before it turns late."""
    pending = cached.pending_by_merchant(f)
    if pending.is_empty():
        return
    first = pending.row(0, named=True)
    text = t(
        "overview.pending",
        n=formatting.count(first["pending_total"]),
        merchants=formatting.count(first["merchants_total"]),
        due=formatting.count(first["due_soon_total"]),
        not_reminded=formatting.count(first["not_reminded_total"]),
    )
    components.link_in_scope(components.ENTRY_PAGE, text, icon=":material/pending_actions:")


def risk_line(f: Filters) -> None:
    """One line on next month's entry-risk forecast in scope, with a link to its page: who to
    look at before the month starts. Nothing before the forecast exists."""
    evaluation = cached.risk_evaluation()
    summary = cached.risk_summary(f)
    if evaluation is None or not summary["merchants"]:
        return
    text = t(
        "overview.risk",
        period=evaluation["period"],
        expected=formatting.count(round(summary["expected_failures"])),
        merchants=formatting.count(summary["merchants"]),
        high=formatting.count(summary["at_risk"]),
        threshold=formatting.pct(risk_views.HIGH_RISK, 0),
    )
    components.link_in_scope(components.RISK_PAGE, text, icon=":material/online_prediction:")


def incidents_line(f: Filters) -> None:
    """One line on the delays at an invoicing software in the range, when there were any, with
    a link to Entry monitoring's list: late entries that are the vendor's doing, not the
    merchants'."""
    shown = views.incidents_in(cached.vendor_incidents(), f)
    if shown.is_empty():
        return
    latest = shown.row(-1, named=True)  # oldest first
    text = t(
        "overview.incidents",
        n=formatting.count(shown.height),
        failed=formatting.count(shown["failed"].sum()),
        vendor=ref_labels("vendors").get(latest["software_vendor"], latest["software_vendor"]),
        first=latest["first_day"],
        last=latest["last_day"],
    )
    components.link_in_scope(components.ENTRY_PAGE, text, icon=":material/dns:")


def district_tiles(f: Filters, choice: str) -> pl.DataFrame:
    """The 16 districts' tile map of one metric; returns the districts with their metrics."""
    by_district = cached.group_metrics(f, ("district",))
    tiles = reference.table("districts").join(
        by_district, left_on="name_zh", right_on="district", how="left"
    )
    name = "name_zh" if lang() == "zh" else "name_en"
    texts = [
        f"{d}<br>{formatting.metric_value(choice, v, lang())}"
        for d, v in zip(tiles[name], tiles[choice], strict=True)
    ]
    fig = charts.tile_map(
        tiles.with_columns(text=pl.Series(texts)),
        value=choice,
        text="text",
        higher_is_better=choice in ("entry_rate", "on_time_rate"),
        colorbar_title=metric_label(choice),
        percent=choice.endswith("rate"),
    )
    st.plotly_chart(fig, width="stretch")
    st.caption(t("overview.districts.caption"))
    return tiles.filter(pl.col("merchants").is_not_null()).with_columns(district=pl.col(name))
