"""UI language: Chinese first, English by a switch kept in the URL (``?lang=en``).

Labels live in ``dashboard/labels/<page>.py`` and are merged here into ``LABELS`` (see
``dashboard.labels``: a duplicate key fails at import). Labels of domain objects that already
live as data come from their registries: metrics (``analytics.metrics``), reference tables
(districts, industries, size bands, vendors, complaint categories and channels, reason codes)
through :func:`ref_labels`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import polars as pl
import streamlit as st

from analytics import metrics, reference
from dashboard import urlstate
from dashboard.labels import merged

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

LABELS, LABEL_OWNERS = merged()


def lang() -> str:
    """The current UI language ('zh' unless the user switched)."""
    value = st.session_state.get("lang", DEFAULT_LANG)
    return value if value in LANGS else DEFAULT_LANG


def listing(items: Iterable[str], en_sep: str = ", ") -> str:
    """``items`` as one run of text: 、 between them in Chinese, ``en_sep`` in English (a
    semicolon where the items hold commas of their own)."""
    return ("、" if lang() == "zh" else en_sep).join(items)


def t(key: str, **fmt: object) -> str:
    """The label for ``key`` in the current language, formatted with ``fmt``."""
    zh, en = LABELS[key]
    text = zh if lang() == "zh" else en
    return text.format(**fmt) if fmt else text


def has(key: str) -> bool:
    return key in LABELS


def pick(zh: str, en: str) -> str:
    """Choose between two labels that come from a data registry."""
    return zh if lang() == "zh" else en


def metric_label(name: str) -> str:
    """A metric's label from the registry."""
    m = metrics.metric(name)
    return pick(m.label_zh, m.label_en)


def ref_labels(table: str) -> dict[str, str]:
    """value -> label for a reference table in the current language.

    The warehouse stores some attributes by code (industries) and some by Chinese name
    (districts, the e-Tax vendor), so both the code and the Chinese name map to the label.
    """
    frame = reference.table(table)
    column = "name_zh" if lang() == "zh" else "name_en"
    out = dict(zip(frame["name_zh"].to_list(), frame[column].to_list(), strict=True))
    out.update(reference.labels(table, lang()))
    return out


def code_label(prefix: str) -> Callable[[str | None], str]:
    """A formatter for domain codes with catalogue labels (``status.entered_late``)."""

    def label(code: str | None) -> str:
        if code is None:
            return "—"
        key = f"{prefix}.{code}"
        return t(key) if key in LABELS else str(code)

    return label


def label_codes(frame: pl.DataFrame, column: str, mapping: dict[str, str]) -> pl.DataFrame:
    """``column`` with its codes replaced by labels (unknown codes kept as they are)."""
    return frame.with_columns(pl.col(column).cast(pl.String).replace(mapping))


def label_refs(frame: pl.DataFrame, **tables: str) -> pl.DataFrame:
    """Columns of reference values labelled in the UI language, given as ``column=table``
    (``label_refs(frame, district="districts", industry="industries")``)."""
    for column, table in tables.items():
        frame = label_codes(frame, column, ref_labels(table))
    return frame


def catalogue_labels(prefix: str, codes: list[str]) -> dict[str, str]:
    """code -> catalogue label for ``prefix.code`` keys (codes without a label kept)."""
    fmt = code_label(prefix)
    return {c: fmt(c) for c in codes}


def language_switch() -> None:
    """Sidebar switch, kept in the URL as ``?lang=en`` (see ``dashboard.urlstate``)."""
    urlstate.choice(
        "lang",
        list(LANGS),
        DEFAULT_LANG,
        label=LABELS["lang.label"][0],
        format_func=lambda v: "中文" if v == "zh" else "English",
        where=st.sidebar,
    )
