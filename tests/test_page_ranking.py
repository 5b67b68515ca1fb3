"""Merchant ranking page (商户排名) under AppTest on the small generated warehouse."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest
from apptest import errors, metrics, open_page, table_with, texts
from streamlit.testing.v1 import AppTest

from analytics import credit_views, credit_whatif, formatting, periods, views
from analytics.credit_scheme import load_scheme
from analytics.views import Filters
from dashboard import components
from dashboard.i18n import LABELS


def _everything(con: duckdb.DuckDBPyConnection) -> Filters:
    months = views.available_months(con)
    return Filters(months[0], months[-1])


def test_the_ranking_shows_the_simulated_grades_of_the_default_period(
    snapshot: duckdb.DuckDBPyConnection,
) -> None:
    con = snapshot.cursor()
    f = _everything(con)
    period = credit_views.default_credit_period(credit_views.credit_periods(con), f.period_to)
    assert period is not None
    ranked = credit_views.ranking(con, f, period)
    at = open_page("ranking")
    assert errors(at) == []
    shown = metrics(at)
    assert shown[LABELS["ranking.kpi.merchants"][0]] == formatting.count(ranked.height)
    rated = ranked.filter(pl.col("grade") != "M")
    assert shown[LABELS["ranking.kpi.rated"][0]] == formatting.count(rated.height)
    assert [w.value for w in at.warning] == [LABELS["scores.simulation"][0]]  # says "模拟"
    assert "模拟" in at.title[0].value
    assert at.selectbox(key="rk_period").value == period
    table = at.dataframe[0].value
    assert table[LABELS["scores.grade"][0]].tolist()[:3] == [
        LABELS[f"grade.{g}"][0] for g in ranked["grade"].head(3)
    ]
    assert len(at.get("plotly_chart")) == 1


def test_search_window_and_language_come_from_the_url(snapshot: duckdb.DuckDBPyConnection) -> None:
    con = snapshot.cursor()
    window = credit_views.credit_periods(con).filter(pl.col("period_type") == "trailing_12m")
    period = window["period"][0]
    ranked = credit_views.ranking(con, _everything(con), period)
    needle = ranked["merchant_id"][0][:8]
    hits = ranked.filter(pl.col("merchant_id").str.contains(needle, literal=True))
    at = open_page(
        "ranking", rk_period=period, rk_query=needle.lower(), rk_by_district="true", lang="en"
    )
    assert errors(at) == []
    caption = LABELS["ranking.shown"][1].format(
        shown=formatting.count(hits.height), total=formatting.count(ranked.height)
    )
    assert caption in texts(at)
    assert at.dataframe[0].value.shape[0] == hits.height
    assert at.toggle(key="rk_by_district").value is True
    assert metrics(at)[LABELS["ranking.kpi.merchants"][1]] == formatting.count(ranked.height)


def test_a_district_filter_narrows_the_ranking(snapshot: duckdb.DuckDBPyConnection) -> None:
    con = snapshot.cursor()
    f = _everything(con)
    period = credit_views.default_credit_period(credit_views.credit_periods(con), f.period_to)
    assert period is not None
    district = credit_views.ranking(con, f, period)["district"].mode().sort()[0]
    narrowed = credit_views.ranking(con, Filters("", "", districts=(district,)), period)
    at = open_page("ranking", district=district, rk_grade=["A", "B"])
    assert errors(at) == []
    assert metrics(at)[LABELS["ranking.kpi.merchants"][0]] == formatting.count(narrowed.height)
    assert at.dataframe[0].value.shape[0] == narrowed["grade"].is_in(["A", "B"]).sum()


def test_grades_against_the_previous_quarter_and_only_the_downgraded(
    snapshot: duckdb.DuckDBPyConnection,
) -> None:
    con = snapshot.cursor()
    quarters = credit_views.credit_periods(con).filter(pl.col("period_type") == "quarter")
    first, latest = quarters["period"][0], quarters["period"][-1]
    ranked = credit_views.ranking(con, _everything(con), latest)
    scores = con.sql("select merchant_id, period, grade from credit_scores").pl()
    before = dict(scores.filter(pl.col("period") == first).select("merchant_id", "grade").rows())
    order = "ABCD"
    fell = sorted(
        m
        for m, g in ranked.select("merchant_id", "grade").rows()
        if g in order and before.get(m, "M") in order and order.index(g) > order.index(before[m])
    )
    assert fell, "the small warehouse has downgrades to show"
    assert credit_views.previous_period(latest) == first

    at = open_page("ranking", rk_period=latest, rk_down="true")
    assert errors(at) == []
    shown = metrics(at)
    assert shown[LABELS["ranking.migration.down"][0]] == formatting.count(len(fell))
    assert shown[LABELS["ranking.migration.new"][0]] == formatting.count(
        sum(1 for m in ranked["merchant_id"] if m not in before)
    )
    assert len(at.get("plotly_chart")) == 2  # the distribution and the grade migration
    table = at.dataframe[0].value
    ids = table[LABELS["common.merchant_id"][0]].tolist()
    assert sorted(ids) == fell  # only the downgraded
    assert set(table[LABELS["ranking.change"][0]]) == {LABELS["ranking.change.down"][0]}
    previous = table[LABELS["ranking.previous_grade"][0]].tolist()
    assert previous == [LABELS[f"grade.{before[m]}"][0] for m in ids]

    at = open_page("ranking", rk_period=first)  # nothing scored before the first quarter
    assert errors(at) == []
    none = LABELS["ranking.migration.none"][0].format(
        previous=f"{credit_views.previous_period(first)} 季度"
    )
    assert none in texts(at)
    assert len(at.get("plotly_chart")) == 1


def test_the_downgraded_go_to_the_self_check_page_and_a_long_table_says_to_narrow_it(
    snapshot: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A credit analyst sends the downgraded their quarter's self-check reports; a table too
    long for one zip (over MAX_LIST merchants, 2 here) offers no button but says so."""
    con = snapshot.cursor()
    quarters = credit_views.credit_periods(con).filter(pl.col("period_type") == "quarter")
    latest = quarters["period"][-1]
    at = open_page("ranking", rk_period=latest, rk_down="true")
    ids = at.dataframe[0].value[LABELS["common.merchant_id"][0]].tolist()
    button = at.button(key="rk_self_check")
    assert button.label == LABELS["common.self_check_list"][0].format(
        n=formatting.count(len(ids)), period=latest
    )
    button.click()
    at.run()
    assert errors(at) == []
    assert at.title[0].value == LABELS["self_check.title"][0]
    assert at.text_area(key="sc_list").value.split("\n") == ids
    assert at.selectbox(key="sc_period").value == latest

    monkeypatch.setattr(components, "MAX_LIST", 2)
    at = open_page("ranking", rk_period=latest)
    assert errors(at) == []
    assert not [b for b in at.button if b.key == "rk_self_check"]
    assert LABELS["common.self_check_list.narrow"][0].format(n=2) in texts(at)


