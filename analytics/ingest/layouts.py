"""Date layouts tried in guarded runs: ``fw_ts``'s value without the cost of failed layouts.

``fw_ts(s, $formats)`` tries every layout of :data:`analytics.validation.DATETIME_FORMATS` in
order; a layout that does not fit costs ~0.5 us per cell, and most vendors' layout is not the
first ('2025/11/01 00:06' fails the six '-' layouts first, '20251101001334' nine). Cut into runs
of consecutive layouts sharing a literal character (the guard) and tried run by run, each only
on text holding its guard, the list gives the same value for every text: a skipped run holds no
layout that could fit (tests/test_parse_fast_paths.py checks the two agree).

A run is also skipped on text holding a letter that none of its layouts has (its ``skip``
letters): every directive of the list reads digits only, so such a letter could not be read.
ISO times ('2026-05-01T00:00:10', a JSON vendor's) so go straight to the layouts with a ``T``
instead of failing the four '-' layouts before them (0.47 of the 0.85 s of that vendor's
monthly file's typing and checks at 10M invoices).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from analytics import validation as v

# strptime directives that read digits only (with %-m, %-d ... for unpadded numbers)
DIGIT_DIRECTIVES = frozenset("YmdHMSf")


def layout_literals(layout: str) -> list[str]:
    """The literal characters of a strptime layout, in order, spaces and directives left out
    (strptime may match a space in the layout with other whitespace).

    Refuses a directive that may read letters (%b, %p, ...): the runs' skip letters rely on
    every directive reading digits only."""
    out: list[str] = []
    i = 0
    while i < len(layout):
        if layout[i] == "%":
            j = i + 2 if layout[i + 1 : i + 2] == "-" else i + 1
            if layout[j : j + 1] not in DIGIT_DIRECTIVES:
                raise ValueError(f"layout {layout!r}: %{layout[j : j + 1]} may read letters")
            i = j + 1
        else:
            if not layout[i].isspace():
                out.append(layout[i])
            i += 1
    return out


def layout_guard(layout: str) -> str:
    """A literal character that any text fitting this strptime layout holds ('' if none)."""
    return next(iter(layout_literals(layout)), "")


@dataclass(frozen=True)
class Run:
    """Consecutive layouts tried only on text holding ``guard`` and none of ``skip``."""

    layouts: tuple[str, ...]
    guard: str
    skip: tuple[str, ...] = ()


def layout_runs(layouts: Iterable[str]) -> list[Run]:
    """The layouts cut into runs, in order: consecutive ones sharing a guard and the same
    letters. Each run skips the letters that other layouts of its guard have and it has not.

    Trying the runs in order, each only on text holding its guard and none of its skip letters,
    gives what trying the whole list gives (a skipped run holds no layout that could fit: every
    directive reads digits, so a letter must be a literal of the layout), without the cost of
    failed layouts: '2025/11/01 00:06' would otherwise fail the six '-' layouts first.
    """
    keyed: list[tuple[str, frozenset[str], str]] = []
    for layout in layouts:
        letters = frozenset(c for c in layout_literals(layout) if c.isalpha())
        keyed.append((layout_guard(layout), letters, layout))
    groups: list[tuple[str, frozenset[str], list[str]]] = []
    for guard, letters, layout in keyed:
        if groups and groups[-1][0] == guard and groups[-1][1] == letters:
            groups[-1][2].append(layout)
        else:
            groups.append((guard, letters, [layout]))
    runs = []
    for guard, letters, members in groups:
        others = set().union(*(ls for g, ls, _ in groups if g == guard))
        runs.append(Run(tuple(members), guard, tuple(sorted(others - letters))))
    return runs


RUNS = layout_runs(v.DATETIME_FORMATS)


def run_params() -> dict[str, list[str] | str]:
    """The runs as bound parameters (``$ts_layouts_<i>``, ``$ts_guard_<i>``,
    ``$ts_skip_<i>_<j>``)."""
    out: dict[str, list[str] | str] = {}
    for i, run in enumerate(RUNS):
        out[f"ts_layouts_{i}"] = list(run.layouts)
        out[f"ts_guard_{i}"] = run.guard
        for j, letter in enumerate(run.skip):
            out[f"ts_skip_{i}_{j}"] = letter
    return out


def _run_expr(cell: str, i: int, run: Run) -> str:
    if not run.skip:
        return f"fw_ts_run({cell}, $ts_layouts_{i}, $ts_guard_{i})"
    skips = " and ".join(f"not contains({cell}, $ts_skip_{i}_{j})" for j in range(len(run.skip)))
    return (
        f"case when contains({cell}, $ts_guard_{i}) and {skips} "
        f"then try_strptime({cell}, $ts_layouts_{i}) end"
    )


def ts_expr(cell: str) -> str:
    """SQL: ``fw_ts(cell, $formats)``, trying only the runs of layouts the text could fit."""
    runs = [_run_expr(cell, i, run) for i, run in enumerate(RUNS)]
    return f"coalesce({', '.join(runs)}, fw_ts_serial({cell}))"
