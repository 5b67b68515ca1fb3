"""The panels of the Entry monitoring page: heat map, delay distributions, vendors, delays at
the invoicing software, taxpayer type, merchants below a threshold, invoices pending entry.
Each panel takes the filters and draws itself."""

from __future__ import annotations

import polars as pl
import streamlit as st

from analytics import chart_style, charts, exports, formatting, report_sheets, views
from analytics.incident_rule import load_rule
from analytics.views import Filters
from dashboard import cached, components, reminder_panel, urlstate
from dashboard.components import Col, metric_col
from dashboard.i18n import label_codes, label_refs, lang, metric_label, ref_labels, t

MIN_DUE = 20
# on time, the late buckets from least to most late, missing
BUCKET_COLOURS = ["#2e7d32", "#fff176", "#fdd835", "#f9a825", "#ef6c00", "#bf360c", "#c62828"]
PROBLEMS = ("late_rate", "missing_rate", "mismatch_rate", "not_invoiced_rate")


def heatmap_panel(cells: pl.DataFrame, metric: str) -> None:
    st.subheader(t("entry_monitoring.heatmap"))
    cells = label_refs(cells, district="districts", industry="industries")
    heat = charts.heatmap(cells, x="industry", y="district", z=metric, z_title=metric_label(metric))
    st.plotly_chart(heat, width="stretch")
    st.caption(t("entry_monitoring.heatmap.caption"))


def _buckets(frame: pl.DataFrame, n: int) -> pl.DataFrame:
    """Bucket numbers as their range ('2–3') and class (on time / late / missing)."""
    names = {**views.bucket_ranges(n), views.MISSING_BUCKET: t("bucket.missing")}
    kinds = {0: t("bucket.on_time", n=n), views.MISSING_BUCKET: t("bucket.missing")}
    return frame.with_columns(
        label=pl.col("bucket").replace_strict(names, return_dtype=pl.String),
        kind=pl.col("bucket").replace_strict(kinds, default=t("bucket.late")),
    )


def delays_panel(by_vendor: pl.DataFrame, n: int) -> None:
    """Overall delay histogram and the late shares per vendor (``by_vendor``: the selection's
    delay_distribution by software vendor), side by side."""
    per_vendor = _buckets(by_vendor, n)
    overall = (  # the vendors' sum: no second query
        per_vendor.group_by("bucket", "label", "kind")
        .agg(pl.col("invoices").sum())
        .sort(pl.when(pl.col("bucket") == views.MISSING_BUCKET).then(99).otherwise("bucket"))
    )
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('entry_monitoring.delays')}**")
        colours = {
            t("bucket.on_time", n=n): chart_style.ON_TIME,
            t("bucket.late"): chart_style.LATE,
            t("bucket.missing"): chart_style.MISSING,
        }
        fig = charts.delay_histogram(
            overall,
            x="label",
            y="invoices",
            kind="kind",
            colors=colours,
            x_title=t("entry_monitoring.bucket"),
            y_title=t("common.invoices"),
        )
        st.plotly_chart(fig, width="stretch")
        st.caption(t("entry_monitoring.delays.caption"))
    with right:
        st.markdown(f"**{t('entry_monitoring.vendors')}**")
        late = label_codes(per_vendor, "software_vendor", ref_labels("vendors")).filter(
            pl.col("bucket") != 0
        )
        fig = charts.stacked_shares(
            late,
            y="software_vendor",
            x="share",
            color="label",
            order=overall.filter(pl.col("bucket") != 0)["label"].to_list(),
            colors=BUCKET_COLOURS[1:],
            x_title=t("entry_monitoring.vendors.share"),
        )
        st.plotly_chart(fig, width="stretch")
        st.caption(t("entry_monitoring.vendors.caption"))