def _default_period(con: duckdb.DuckDBPyConnection) -> tuple[Filters, str]:
    """The page's filters with nothing chosen, and the period it opens on."""
    f = _everything(con)
    period = credit_views.default_credit_period(credit_views.credit_periods(con), f.period_to)
    assert period is not None
    return f, period


def _apply(at: AppTest) -> None:
    """Submit the what-if form (its 计算 button) and rerun."""
    next(b for b in at.button if b.label == LABELS["ranking.whatif.apply"][0]).click()
    at.run()


def test_the_what_if_rescores_the_period_when_the_bands_move(
    snapshot: duckdb.DuckDBPyConnection,
) -> None:
    f, period = _default_period(snapshot.cursor())
    con = snapshot.cursor()
    at = open_page("ranking", rk_whatif="true")
    assert errors(at) == []
    assert LABELS["ranking.whatif.same"][0] in texts(at)  # untouched: nothing moves
    scheme = load_scheme()
    assert at.number_input(key="rk_wi_a_min").value == scheme.a_min
    at.number_input(key="rk_wi_a_min").set_value(80.0)
    at.number_input(key="rk_wi_entry_rate_pts").set_value(5.0)
    _apply(at)
    assert errors(at) == []
    changes = [
        credit_whatif.RuleChange(
            r.id, r.threshold, 5.0 if r.id == "entry_rate" else r.points_per_unit, r.cap
        )
        for r in scheme.rules
    ]
    whatif = credit_whatif.edited(scheme, changes, (80.0, scheme.b_min, scheme.c_min))
    expected = credit_whatif.rescore(credit_views.whatif_rows(con, f, period), whatif)
    ups = int((expected["grade_change"] == "up").sum())
    downs = int((expected["grade_change"] == "down").sum())
    assert ups > 0
    shown = metrics(at)
    assert shown[LABELS["ranking.whatif.up"][0]] == formatting.count(ups)
    assert shown[LABELS["ranking.whatif.down"][0]] == formatting.count(downs)
    moved = table_with(at, LABELS["ranking.whatif.grade_new"][0])
    assert moved.shape[0] == ups + downs
    districts = table_with(at, LABELS["ranking.whatif.a_now"][0])
    assert districts.shape[0] == expected["district"].n_unique()
    assert districts[LABELS["ranking.whatif.up"][0]].sum() == ups
    assert [d.label for d in at.get("download_button")].count(
        LABELS["ranking.whatif.download"][0]
    ) == 1


