"""Recording reminders (催报) under Entry monitoring's pending list, and a merchant's reminders
on its profile (``analytics.reminders``).

The official picks the merchants of the list they reminded (or, with one click, those due within
a working day that nobody reminded yet), says who and how, and records it: the warehouse keeps it
and the list's 未催报 / 上次催报 columns show it to the next official.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from analytics import formatting, views
from analytics.reminders import CHANNELS, OUTCOMES, ReminderError
from analytics.views import Filters
from analytics.warehouse import WarehouseBusyError
from dashboard import alert_panels, cached, components
from dashboard.components import Col
from dashboard.i18n import t

PICK = "em_remind_pick"
WHO = "em_remind_who"
CHANNEL = "em_remind_channel"
NOTE = "em_remind_note"
FLASH = "em_remind_flash"


def _choose(ids: list[str]) -> None:
    st.session_state[PICK] = ids


def _record() -> None:
    """Button callback: check, write, and leave a message for the rerun."""
    state = st.session_state
    chosen = [str(m) for m in state.get(PICK) or []]
    who = str(state.get(WHO) or "").strip()
    channel = str(state.get(CHANNEL) or CHANNELS[0])
    note = str(state.get(NOTE) or "").strip()
    if not chosen:
        state[FLASH] = ("error", t("reminders.none"))
        return
    if not who:
        state[FLASH] = ("error", t("reminders.who_required"))
        return
    try:
        done = cached.record_reminders(chosen, by=who, channel=channel, note=note or None)
    except WarehouseBusyError:
        state[FLASH] = ("error", t("reminders.busy"))
        return
    except ReminderError:  # validated above, so: the list changed under the page
        state[FLASH] = ("error", t("reminders.stale"))
        return
    state[alert_panels.WHO] = who  # one name for the session, alerts and reminders alike
    state[PICK] = []
    state[NOTE] = ""
    new = sum(r.new for r in done)
    text = t("reminders.done", n=new, by=who)
    if new < len(done):
        text += " " + t("reminders.again", n=len(done) - new)
    state[FLASH] = ("success", text)


def record_panel(pending: pl.DataFrame) -> None:
    """The form under the pending list (``pending``: its merchants as listed)."""
    flash = st.session_state.pop(FLASH, None)
    if flash is not None:
        kind, text = flash
        (st.success if kind == "success" else st.error)(text)
    ids = pending["merchant_id"].to_list()
    names = dict(
        zip(
            ids,
            [f"{n or m}（{m}）" for n, m in pending.select("merchant_name", "merchant_id").rows()],
            strict=True,
        )
    )
    due = pending.filter(
        (pl.col("workdays_left") <= views.DUE_SOON_WORKDAYS) & (pl.col("not_reminded") > 0)
    )["merchant_id"].to_list()
    with st.expander(t("reminders.record"), icon=":material/contact_phone:"):
        st.caption(t("reminders.caption"))
        chosen = components.pick_many(
            t("reminders.pick"),
            ids,
            names,
            key=PICK,
            placeholder=t("reminders.pick.placeholder"),
        )
        st.button(
            t("reminders.pick_due", n=len(due)),
            key="em_remind_due",
            on_click=_choose,
            args=(due,),
            disabled=not due,
        )
        row = st.columns([2, 2, 3])
        row[0].text_input(
            t("reminders.who"),
            value=st.session_state.get(alert_panels.WHO, ""),
            help=t("reminders.who.help"),
            key=WHO,
        )
        row[1].selectbox(
            t("reminders.channel"),
            CHANNELS,
            format_func=lambda c: t(f"reminders.channel.{c}"),
            key=CHANNEL,
        )
        row[2].text_input(t("reminders.note"), key=NOTE)
        st.button(
            t("reminders.save", n=len(chosen)),
            key="em_remind_save",
            type="primary",
            on_click=_record,
            disabled=not chosen,
        )


def outcomes_line(f: Filters) -> None:
    """One caption: what became of the invoices reminded about among ``f``'s merchants (none
    when nothing was reminded)."""
    counts = cached.reminder_outcomes(f)
    if counts["invoices"] == 0:
        return
    n = {k: formatting.count(v) for k, v in counts.items()}
    st.caption(t("reminders.outcomes", **n))


def history(merchant_id: str) -> None:
    """A merchant's reminders on its profile (nothing when it has none)."""
    rows = cached.merchant_reminders(merchant_id)
    if rows.is_empty():
        return
    last = rows.row(0, named=True)
    st.caption(
        t(
            "reminders.history",
            n=rows.height,
            at=f"{last['reminded_at']:%Y-%m-%d %H:%M}",
            by=last["reminded_by"],
        )
    )
    rows = rows.with_columns(
        pl.col("channel").replace_strict(
            {c: t(f"reminders.channel.{c}") for c in CHANNELS}, default=pl.col("channel")
        )
    )
    cols = [
        Col("reminded_at", t("reminders.col.at"), "datetime"),
        Col("reminded_by", t("reminders.who")),
        Col("channel", t("reminders.col.channel")),
        Col("invoices", t("reminders.col.invoices"), "count"),
        *(Col(f"outcome_{o}", t(f"reminders.outcome.{o}"), "count") for o in OUTCOMES),
        Col("note", t("reminders.note")),
        Col("as_of", t("reminders.col.as_of"), "datetime"),
    ]
    components.table(rows, cols, key="mp_reminders", stem=f"{merchant_id}_reminders")
