"""Shared UI pieces: KPI rows, tables with CSV/XLSX downloads, and merchant links.

A table is described by :class:`Col` entries (column, label, kind); the kind decides the number
format on screen and the unit in the header (amounts in 万元 or yuan), and the same labelled,
unformatted numbers go into the downloads (formula-safe, via ``analytics.exports``). Merchant
tables open the profile when a row is selected: the selection switches page with
``?merchant=<USCC>`` plus the current URL (filters, language), see :func:`open_profile`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import polars as pl
import streamlit as st

from analytics import exports, formatting, metrics
from analytics.formatting import Kpi
from dashboard import cached, urlstate
from dashboard.i18n import metric_label, t

PROFILE_PAGE = "app_pages/merchant_profile.py"
MERCHANT_PARAM = "merchant"  # the profile's selectbox key, hence its URL parameter
SELF_CHECK_PAGE = "app_pages/self_check.py"
DATA_IMPORT_PAGE = "app_pages/data_import.py"
ENTRY_PAGE = "app_pages/entry_monitoring.py"
RISK_PAGE = "app_pages/entry_risk.py"
LOOKUP_PAGE = "app_pages/invoice_lookup.py"
LOOKUP_PARAM = "inv"  # the lookup's text area key, hence its URL parameter
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SELF_CHECK_PREFIX = "sc_"  # the self-check page's URL parameters
LIST_HANDOFF = "sc_list_handoff"  # a merchant list for the self-check page (session state)
MAX_LIST = 500  # merchants a page hands to the self-check page at most (a zip in ~3 s at 10M)
Kind = Literal[
    "text",
    "pct",
    "count",
    "days",
    "wan",
    "yuan",
    "per_1k",
    "score",
    "points",
    "date",
    "datetime",
    "bool",
]


@dataclass(frozen=True)
class Col:
    """One table column: the frame's column, its header, how to show it."""

    name: str
    label: str
    kind: Kind = "text"


def metric_col(name: str) -> Col:
    """A registry metric as a column: its label and a kind from its format."""
    fmt = metrics.metric(name).format
    kind: Kind = {"pct": "pct", "count": "count", "days": "days", "yuan": "wan"}.get(fmt, "per_1k")  # type: ignore[assignment]
    return Col(name, metric_label(name), kind)


def _header(col: Col) -> str:
    if col.kind == "wan":
        return col.label + t("table.unit.wan")
    if col.kind == "yuan":
        return col.label + t("table.unit.yuan")
    return col.label


_NUMBER_FORMATS: dict[str, str] = {
    # shares are shown ×100 (table()): the "percent" preset trims zeros, so one column read
    # 70%, 58.2% and 54.52%
    "pct": "%.1f%%",
    "count": "%,d",
    "days": "%.1f",
    "wan": "%,.2f",
    "yuan": "%,.2f",
    "per_1k": "%.1f",
    "score": "%.3f",
    "points": "%.2f",  # simulated compliance score
}


def _config(kind: Kind, label: str) -> Any:
    # Only the one config asked for: each column_config call costs ~0.1 ms and a page's
    # tables have dozens of columns on every rerun.
    cc = st.column_config
    if kind in _NUMBER_FORMATS:
        return cc.NumberColumn(label, format=_NUMBER_FORMATS[kind])
    if kind == "date":
        return cc.DateColumn(label, format="YYYY-MM-DD")
    if kind == "datetime":
        return cc.DatetimeColumn(label, format="YYYY-MM-DD HH:mm")
    if kind == "bool":
        return cc.CheckboxColumn(label)
    return cc.TextColumn(label)


def labelled(frame: pl.DataFrame, cols: Sequence[Col]) -> pl.DataFrame:
    """The columns in order under their headers; amounts in 万元 for kind 'wan'."""
    exprs = []
    for col in cols:
        expr = pl.col(col.name)
        if col.kind == "wan":
            expr = expr.cast(pl.Float64) / 10_000
        elif col.kind == "yuan":
            expr = expr.cast(pl.Float64)
        exprs.append(expr.alias(_header(col)))
    return frame.select(exprs)