def test_the_what_if_refuses_caps_past_100_in_words(snapshot: duckdb.DuckDBPyConnection) -> None:
    at = open_page("ranking", rk_whatif="true")
    at.number_input(key="rk_wi_entry_rate_cap").set_value(30.0)
    _apply(at)
    assert errors(at) == []
    assert [e.value for e in at.error] == [
        LABELS["ranking.whatif.problem.caps"][0].format(total="105")
    ]
    assert LABELS["ranking.whatif.changed"][0] not in " ".join(texts(at))
    assert not [d for d in at.get("download_button") if "规则文件" in d.label]


def test_the_what_if_m_limits_rate_the_merchants_they_let_in(
    snapshot: duckdb.DuckDBPyConnection,
) -> None:
    f, period = _default_period(snapshot.cursor())
    con = snapshot.cursor()
    at = open_page("ranking", rk_whatif="true")
    at.number_input(key="rk_wi_min_months").set_value(0)
    kind = "trailing_12m" if period.endswith("-T12M") else "quarter"
    at.number_input(key=f"rk_wi_min_invoices_{kind}").set_value(0)
    _apply(at)
    assert errors(at) == []
    scheme = load_scheme()
    bands = (scheme.a_min, scheme.b_min, scheme.c_min)
    whatif = credit_whatif.edited(scheme, [], bands, credit_whatif.Rating(0, kind, 0))
    out = credit_whatif.rescore(credit_views.whatif_rows(con, f, period), whatif)
    assert out["whatif_grade"].is_in(["M"]).sum() == 0  # everyone is rated
    assert out["grade"].is_in(["M"]).sum() > 0
    rated = out.filter(pl.col("whatif_grade") != "M")
    share = rated.select(pl.col("whatif_grade").eq("A").mean()).item()
    assert metrics(at)[LABELS["ranking.whatif.a_share"][0]] == formatting.pct(share)


def test_a_quarter_not_over_at_the_as_of_time_is_labelled_so(
    snapshot: duckdb.DuckDBPyConnection,
) -> None:
    """Its M grades are mostly "too few invoices so far": the period list says it is not over."""
    con = snapshot.cursor()
    as_of = con.execute("select max(as_of) from analysis_runs").fetchone()[0]
    quarters = credit_views.credit_periods(con).filter(pl.col("period_type") == "quarter")
    expected = [
        LABELS["scores.period.quarter_partial"][0].format(period=q, as_of=f"{as_of:%Y-%m-%d}")
        if periods.in_progress(periods.months_of_quarter(q)[-1], as_of)
        else LABELS["scores.period.quarter"][0].format(period=q)
        for q in quarters["period"]
    ]
    assert any("未结束" in label for label in expected), "the small warehouse ends mid-quarter"
    at = open_page("ranking")
    assert errors(at) == []
    assert at.selectbox(key="rk_period").options[: len(expected)] == expected
