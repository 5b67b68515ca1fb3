"""The credit what-if (analytics.credit_whatif): stored scores rescored under changed rules."""

from __future__ import annotations

import dataclasses
from datetime import date

import duckdb
import polars as pl
import pytest

from analytics import credit_views, credit_whatif
from analytics.credit_scheme import SchemeError, load_scheme, parse_scheme
from analytics.credit_whatif import RuleChange
from analytics.views import Filters

SCHEME = load_scheme()
RULES = {r.id: r for r in SCHEME.rules}
BANDS = (SCHEME.a_min, SCHEME.b_min, SCHEME.c_min)


def _item(rule_id: str, value: float | None, count: float | None = None) -> dict[str, object]:
    rule = RULES[rule_id]
    return {
        "rule": rule_id,
        "metric": rule.metric,
        "value": value,
        "threshold": rule.threshold,
        "points": 0.0,  # the rescore never reads the stored points
        "cap": rule.cap,
        "count": count,
    }


def _rows(*breakdowns: list[dict[str, object]], invoices: int = 500) -> pl.DataFrame:
    """Stored-score rows of one quarter, each a merchant registered long ago."""
    n = len(breakdowns)
    return pl.DataFrame(
        {
            "merchant_id": [f"m{i}" for i in range(n)],
            "period_type": ["quarter"] * n,
            "period_end": [date(2026, 9, 30)] * n,
            "registered_on": [date(2015, 1, 1)] * n,
            "invoices_issued": [invoices] * n,
            "score": [100.0] * n,
            "grade": ["A"] * n,
            "breakdown": list(breakdowns),
        }
    )


def _change(rule_id: str, **values: float | bool) -> RuleChange:
    rule = RULES[rule_id]
    base = {"threshold": rule.threshold, "points_per_unit": rule.points_per_unit, "cap": rule.cap}
    return RuleChange(rule_id, **(base | values))  # type: ignore[arg-type]


def test_the_unchanged_scheme_gives_every_stored_score_and_grade(
    snapshot: duckdb.DuckDBPyConnection,
) -> None:
    con = snapshot.cursor()
    periods = credit_views.credit_periods(con)["period"].to_list()
    assert len(periods) >= 2
    checked, deducting, grades = 0, 0, set()
    for period in periods:
        rows = credit_views.whatif_rows(con, Filters("", ""), period)
        assert rows["scheme_id"].unique().to_list() == [SCHEME.scheme_id]
        out = credit_whatif.rescore(rows, SCHEME)
        assert out["whatif_score"].to_list() == rows["score"].to_list()
        assert out["whatif_grade"].to_list() == rows["grade"].to_list()
        assert set(out["grade_change"].drop_nulls()) <= {"same"}
        checked += rows.height
        deducting += int((out["whatif_points"] > 0).sum())
        grades |= set(out["whatif_grade"])
    # every rule's arithmetic is exercised: many merchants lose points, grades spread
    assert checked > 400
    assert deducting > 50
    assert grades >= {"A", "B", "M"}


def test_points_threshold_cap_and_switching_a_rule_off_move_the_score() -> None:
    # entry rate 95%: 3 points under 98%, 2.5 each = 7.5; score 92.5 (A)
    rows = _rows([_item("entry_rate", 0.95)])
    assert credit_whatif.rescore(rows, SCHEME)["whatif_score"].to_list() == [92.5]

    def score(*changes: RuleChange, bands: tuple[float, float, float] = BANDS) -> tuple[float, str]:
        scheme = credit_whatif.edited(SCHEME, changes, bands)
        out = credit_whatif.rescore(rows, scheme)
        return out["whatif_score"][0], out["whatif_grade"][0]

    assert score(_change("entry_rate", points_per_unit=5.0)) == (85.0, "B")  # 15 points
    assert score(_change("entry_rate", points_per_unit=5.0, cap=12.0)) == (88.0, "B")
    assert score(_change("entry_rate", threshold=0.96)) == (97.5, "A")  # 1 point under
    assert score(_change("entry_rate", threshold=0.95)) == (100.0, "A")  # not below it
    assert score(_change("entry_rate", enabled=False)) == (100.0, "A")
    assert score(_change("entry_rate", points_per_unit=5.0), bands=(85, 70, 40)) == (85.0, "A")


