"""The global filters: drawn once in the sidebar by the router, read by pages with :func:`current`.

Every filter is a keyed widget kept in the URL by its codes (``dashboard.urlstate``), so the
address bar always holds the view: ``?period=2026-01&period=2026-06&district=朝阳区&vendor=piaolian
&lang=en`` reproduces it, in either language. A widget at its default leaves the URL. The keys
below are URL parameter names; page widgets must use other keys (prefix them with the page,
e.g. ``em_threshold``).

How a filter reaches a query: :func:`current` builds an ``analytics.views.Filters`` (frozen,
hashable) from the widgets' session state; pages pass it to ``dashboard.cached`` functions,
which key their caches on it and hand it to ``analytics.views``, which binds its values as SQL
parameters of the scope macros (``analytics/sql/views/macros.sql``).
"""

from __future__ import annotations

from typing import Final

import streamlit as st

from analytics import reference
from analytics.views import Filters
from dashboard import cached, urlstate
from dashboard.i18n import listing, ref_labels, t

PERIOD: Final = "period"
DISTRICT: Final = "district"
INDUSTRY: Final = "industry"
SIZE: Final = "size"
VENDOR: Final = "vendor"
ENTITY: Final = "entity"
KEYS: Final = (PERIOD, DISTRICT, INDUSTRY, SIZE, VENDOR, ENTITY)
ENTITIES: Final = ("all", "individual", "enterprise")

# dimension of analytics.views -> (widget key, reference table for labels)
_MULTI: Final = {
    "district": (DISTRICT, "districts"),
    "industry": (INDUSTRY, "industries"),
    "size_band": (SIZE, "size_bands"),
    "software_vendor": (VENDOR, "vendors"),
}


def _options(dimension: str, table: str) -> list[str]:
    """Values present in the data, in the reference table's order (then any others)."""
    options = cached.filter_options()
    present = options.filter(options["dimension"] == dimension)["value"].to_list()
    ref = reference.table(table)
    order = {v: i for i, v in enumerate([*ref["code"].to_list(), *ref["name_zh"].to_list()])}
    return sorted(present, key=lambda v: (order.get(v, len(order)), v))


def _reset() -> None:
    urlstate.reset(*KEYS)


def draw(*, enabled: bool = True) -> None:
    """The sidebar filters; ``enabled=False`` on pages that ignore them (they stay in the URL)."""
    side = st.sidebar
    side.subheader(t("filters.header"))
    if not enabled:
        side.caption(t("filters.unused"))
    months = cached.months()
    if months:
        urlstate.widget(
            PERIOD,
            (months[0], months[-1]),
            lambda start: side.select_slider(
                t("filters.period"), options=months, value=start, key=PERIOD, disabled=not enabled
            ),
            options=months,
        )
    for dimension, (key, table) in _MULTI.items():
        labels = ref_labels(table)
        options = _options(dimension, table)
        urlstate.multiselect(
            key,
            options,
            [],
            label=t(f"filters.{key}"),
            format_func=lambda v, labels=labels: labels.get(v, v),
            where=side,
            placeholder=t("filters.all"),
            disabled=not enabled,
        )
    urlstate.choice(
        ENTITY,
        list(ENTITIES),
        "all",
        label=t("filters.entity"),
        format_func=lambda v: t(f"filters.entity.{v}"),
        where=side,
        disabled=not enabled,
    )
    side.button(t("filters.reset"), on_click=_reset, disabled=not enabled, type="tertiary")


def current() -> Filters:
    """The filters as the widgets hold them (defaults before the sidebar has been drawn)."""
    state = st.session_state
    months = cached.months() if cached.ready() else []
    first, last = (months[0], months[-1]) if months else ("", "")
    period = state.get(PERIOD) or (first, last)
    entity = state.get(ENTITY) or "all"
    return Filters(
        period_from=str(period[0]),
        period_to=str(period[1]),
        districts=tuple(state.get(DISTRICT) or ()),
        industries=tuple(state.get(INDUSTRY) or ()),
        size_bands=tuple(state.get(SIZE) or ()),
        vendors=tuple(state.get(VENDOR) or ()),
        individual=None if entity == "all" else entity == "individual",
    )


def describe(f: Filters) -> str:
    """One line saying what the page shows: months and the selection, in the UI language."""
    period = f.period_from if f.period_from == f.period_to else f"{f.period_from} – {f.period_to}"
    parts = []
    for values, table in (
        (f.districts, "districts"),
        (f.industries, "industries"),
        (f.size_bands, "size_bands"),
        (f.vendors, "vendors"),
    ):
        if values:
            labels = ref_labels(table)
            parts.append(listing(labels.get(v, v) for v in values))
    if f.individual is not None:
        parts.append(
            t("filters.entity.individual" if f.individual else "filters.entity.enterprise")
        )
    scope = " · ".join(parts) if parts else t("filters.summary.everything")
    return t("filters.summary", period=period, scope=scope)


def has_months() -> bool:
    return bool(cached.months())
