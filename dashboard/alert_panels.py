"""The panels of the Alerts page: KPIs, the queue, and one alert's details, history and actions.

Actions run in button callbacks (before the rerun draws the page), so a success or an error is
shown once after it and the note box can be emptied; they write through
``cached.act_on_alerts`` (a short-lived writable connection, then a new snapshot), one alert
being the one-element case. Several alerts at once: :mod:`dashboard.alert_bulk`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl
import streamlit as st

from analytics import formatting
from analytics.alert_desk import Action
from analytics.alerts import AlertError, AlertNotFoundError, AlertTransitionError
from analytics.warehouse import WarehouseBusyError
from dashboard import alert_words, cached, components, urlstate
from dashboard.components import Col
from dashboard.i18n import t

WHO = "alerts_who"  # remembered for the session, outside the widget (which pages drop)
FLASH = "alerts_flash"


def kpis(everything: pl.DataFrame) -> None:
    counts = dict(everything.group_by("status").len().iter_rows())
    high = everything.filter(
        pl.col("status").is_in(["new", "acknowledged"]) & (pl.col("severity") == "high")
    ).height
    cards = [
        ("alerts.kpi.new", counts.get("new", 0)),
        ("alerts.kpi.acknowledged", counts.get("acknowledged", 0)),
        ("alerts.kpi.resolved", counts.get("resolved", 0)),
        ("alerts.kpi.high_open", high),
    ]
    components.kpi_row(
        [(t(k), formatting.Kpi(k, formatting.count(n), None, "off")) for k, n in cards]
    )


def queue(shown: pl.DataFrame) -> None:
    """The queue's table; ``shown`` as :func:`alert_words.display` gives it."""
    st.subheader(t("alerts.queue"))
    if shown.is_empty():
        st.info(t("alerts.empty"))
        return
    st.caption(t("alerts.queue.caption", n=formatting.count(shown.height)))
    incident_shown = shown["incident_text"].is_not_null().any()
    gap_shown = shown["feed_gap_text"].is_not_null().any()
    cols = [
        Col("alert_id", t("alerts.col.id")),
        Col("severity_label", t("alerts.col.severity")),
        Col("status_label", t("alerts.col.status")),
        Col("rule_name", t("alerts.col.rule")),
        Col("merchant_name", t("common.merchant")),
        Col("message", t("alerts.col.message")),
        Col("metric_label", t("alerts.col.metric")),
        Col("value_text", t("alerts.col.value")),
        Col("previous_text", t("alerts.col.previous")),
        Col("threshold_text", t("alerts.col.threshold")),
        # only when an alert has failures in a vendor incident: rare, and empty otherwise
        *([Col("incident_text", t("alerts.col.incident"))] if incident_shown else []),
        *([Col("feed_gap_text", t("alerts.col.feed_gap"))] if gap_shown else []),
        Col("period", t("alerts.col.first_seen")),
        Col("last_seen_period", t("alerts.col.last_seen")),
        Col("district", t("common.district")),
        Col("merchant_id", t("common.merchant_id")),
        Col("updated_at", t("alerts.col.updated"), "datetime"),
    ]
    components.merchant_table(shown, cols, key="al_queue", stem="alerts", height=380)


def _act(alert_id: int, action: Action) -> None:
    run_action([alert_id], action, who_key="al_who", note_key="al_note")


# what a refused action says, by its exception (the first that matches)
_REFUSED: dict[type[Exception], str] = {
    WarehouseBusyError: "alerts.busy",
    AlertTransitionError: "alerts.changed",
    AlertNotFoundError: "alerts.not_found",
    AlertError: "alerts.note_required",  # who or note refused by the lifecycle rules
}


def _unfit(alert_ids: Sequence[int], action: Action, who: str, note: str) -> str | None:
    """The label saying why the action cannot be tried, or None."""
    if not alert_ids:
        return "alerts.bulk.none"
    if not who:
        return "alerts.who_required"
    if action == "resolve" and not note:
        return "alerts.note_required"
    return None


def run_action(alert_ids: Sequence[int], action: Action, *, who_key: str, note_key: str) -> bool:
    """Button callback for one alert or several: check who and the note, write, and leave a
    message for the rerun; True when written."""
    state = st.session_state
    who = str(state.get(who_key) or "").strip()
    note = str(state.get(note_key) or "").strip()
    refused = _unfit(alert_ids, action, who, note)
    if refused is None:
        try:
            cached.act_on_alerts(alert_ids, action, by=who, note=note or None)
        except (WarehouseBusyError, AlertError) as exc:
            refused = next(key for kind, key in _REFUSED.items() if isinstance(exc, kind))
    if refused is not None:
        state[FLASH] = ("error", t(refused))
        return False
    state[WHO] = who
    state[note_key] = ""
    if len(alert_ids) == 1:
        state[FLASH] = ("success", t(f"alerts.done.{action}", id=alert_ids[0], by=who))
    else:
        done = t(f"alerts.bulk.done.{action}", n=formatting.count(len(alert_ids)), by=who)
        state[FLASH] = ("success", done)
    return True