def test_a_count_floor_still_holds_and_no_value_deducts_nothing() -> None:
    # 11.5% of requests uninvoiced (threshold 2%), but 1 request < the floor of 2: no points
    few = [_item("under_invoicing", 0.115, count=1.0), _item("entry_rate", None)]
    many = [_item("under_invoicing", 0.115, count=3.0), _item("entry_rate", None)]
    stricter = credit_whatif.edited(
        SCHEME, [_change("under_invoicing", points_per_unit=2.0)], BANDS
    )
    out = credit_whatif.rescore(_rows(few, many), stricter)
    assert out["whatif_points"].to_list() == [0.0, 15.0]  # 9.5 x 2 = 19, capped at 15
    assert out["whatif_score"].to_list() == [100.0, 85.0]


def test_m_merchants_stay_m_whatever_the_rules() -> None:
    quiet = _rows([_item("entry_rate", 0.5)], invoices=2).with_columns(grade=pl.lit("M"))
    out = credit_whatif.rescore(quiet, credit_whatif.edited(SCHEME, [], (60, 50, 10)))
    assert out["whatif_grade"].to_list() == ["M"]
    assert out["whatif_m_reason_en"][0] is not None
    assert out["grade_change"].to_list() == [None]


def test_grade_changes_and_migration_count_the_moves() -> None:
    rows = _rows([_item("entry_rate", 0.95)], [_item("entry_rate", 0.99)]).with_columns(
        score=pl.Series([92.5, 100.0]), grade=pl.Series(["A", "A"])
    )
    out = credit_whatif.rescore(rows, credit_whatif.edited(SCHEME, [], (95, 70, 40)))
    assert out["whatif_grade"].to_list() == ["B", "A"]
    assert out["grade_change"].to_list() == ["down", "same"]
    moves = credit_whatif.migration(out).filter(pl.col("merchants") > 0)
    assert sorted(moves.rows()) == [("A", "A", 1), ("A", "B", 1)]


def test_problems_name_what_the_file_would_refuse() -> None:
    assert credit_whatif.problems(SCHEME, [], BANDS) == []
    too_much = credit_whatif.problems(SCHEME, [_change("entry_rate", cap=30.0)], BANDS)
    assert [(p.key, p.values) for p in too_much] == [("caps", {"total": "105"})]
    # switching a rule off frees its cap
    assert (
        credit_whatif.problems(
            SCHEME, [_change("entry_rate", cap=30.0), _change("duplicates", enabled=False)], BANDS
        )
        == []
    )
    assert [p.key for p in credit_whatif.problems(SCHEME, [], (90, 95, 40))] == ["bands"]
    off = [_change(r.id, enabled=False) for r in SCHEME.rules]
    assert [p.key for p in credit_whatif.problems(SCHEME, off, BANDS)] == ["no_rules"]
    zero = credit_whatif.problems(SCHEME, [_change("duplicates", points_per_unit=0.0)], BANDS)
    assert [(p.key, p.values) for p in zero] == [("not_positive", {"rule": "duplicates"})]
    with pytest.raises(SchemeError, match="caps add up to 105"):
        credit_whatif.edited(SCHEME, [_change("entry_rate", cap=30.0)], BANDS)
    with pytest.raises(SchemeError, match="unknown rules nope"):
        credit_whatif.edited(SCHEME, [RuleChange("nope", 1.0, 1.0, 1.0)], BANDS)