def vendor_table(vendors: pl.DataFrame, p95: pl.DataFrame, n: int) -> None:
    """``vendors``: the selection's metrics by software vendor (group_metrics); ``p95``: its
    delay_quantile by software vendor."""
    p95 = p95.select(
        "software_vendor",
        p95=pl.when("exact")
        .then(pl.col("delay_quantile").round(1).cast(pl.String))
        .otherwise(pl.lit(f"≤{n}")),
    )
    rows = vendors.join(p95, on="software_vendor", how="left")
    rows = label_codes(rows, "software_vendor", ref_labels("vendors"))
    cols = [
        Col("software_vendor", t("entry_monitoring.vendor")),
        *(metric_col(m) for m in ("merchants", "invoices_due", "on_time_rate", "late_rate")),
        metric_col("missing_rate"),
        Col("p95", t("entry_monitoring.p95")),
    ]
    components.table(rows, cols, key="em_vendors", stem="vendors")
    st.caption(t("entry_monitoring.p95.caption", n=n))


def entity_panel(entities: pl.DataFrame) -> None:
    """Individual businesses (个体工商户) against enterprises (``entities``: the selection's
    metrics by is_individual)."""
    st.subheader(t("entry_monitoring.entity"))
    names = {True: t("entity.individual"), False: t("entity.enterprise")}
    entity = entities.with_columns(
        entity=pl.col("is_individual").replace_strict(names, return_dtype=pl.String)
    )
    long = entity.unpivot(index="entity", on=list(PROBLEMS), variable_name="metric")
    long = long.with_columns(
        metric=pl.col("metric").replace_strict({m: metric_label(m) for m in PROBLEMS})
    )
    left, right = st.columns([2, 3])
    with left:
        fig = charts.bars(long, x="metric", y="value", color="entity", percent=True)
        st.plotly_chart(fig, width="stretch")
    with right:
        shown = ("merchants", "invoices_due", "entry_rate", "on_time_rate", *PROBLEMS)
        cols = [Col("entity", t("entry_monitoring.entity_type")), *map(metric_col, shown)]
        components.table(entity, cols, key="em_entity", stem="entity_types")


def incidents_panel(incidents: pl.DataFrame, f: Filters) -> None:
    """Vendor incidents (开票软件系统性延迟) in the filters' months and vendors: late entries
    that the software, not the merchants, most likely caused."""
    st.subheader(t("entry_monitoring.incidents"))
    rule = load_rule()
    st.caption(
        t(
            "entry_monitoring.incidents.caption",
            factor=f"{rule.factor:g}",
            floor=formatting.pct(rule.floor, 0),
            min_invoices=rule.min_invoices,
        )
    )
    shown = views.incidents_in(incidents, f)
    if shown.is_empty():
        st.caption(t("entry_monitoring.incidents.none"))
        return
    cols = [
        Col("software_vendor", t("entry_monitoring.vendor")),
        Col("first_day", t("entry_monitoring.incidents.first"), "date"),
        Col("last_day", t("entry_monitoring.incidents.last"), "date"),
        Col("invoices", t("entry_monitoring.incidents.invoices"), "count"),
        Col("failed", t("entry_monitoring.incidents.failed"), "count"),
        Col("share", t("entry_monitoring.incidents.share"), "pct"),
        Col("usual_share", t("entry_monitoring.incidents.usual"), "pct"),
        Col("merchants", t("entry_monitoring.incidents.merchants"), "count"),
    ]
    rows = label_codes(shown, "software_vendor", ref_labels("vendors"))
    components.table(rows, cols, key="em_incidents", stem="vendor_incidents")


