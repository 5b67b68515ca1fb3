"""Date layouts tried in guarded runs: ``fw_ts``'s value without the cost of failed layouts.

``fw_ts(s, $formats)`` tries every layout of :data:`analytics.validation.DATETIME_FORMATS` in
order; a layout that does not fit costs ~0.5 us per cell, and most vendors' layout is not the
first ('2025/11/01 00:06' fails the six '-' layouts first, '20251101001334' nine). Cut into runs
of consecutive layouts sharing a literal character (the guard) and tried run by run, each only
on text holding its guard, the list gives the same value for every text: a skipped run holds no
layout that could fit (tests/test_parse_fast_paths.py checks the two agree).
"""

from __future__ import annotations

from collections.abc import Iterable

from analytics import validation as v


def layout_guard(layout: str) -> str:
    """A literal character that any text fitting this strptime layout holds ('' if none).

    Spaces are passed over (strptime may match a space in the layout with other whitespace),
    and so are directives (``%Y``, ``%-d``).
    """
    i = 0
    while i < len(layout):
        if layout[i] == "%":
            i += 3 if layout[i + 1 : i + 2] == "-" else 2
        elif layout[i].isspace():
            i += 1
        else:
            return layout[i]
    return ""


def layout_runs(layouts: Iterable[str]) -> list[tuple[list[str], str]]:
    """The layouts cut into runs of consecutive ones sharing a guard, in order.

    Trying the runs in order, each only on text holding its guard, gives what trying the whole
    list gives (a skipped run holds no layout that could fit), without the cost of failed
    layouts: '2025/11/01 00:06' would otherwise fail the six '-' layouts first.
    """
    runs: list[tuple[list[str], str]] = []
    for layout in layouts:
        guard = layout_guard(layout)
        if runs and runs[-1][1] == guard:
            runs[-1][0].append(layout)
        else:
            runs.append(([layout], guard))
    return runs


RUNS = layout_runs(v.DATETIME_FORMATS)


def run_params() -> dict[str, list[str] | str]:
    """The runs as bound parameters (``$ts_layouts_<i>``, ``$ts_guard_<i>``)."""
    out: dict[str, list[str] | str] = {}
    for i, (layouts, guard) in enumerate(RUNS):
        out[f"ts_layouts_{i}"] = layouts
        out[f"ts_guard_{i}"] = guard
    return out


def ts_expr(cell: str) -> str:
    """SQL: ``fw_ts(cell, $formats)``, trying only the runs of layouts the text could fit."""
    runs = [f"fw_ts_run({cell}, $ts_layouts_{i}, $ts_guard_{i})" for i in range(len(RUNS))]
    return f"coalesce({', '.join(runs)}, fw_ts_serial({cell}))"
