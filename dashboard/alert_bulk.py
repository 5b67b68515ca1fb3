"""Acting on several alerts at once, on the Alerts page.

One cause often opens many alerts: a vendor's upload outage drops the entry rate of each of its
merchants. The official who checked it acknowledges or resolves them together, with one name
and one note, all of them or none (``analytics.alert_desk.act_all``), and can send the merchants
of the chosen alerts their self-check reports in one zip. The alerts offered are the open
ones of the queue as filtered (status, rule, severity and the sidebar's merchants).
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from analytics import alerts
from analytics.alert_desk import Action
from dashboard import alert_panels, alert_words, components
from dashboard.i18n import t

PICK = "al_bulk"


def _choose_all(ids: list[int]) -> None:
    st.session_state[PICK] = ids


def _act(action: Action) -> None:
    chosen = [int(i) for i in st.session_state.get(PICK) or []]
    if alert_panels.run_action(chosen, action, who_key="al_bulk_who", note_key="al_bulk_note"):
        st.session_state[PICK] = []


def _self_check(picked: pl.DataFrame) -> None:
    """The chosen alerts' merchants (each once) to the Self-check page, with the latest month
    the alerts saw: the reports to send with the reminders."""
    merchants = list(dict.fromkeys(picked["merchant_id"].to_list()))
    period = str(picked["last_seen_period"].max())
    components.self_check_list_button(merchants, period, key="al_bulk_self_check")


def panel(shown: pl.DataFrame) -> None:
    """An expander to act on several open alerts of the filtered queue at once (``shown`` as
    :func:`alert_words.display` gives it)."""
    if shown.is_empty():
        return
    shown = shown.filter(pl.col("status").is_in(alerts.OPEN_STATUSES))
    if shown.height < 2:
        return
    ids = shown["alert_id"].to_list()
    status = dict(zip(ids, shown["status"].to_list(), strict=True))
    names = alert_words.pick_labels(shown)
    with st.expander(t("alerts.bulk", n=len(ids)), icon=":material/checklist:"):
        st.caption(t("alerts.bulk.caption"))
        chosen = components.pick_many(
            t("alerts.bulk.pick"),
            ids,
            names,
            key=PICK,
            placeholder=t("alerts.pick.placeholder"),
        )
        st.button(
            t("alerts.bulk.all", n=len(ids)), key="al_bulk_all", on_click=_choose_all, args=(ids,)
        )
        st.text_input(
            t("alerts.who"),
            value=st.session_state.get(alert_panels.WHO, ""),
            help=t("alerts.who.help"),
            key="al_bulk_who",
        )
        st.text_area(t("alerts.note"), help=t("alerts.note.help"), key="al_bulk_note", height=80)
        row = st.container(horizontal=True)
        row.button(
            t("alerts.bulk.acknowledge", n=len(chosen)),
            key="al_bulk_ack",
            on_click=_act,
            args=("acknowledge",),
            disabled=not chosen or any(status[i] != "new" for i in chosen),
            help=t("alerts.bulk.ack_help"),
        )
        row.button(
            t("alerts.bulk.resolve", n=len(chosen)),
            key="al_bulk_resolve",
            type="primary",
            on_click=_act,
            args=("resolve",),
            disabled=not chosen,
        )
        if chosen:
            _self_check(shown.filter(pl.col("alert_id").is_in(chosen)))
