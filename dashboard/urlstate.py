"""Widget values kept in the URL by their codes, so a link reproduces the view in any language.

Why not ``bind="query-params"``: Streamlit 1.67 writes a bound widget's *formatted* option to
the URL (``?industry=餐饮连锁`` in Chinese, ``?industry=Restaurant+chains`` in English), so a
link made in one language loses its filters in the other, ``?merchant=<USCC>`` cannot select a
merchant shown as "name · USCC", and ``?lang=en`` cannot select a button labelled "English".
Here the URL holds codes (``?industry=restaurant_chain&lang=en``) and labels stay free.

Use :func:`widget` around a keyed widget: it works out where the widget starts (the URL's
value when the URL changed since this session last wrote it: a pasted link,
``st.switch_page(..., query_params=...)``; else the widget's own value; else the default),
draws it with that start as its default, and writes the value back to the URL (a default value
leaves the URL clean). Page navigation drops query parameters, so values missing from the URL
are kept, not reset, and written back. :func:`choice` and :func:`multiselect` are :func:`widget`
around the two widgets pages use most.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import streamlit as st

T = TypeVar("T")
_WRITTEN = "_urlstate_written"


def _encode(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def _decode(raw: list[str], default: Any, options: Sequence[Any] | None) -> Any:
    """The URL's strings as a value shaped like ``default``; None when they do not fit."""
    by_text = {str(o): o for o in options} if options is not None else None

    def one(text: str) -> Any:
        if by_text is not None:
            return by_text.get(text)
        if isinstance(default, bool):
            return {"true": True, "false": False}.get(text.lower())
        try:
            return type(default)(text) if default is not None else text
        except (TypeError, ValueError):
            return None

    if isinstance(default, list):
        values = [one(x) for x in raw]
        return [v for v in dict.fromkeys(values) if v is not None]
    if isinstance(default, tuple):
        values = [one(x) for x in raw]
        if len(values) != len(default) or any(v is None for v in values):
            return None
        return tuple(values)
    return one(raw[0]) if raw else None


def initial(key: str, default: Any, options: Sequence[Any] | None = None) -> Any:
    """The value a widget should start from.

    The URL's value when the URL changed since this session last wrote it, or when the widget
    has no state (e.g. after a page switch); the widget's state is then dropped so that it
    restarts from it. Else the widget's current value, else ``default``. Pass it as the
    widget's default (``value=``, ``default=``, ``index=``): the widget's own state wins once
    it exists, and no value is ever set through the Session State API (which Streamlit warns
    about when a widget also has a default).
    """
    written: dict[str, list[str]] = st.session_state.setdefault(_WRITTEN, {})
    raw = st.query_params.get_all(key) if key in st.query_params else None
    if raw is not None and (raw != written.get(key) or key not in st.session_state):
        value = _decode(raw, default, options)
        written[key] = raw
        if value is not None:
            st.session_state.pop(key, None)
            return value
    if key not in st.session_state:
        return default
    current = st.session_state[key]
    allowed = {str(o) for o in options} if options is not None else None
    if allowed is not None and not set(_encode(current)) <= allowed:
        st.session_state.pop(key, None)  # options changed (new data): drop stale values
        return default
    return current


def write(key: str, value: Any, default: Any) -> None:
    """Show ``value`` in the URL (or remove the parameter at its default)."""
    written: dict[str, list[str]] = st.session_state.setdefault(_WRITTEN, {})
    encoded = _encode(value)
    if encoded == _encode(default):
        st.query_params.pop(key, None)
        written.pop(key, None)
    else:
        st.query_params[key] = encoded if len(encoded) > 1 else encoded[0]
        written[key] = encoded


def widget(
    key: str,
    default: T,
    draw: Callable[[Any], Any],
    *,
    options: Sequence[Any] | None = None,
) -> T:
    """Draw a URL-kept widget: ``draw(start)`` creates it with ``key=key`` and ``start`` as its
    default; its value goes back to the URL. Returns the value."""
    value = draw(initial(key, default, options))
    if value is None and default is not None and not isinstance(default, list):
        value = default
    write(key, value, default)
    return value  # type: ignore[no-any-return]


def choice(
    key: str,
    options: Sequence[T],
    default: T,
    *,
    label: str,
    format_func: Callable[[Any], str],
    where: Any = st,
    **kwargs: Any,
) -> T:
    """A segmented control kept in the URL: one of a few ``options``, one always chosen.
    ``where`` is the container (``st.sidebar``, a column); ``kwargs`` go to the control."""
    return widget(
        key,
        default,
        lambda start: where.segmented_control(
            label,
            options,
            default=start,
            format_func=format_func,
            required=True,
            key=key,
            **kwargs,
        ),
        options=options,
    )


def multiselect(
    key: str,
    options: Sequence[T],
    default: list[T],
    *,
    label: str,
    format_func: Callable[[Any], str],
    where: Any = st,
    **kwargs: Any,
) -> list[T]:
    """A multiselect kept in the URL (``default`` is usually ``[]``: everything)."""
    return widget(
        key,
        default,
        lambda start: where.multiselect(
            label, options, default=start, format_func=format_func, key=key, **kwargs
        ),
        options=options,
    )


def reset(*keys: str) -> None:
    """Drop widgets' values (in a callback): they restart from their defaults."""
    for key in keys:
        st.session_state.pop(key, None)


def current_params() -> dict[str, list[str]]:
    """Every parameter now in the URL (for ``st.switch_page(..., query_params=...)``)."""
    return {k: st.query_params.get_all(k) for k in st.query_params}
