"""The fast paths of the cell parsers give what the plain definitions give, for every text.

``layouts.ts_expr`` tries the date layouts in guarded runs instead of the whole list, and
``fw_amount`` / ``fw_qty`` try a plain cast before stripping separators: both are only faster
ways to the same value, checked here against the plain definitions on seeded random texts.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import duckdb
import pytest

from analytics import sqlrun
from analytics import validation as v
from analytics.ingest import layouts, parse
from analytics.ingest.headers import HeaderMatch


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    c = duckdb.connect()
    parse.install_macros(c)
    yield c
    c.close()


def _texts(con: duckdb.DuckDBPyConnection, values: list[str]) -> None:
    con.execute("create or replace temp table t as select unnest($v) as s", {"v": values})


def _params(sql: str) -> dict[str, Any]:
    return sqlrun.bind(sql, parse.constants(date(2026, 11, 29), datetime(2026, 11, 29)))


def test_layout_runs_keep_the_list_order_and_guard_every_layout() -> None:
    runs = layouts.layout_runs(v.DATETIME_FORMATS)
    assert [layout for run in runs for layout in run.layouts] == list(v.DATETIME_FORMATS)
    assert len(runs) > 1  # otherwise the guards buy nothing
    for run in runs:
        assert all(run.guard in layout for layout in run.layouts)
        # a skip letter is one no layout of the run could read
        assert not any(c in layout for c in run.skip for layout in run.layouts)
    assert layouts.layout_guard("%Y%m%d") == ""
    assert layouts.layout_guard("%-m月%d日") == "月"
    assert layouts.layout_guard("%Y %m/%d") == "/"


def test_iso_times_skip_the_layouts_without_a_t() -> None:
    runs = layouts.layout_runs(["%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y/%m/%d"])
    assert [(r.layouts, r.guard, r.skip) for r in runs] == [
        (("%Y-%m-%d %H:%M", "%Y-%m-%d"), "-", ("T",)),
        (("%Y-%m-%dT%H:%M",), "-", ()),
        (("%Y/%m/%d",), "/", ()),
    ]
    assert layouts.layout_literals("%Y年%-m月%d日 %H:%M") == ["年", "月", "日", ":"]


def test_a_layout_reading_letters_is_refused() -> None:
    # skip letters are sound only while every directive reads digits
    with pytest.raises(ValueError, match="%b may read letters"):
        layouts.layout_runs(["%d %b %Y", "%Y-%m-%d"])


def _date_texts(seed: int) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for _ in range(300):
        moment = datetime(rnd.randint(1999, 2031), rnd.randint(1, 12), rnd.randint(1, 28))
        moment = moment.replace(hour=rnd.randint(0, 23), minute=rnd.randint(0, 59))
        for layout in v.DATETIME_FORMATS:
            text = moment.strftime(layout)
            out.append(text)
            # near misses: a character dropped, swapped for a separator, or appended
            i = rnd.randrange(len(text))
            out.append(text[:i] + text[i + 1 :])
            out.append(text[:i] + rnd.choice("-/.: Tt年") + text[i + 1 :])
            out.append(text + rnd.choice(["0", ".5", " 1", "Z"]))
    alphabet = "0123456789-/.: Tt年月日"
    out += ["".join(rnd.choices(alphabet, k=rnd.randint(1, 20))) for _ in range(5000)]
    out += ["46111.5", "46111", "2026-02-30", "", "--", "2026/3/30 17:05", "20260330170511"]
    out += ["2026-05-01T00:00:10", "2026-05-01t00:00:10", "2026-05-01T00:00:10.5", "T2026-05-01"]
    return out


def test_layout_runs_parse_like_the_whole_list(con: duckdb.DuckDBPyConnection) -> None:
    _texts(con, _date_texts(11))
    sql = (
        f"select s, fw_ts(s, $formats) as whole, {layouts.ts_expr('s')} as runs from t "
        "where whole is distinct from runs"
    )
    assert con.execute(sql, _params(sql)).fetchall() == []
    parsed = "select count(*) from t where fw_ts(s, $formats) is not null"
    n = con.execute(parsed, _params(parsed)).fetchall()[0][0]
    assert n > 300 * len(v.DATETIME_FORMATS)  # every layout was exercised


def _number_texts(seed: int) -> list[str]:
    rnd = random.Random(seed)
    alphabet = "0123456789.,-+ e¥￥_"
    out = ["".join(rnd.choices(alphabet, k=rnd.randint(1, 9))) for _ in range(50_000)]
    return [*out, "***", "1,130.00", "¥1130", "1.13E+3", " 12", "1 000", "12.345", "-0.005"]


@pytest.mark.parametrize(("macro", "type_"), [("fw_amount", "18, 2"), ("fw_qty", "38, 10")])
def test_numbers_parse_like_the_stripped_cast(
    con: duckdb.DuckDBPyConnection, macro: str, type_: str
) -> None:
    _texts(con, _number_texts(5))
    plain = (
        f"case when s = '***' then 0::decimal({type_}) "
        f"else try_cast(regexp_replace(s, '[,¥￥ ]', '', 'g') as decimal({type_})) end"
    )
    rows = con.execute(f"select s from t where {macro}(s) is distinct from {plain}").fetchall()
    assert rows == []
    # the fast path is taken, and so is the stripping path
    cast = f"try_cast(s as decimal({type_}))"
    plain_casts, stripped_only = con.execute(
        f"select count(*) filter (where {cast} is not null), "
        f"count(*) filter (where {cast} is null and {macro}(s) is not null) from t"
    ).fetchall()[0]
    assert plain_casts > 1000
    assert stripped_only > 100


def test_macros_are_installed_once_per_connection() -> None:
    first, second = duckdb.connect(), duckdb.connect()
    parse.install_macros(first)
    first.execute("drop macro fw_unmark")  # a second install on `first` would bring it back
    parse.install_macros(first)
    assert first.execute(
        "select count(*) from duckdb_functions() where function_name = 'fw_unmark'"
    ).fetchall() == [(0,)]
    parse.install_macros(second)  # a new connection gets its own
    assert second.execute("select fw_unmark('--', ['--'], 2)").fetchall() == [(None,)]


def _summary_texts(seed: int) -> list[str | None]:
    rnd = random.Random(seed)
    alphabet = "合总小计行:：tTsSuUmMbBoOaAlL1 \t\u3000\xa0"
    out: list[str | None] = [
        "".join(rnd.choices(alphabet, k=rnd.randint(0, 9))) for _ in range(20_000)
    ]
    words = ["合计", "合 计行：", "总计", "小计:", "Total", "SUM", "SubTotal", "totals", "1"]
    return [*out, *words, *(f"\u3000{w} " for w in words), "合计" * 11, None]


def test_totals_rows_are_found_as_by_the_expression_alone(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # parse.summary_expr runs the expression only on cells that can begin a match
    # (parse.SUMMARY_LEAD); it must flag exactly the cells the expression alone flags
    con.execute(
        "create or replace temp table _ing_src as select 1 as __row, unnest($v) as c1",
        {"v": _summary_texts(3)},
    )
    match = HeaderMatch("tax_records", ("序号",), (None,))
    plain = (
        "coalesce(strlen(s.c1) <= 32 "
        "and regexp_full_match(lower(fw_trim(s.c1, $ws, $wsc)), $summary_re), false)"
    )
    sql = f"select s.c1 from _ing_src s where {parse.summary_expr(match)} is distinct from {plain}"
    assert con.execute(sql, _params(sql)).fetchall() == []
    flagged = f"select s.c1 from _ing_src s where {parse.summary_expr(match)}"
    found = {r[0] for r in con.execute(flagged, _params(flagged)).fetchall()}
    for word in ["合计", "合 计行：", "总计", "小计:", "Total", "SUM", "SubTotal"]:
        assert {word, f"\u3000{word} "} <= found
    assert not {"totals", "1", "合计" * 11} & found