def below_panel(f: Filters, metric: str) -> None:
    """Merchants below a threshold of ``metric`` (slider kept in the URL), worst first."""
    st.subheader(t("entry_monitoring.below"))
    threshold = urlstate.widget(
        "em_threshold",
        0.95,
        lambda start: st.slider(
            t("entry_monitoring.threshold"),
            0.5,
            1.0,
            value=start,
            step=0.01,
            format="percent",  # 0.95 shows as 95%, as the caption under it says
            key="em_threshold",
        ),
    )
    below = cached.merchants_below(f, metric, float(threshold), MIN_DUE)
    total = int(below["below_total"][0]) if below.height else 0
    st.caption(
        t(
            "entry_monitoring.below.caption",
            min_due=MIN_DUE,
            metric=metric_label(metric),
            threshold=formatting.pct(threshold, 0),
            n=formatting.count(total),
        )
        + (
            t("entry_monitoring.below.capped", n=formatting.count(below.height))
            if total > below.height
            else ""
        )
    )
    if below.is_empty():
        st.info(t("entry_monitoring.none_below"))
        return
    below = label_refs(
        below, district="districts", industry="industries", software_vendor="vendors"
    )
    cols = [
        Col("merchant_name", t("common.merchant")),
        Col("merchant_id", t("common.merchant_id")),
        Col("district", t("common.district")),
        Col("industry", t("common.industry")),
        Col("software_vendor", t("filters.vendor")),
        *map(metric_col, ("invoices_due", metric, "late_count", "missing_count")),
    ]
    components.merchant_table(below, cols, key="em_below", stem="merchants_below")
    components.self_check_list_button(
        below["merchant_id"].to_list(), f.period_to, key="em_self_check"
    )


def pending_panel(f: Filters) -> None:
    """Invoices not yet entered whose deadline is still ahead, by merchant, nearest deadline
    first: whom to remind before the invoices turn late. The month range does not apply."""
    st.subheader(t("entry_monitoring.pending"))
    when = cached.as_of()
    as_of = formatting.minute(when)
    pending = cached.pending_by_merchant(f)
    if pending.is_empty():  # the usual state of a monthly close: a quiet line, not a box
        st.caption(t("entry_monitoring.pending.none", as_of=as_of))
        reminder_panel.outcomes_line(f)
        return
    first = pending.row(0, named=True)
    cards = [
        ("entry_monitoring.pending.invoices", formatting.count(first["pending_total"])),
        ("entry_monitoring.pending.merchants", formatting.count(first["merchants_total"])),
        ("entry_monitoring.pending.due_soon", formatting.count(first["due_soon_total"])),
        ("entry_monitoring.pending.amount", formatting.yuan(first["amount_total"], lang())),
    ]
    components.kpi_row([(t(k), formatting.Kpi(k, v, None, "off")) for k, v in cards])
    capped = first["merchants_total"] > pending.height
    shown = formatting.count(pending.height)
    st.caption(
        t("entry_monitoring.pending.caption", as_of=as_of, n=cached.deadline())
        + (t("entry_monitoring.pending.capped", n=shown) if capped else "")
    )
    pending = label_refs(pending, district="districts", software_vendor="vendors")
    cols = [
        Col("merchant_name", t("common.merchant")),
        Col("merchant_id", t("common.merchant_id")),
        Col("pending", t("entry_monitoring.pending.count"), "count"),
        Col("due_soon", t("entry_monitoring.pending.due_soon_col"), "count"),
        Col("workdays_left", t("entry_monitoring.pending.left"), "days"),
        Col("not_reminded", t("reminders.not_reminded"), "count"),
        Col("last_reminded_at", t("reminders.last"), "datetime"),
        Col("last_reminded_by", t("reminders.who")),
        Col("deadline_at", t("entry_monitoring.pending.deadline"), "datetime"),
        Col("district", t("common.district")),
        Col("software_vendor", t("filters.vendor")),
        Col("first_issued", t("entry_monitoring.pending.first_issued"), "datetime"),
        Col("amount", t("entry_monitoring.pending.sum"), "yuan"),
    ]
    components.merchant_table(pending, cols, key="em_pending", stem="pending_entries")
    day = f"{when:%Y-%m-%d}" if when else "now"
    st.download_button(  # built on click only: the invoices, not the merchants above
        t("entry_monitoring.pending.reminders"),
        data=lambda: exports.to_xlsx_bytes(
            {report_sheets.PENDING_SHEET: report_sheets.pending_sheet(cached.pending_invoices(f))}
        ),
        file_name=f"pending-entry-{day}.xlsx",
        mime=components.XLSX_MIME,
        key="em_pending_invoices",
        help=t("entry_monitoring.pending.reminders.help"),
        on_click="ignore",
        icon=":material/notification_important:",
    )
    reminder_panel.outcomes_line(f)
    reminder_panel.record_panel(pending)