def test_the_exported_file_reads_back_as_the_scheme_it_came_from() -> None:
    text = credit_whatif.scheme_toml(SCHEME, "exported\nfor a test")
    assert text.startswith("# exported\n# for a test\n")
    again = parse_scheme(text)
    fields = [f.name for f in dataclasses.fields(SCHEME) if f.name != "scheme_id"]
    assert {f: getattr(again, f) for f in fields} == {f: getattr(SCHEME, f) for f in fields}
    # an untouched form is the scheme in force, descriptions and all
    same = credit_whatif.edited(SCHEME, [_change(r.id) for r in SCHEME.rules], BANDS)
    assert same.rules == SCHEME.rules


def test_a_changed_rule_is_described_by_its_new_numbers() -> None:
    changed = credit_whatif.edited(
        SCHEME,
        [_change("entry_rate", threshold=0.97, points_per_unit=3.0), _change("duplicates")],
        BANDS,
    )
    rules = {r.id: r for r in changed.rules}
    assert rules["entry_rate"].description_zh == (
        "入库率低于 97.0% 的，每低 1 个百分点扣 3 分，最多扣 25 分"
    )
    assert rules["entry_rate"].description_en == (
        "Entry rate below 97.0%: 3 points per 1 percentage point, at most 25"
    )
    assert rules["duplicates"].description_zh == RULES["duplicates"].description_zh  # untouched
    floor = credit_whatif.describe(dataclasses.replace(RULES["red_reversals"], cap=8.0))
    assert "（红字发票数至少 3）" in floor[0]
    assert floor[1].endswith("at most 8")


def test_rules_the_breakdown_lacks_deduct_nothing_and_extra_ones_are_ignored() -> None:
    # scored before the scheme had "duplicates", and with a rule it no longer has
    gone = {**_item("entry_rate", 0.90), "rule": "retired_rule"}
    rows = _rows([_item("entry_rate", 0.95), gone])
    out = credit_whatif.rescore(rows, SCHEME)
    assert out["whatif_points"].to_list() == [7.5]
    assert out["whatif_score"].to_list() == [92.5]


def test_the_m_limits_decide_who_is_rated() -> None:
    # registered 8 months before the quarter's end, 4 invoices: M twice over under the scheme
    rows = _rows([_item("entry_rate", 1.0)], invoices=4).with_columns(
        registered_on=pl.lit(date(2026, 1, 31)), grade=pl.lit("M")
    )

    def grade(months: int, invoices: int) -> str:
        rating = credit_whatif.Rating(months, "quarter", invoices)
        scheme = credit_whatif.edited(SCHEME, [], BANDS, rating)
        return str(credit_whatif.rescore(rows, scheme)["whatif_grade"][0])

    assert grade(SCHEME.min_months_registered, SCHEME.min_invoices["quarter"]) == "M"
    assert grade(6, SCHEME.min_invoices["quarter"]) == "M"  # still too quiet
    assert grade(SCHEME.min_months_registered, 3) == "M"  # still too new
    assert grade(6, 3) == "A"
    kept = credit_whatif.edited(SCHEME, [], BANDS, credit_whatif.Rating(6, "quarter", 3))
    assert kept.min_invoices["trailing_12m"] == SCHEME.min_invoices["trailing_12m"]
    with pytest.raises(SchemeError, match="unknown period type"):
        credit_whatif.edited(SCHEME, [], BANDS, credit_whatif.Rating(6, "month", 3))


def test_by_district_splits_the_moves_and_sums_to_them() -> None:
    rows = _rows(
        [_item("entry_rate", 0.95)], [_item("entry_rate", 0.99)], [_item("entry_rate", 0.90)]
    ).with_columns(
        district=pl.Series(["朝阳区", "朝阳区", "海淀区"]),
        score=pl.Series([92.5, 100.0, 80.0]),
        grade=pl.Series(["A", "A", "B"]),
    )
    out = credit_whatif.rescore(rows, credit_whatif.edited(SCHEME, [], (95, 70, 40)))
    split = credit_whatif.by_district(out).sort("district")
    assert split.rows() == [("朝阳区", 2, 2, 1, 0, 1), ("海淀区", 1, 0, 0, 0, 0)]
    assert split["down"].sum() == int((out["grade_change"] == "down").sum())