def rule_number(
    where: Any,
    label: str,
    value: float,
    *,
    percent: bool = False,
    step: float | None = None,
    key: str,
    max_value: float | None = None,
) -> float:
    """A what-if form's input for a rule's number, its label hidden (the form's header names
    the column): rates shown in percent (0.98 as 98), the value returned in the rule's units,
    and exactly the rule's value while untouched, so an untouched form is the file's rules."""
    shown = where.number_input(
        label,
        min_value=0.0,
        max_value=max_value,
        value=float(round(value * 100, 6) if percent else value),
        step=step if step is not None else (1.0 if percent else 0.5),
        key=key,
        label_visibility="collapsed",
    )
    back = float(shown) / 100 if percent else float(shown)
    return value if abs(back - value) < 1e-9 else back


def rules_file_download(label: str, text: str, file_name: str, help_text: str, key: str) -> None:
    """A what-if's changed rule file (TOML) for the operator to install."""
    st.download_button(
        label,
        text.encode("utf-8"),
        file_name=file_name,
        mime="application/toml",
        icon=":material/download:",
        help=help_text,
        key=key,
    )


def download_buttons(frame: pl.DataFrame, stem: str, key: str) -> None:
    """CSV and XLSX of ``frame``, built only when clicked (no cost on a rerun)."""
    row = st.container(horizontal=True)
    row.download_button(
        t("table.download_csv"),
        data=lambda: exports.to_csv_bytes(frame),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        help=t("table.download_csv.help"),
        on_click="ignore",
        icon=":material/download:",
    )
    row.download_button(
        t("table.download_xlsx"),
        data=lambda: exports.to_xlsx_bytes({stem[:31]: frame}),
        file_name=f"{stem}.xlsx",
        mime=XLSX_MIME,
        key=f"{key}_xlsx",
        help=t("table.download_xlsx.help"),
        on_click="ignore",
        icon=":material/download:",
    )


def table(
    frame: pl.DataFrame,
    cols: Sequence[Col],
    *,
    key: str,
    stem: str,
    height: int | Literal["auto"] = "auto",
    select: bool = False,
) -> int | None:
    """A table under UI headers with downloads; returns the selected row index with ``select``."""
    shown = labelled(frame, cols)
    config = {_header(c): _config(c.kind, _header(c)) for c in cols}
    pct = [_header(c) for c in cols if c.kind == "pct"]
    event = st.dataframe(
        shown.with_columns(pl.col(pct) * 100) if pct else shown,  # downloads keep the shares
        hide_index=True,
        width="stretch",
        height=height,
        column_config=config,
        key=key,
        on_select="rerun" if select else "ignore",
        selection_mode="single-row",
        placeholder="—",
    )
    download_buttons(shown, stem, key)
    if select and event is not None:
        rows = event.selection.rows  # type: ignore[union-attr]
        return int(rows[0]) if rows else None
    return None


def merchant_table(
    frame: pl.DataFrame, cols: Sequence[Col], *, key: str, stem: str, height: int | None = None
) -> None:
    """A table of merchants (``frame`` has ``merchant_id``); selecting a row opens the profile."""
    st.caption(t("common.open_profile"))
    row = table(frame, cols, key=key, stem=stem, height=height or "auto", select=True)
    if row is not None and row < frame.height:
        open_profile(str(frame["merchant_id"][row]))


def _switch_page(page: str, chosen: dict[str, str], *, drop_prefix: str | None = None) -> None:
    """Switch to ``page`` with ``chosen`` in the URL; the current parameters go along (filters,
    language), but for those ``chosen`` sets and those starting with ``drop_prefix`` (the
    target page's own, which would otherwise restore a stale choice)."""
    kept = {
        k: v
        for k, v in urlstate.current_params().items()
        if drop_prefix is None or not k.startswith(drop_prefix)
    }
    st.switch_page(page, query_params={**kept, **chosen})


def link_in_scope(page: str, label: str, icon: str | None = None) -> None:
    """A link to another page that keeps this one's filters (the URL's parameters), so the
    page it opens shows the same districts, months and vendors."""
    st.page_link(page, label=label, icon=icon, query_params=urlstate.current_params())


def open_profile(merchant_id: str) -> None:
    """Switch to the merchant profile; the filters and the language go along in the URL."""
    _switch_page(PROFILE_PAGE, {MERCHANT_PARAM: merchant_id})


def open_invoice_lookup(invoice_no: str) -> None:
    """Switch to the invoice lookup with this invoice's number filled in."""
    _switch_page(LOOKUP_PAGE, {LOOKUP_PARAM: invoice_no})


def open_self_check(merchant_id: str, period: str) -> None:
    """Switch to the self-check page with this merchant's report for ``period`` (a month or
    a quarter) chosen: what an official sends with a reminder to enter missing invoices."""
    chosen = {"sc_mode": "merchant", "sc_merchant": merchant_id, "sc_period": period}
    _switch_page(SELF_CHECK_PAGE, chosen, drop_prefix=SELF_CHECK_PREFIX)