def _details(a: dict[str, Any]) -> None:
    st.markdown(f"**#{a['alert_id']} · {a['rule_name']} · {a['severity_label']}**")
    st.write(a["message"])
    st.caption(
        t(
            "alerts.detail.metric",
            metric=a["metric_label"],
            period=a["last_seen_period"],
            value=a["value_text"],
            previous=a["previous_text"],
            threshold=a["threshold_text"],
        )
    )
    if words := alert_words.incident_words(a, "alerts.detail.incident"):
        st.warning(words, icon=":material/dns:")
    if spans := alert_words.feed_gap_words(a):
        st.warning(t("alerts.detail.feed_gap", spans=spans), icon=":material/link_off:")
    state = [t("alerts.detail.state", status=a["status_label"])]
    for step in ("acknowledged", "resolved"):
        if a[f"{step}_by"]:
            at = a[f"{step}_at"]
            when = f"{at:%Y-%m-%d %H:%M}" if at else formatting.MISSING
            state.append(t(f"alerts.detail.{step}", by=a[f"{step}_by"], at=when))
    st.caption(" · ".join(state))
    left, right = st.columns(2)
    if left.button(t("alerts.open_profile"), icon=":material/storefront:", key="al_profile"):
        components.open_profile(str(a["merchant_id"]))
    if right.button(
        t("alerts.self_check"),
        icon=":material/fact_check:",
        key="al_self_check",
        help=t("alerts.self_check.help"),
    ):
        components.open_self_check(str(a["merchant_id"]), str(a["last_seen_period"]))


def _history(alert_id: int) -> None:
    st.markdown(f"**{t('alerts.history')}**")
    events = cached.alert_events(alert_id).with_columns(
        event_by=pl.when(pl.col("event_by") == "system")
        .then(pl.lit(t("alerts.system")))
        .otherwise(pl.col("event_by")),
        action=pl.col("action").replace_strict(
            {
                a: t(f"alert_action.{a}")
                for a in ("created", "seen_again", "acknowledged", "resolved")
            },
            default=pl.col("action"),
        ),
    )
    cols = [
        Col("event_at", t("alerts.event.at"), "datetime"),
        Col("event_by", t("alerts.event.by")),
        Col("action", t("alerts.event.action")),
        Col("note", t("alerts.event.note")),
    ]
    components.table(events, cols, key="al_history", stem=f"alert_{alert_id}_history")


def act_panel(shown: pl.DataFrame) -> None:
    """Choose an alert (kept in the URL), see it and its history, acknowledge or resolve it;
    ``shown`` as :func:`alert_words.display` gives it."""
    st.subheader(t("alerts.act"))
    flash = st.session_state.pop(FLASH, None)
    if flash is not None:
        kind, text = flash
        (st.success if kind == "success" else st.error)(text)
    if shown.is_empty():
        return
    ids = shown["alert_id"].to_list()
    names = alert_words.pick_labels(shown)
    chosen = urlstate.widget(
        "al_alert",
        None,
        lambda start: st.selectbox(
            t("alerts.pick"),
            ids,
            index=ids.index(start) if start in ids else None,
            format_func=lambda i: names.get(i, str(i)),
            placeholder=t("alerts.pick.placeholder"),
            key="al_alert",
        ),
        options=ids,
    )
    if chosen is None:
        st.caption(t("alerts.pick.hint"))
        return
    a = shown.filter(pl.col("alert_id") == chosen).row(0, named=True)
    _details(a)
    _history(int(chosen))
    if a["status"] == "resolved":
        st.info(t("alerts.resolved_already"))
        return
    who = st.text_input(
        t("alerts.who"),
        value=st.session_state.get(WHO, ""),
        help=t("alerts.who.help"),
        key="al_who",
    )
    st.text_area(t("alerts.note"), help=t("alerts.note.help"), key="al_note", height=80)
    row = st.container(horizontal=True)
    row.button(
        t("alerts.acknowledge"),
        key="al_ack",
        on_click=_act,
        args=(int(chosen), "acknowledge"),
        disabled=a["status"] != "new",
    )
    row.button(
        t("alerts.resolve"),
        key="al_resolve",
        type="primary",
        on_click=_act,
        args=(int(chosen), "resolve"),
    )
    if who.strip():
        st.session_state[WHO] = who.strip()