def self_check_list_button(merchant_ids: Sequence[str], period: str, *, key: str) -> None:
    """A button that opens the self-check page with these merchants as its list and
    ``period`` (a month or a quarter) chosen; for at most :data:`MAX_LIST` merchants, else a
    line saying to narrow the table first."""
    n = formatting.count(len(merchant_ids))
    if len(merchant_ids) > MAX_LIST:
        st.caption(t("common.self_check_list.narrow", n=formatting.count(MAX_LIST)))
        return
    if st.button(
        t("common.self_check_list", n=n, period=period),
        key=key,
        icon=":material/description:",
        help=t("common.self_check_list.help"),
    ):
        open_self_check_list(merchant_ids, period)


def open_self_check_list(merchant_ids: Sequence[str], period: str) -> None:
    """Switch to the self-check page with these merchants as its list and ``period`` chosen:
    reports for every merchant a page has singled out, in one zip. The list goes in the
    session, not the URL (hundreds of USCCs)."""
    st.session_state[LIST_HANDOFF] = "\n".join(merchant_ids)
    chosen = {"sc_mode": "list", "sc_period": period}
    _switch_page(SELF_CHECK_PAGE, chosen, drop_prefix=SELF_CHECK_PREFIX)


def merchant_picker(
    key: str, *, search_key: str, prefix: str, max_options: int = 300
) -> str | None:
    """A search box and a select box of merchants; the choice is kept in the URL under ``key``.

    Only the first ``max_options`` matches are fetched (``cached.merchant_search``) and only the
    merchant named in the URL or chosen before is looked up to validate it: the registry can
    hold tens of thousands of merchants, which a rerun should not move or label. Labels come
    from ``<prefix>.search``, ``<prefix>.pick`` (with ``n`` matches) and ``<prefix>.placeholder``.
    """
    query = st.text_input(t(f"{prefix}.search"), key=search_key).strip()
    matches = cached.merchant_search(query, max_options)
    # the values urlstate.initial may pick (the URL's, the widget's own), kept if registered
    asked = [*st.query_params.get_all(key), st.session_state.get(key)]
    known = cached.merchant_names(tuple(sorted({str(m) for m in asked if m})))
    chosen = urlstate.initial(key, None, list(known))
    label = {
        **dict(zip(matches["merchant_id"], matches["name"], strict=True)),
        **known,
    }
    shown = list(dict.fromkeys([*([chosen] if chosen else []), *matches["merchant_id"]]))
    count = int(matches["matches"][0]) if matches.height else 0
    merchant_id: str | None = st.selectbox(
        t(f"{prefix}.pick", n=formatting.count(count)),
        shown,
        format_func=lambda m: f"{label[m]} · {m}" if m in label else m,
        index=shown.index(chosen) if chosen else None,
        placeholder=t(f"{prefix}.placeholder"),
        key=key,
    )
    urlstate.write(key, merchant_id, None)
    return merchant_id


def pick_many(
    label: str,
    options: Sequence[Any],
    names: dict[Any, str],
    *,
    key: str,
    placeholder: str,
) -> list[Any]:
    """A multiselect of ``options`` (shown by ``names``) whose choice, kept in the session under
    ``key`` (so buttons can set it), drops what is no longer offered: after a write the list
    changes under it, and a kept value missing from the options would raise."""
    offered = set(options)
    kept = st.session_state.get(key) or []
    if any(v not in offered for v in kept):
        st.session_state[key] = [v for v in kept if v in offered]
    chosen: list[Any] = st.multiselect(
        label,
        options,
        format_func=lambda v: names.get(v, str(v)),
        placeholder=placeholder,
        key=key,
    )
    return chosen


def kpi_row(
    kpis: Sequence[tuple[str, Kpi]], *, help_text: Callable[[str], str] | None = None
) -> None:
    """One row of KPI cards: (label, Kpi) pairs, each with its change and direction colour."""
    for column, (label, kpi) in zip(st.columns(len(kpis)), kpis, strict=True):
        column.metric(
            label,
            kpi.value,
            delta=kpi.delta,
            delta_color=kpi.color,
            border=True,
            help=help_text(kpi.name) if help_text else None,
        )


def metric_help(name: str) -> str:
    """The registry's description of a metric, for a KPI's help tooltip."""
    return metrics.metric(name).description
