"""The benchmark's pandas baseline computes what ``merchant_period_metrics`` holds.

A small generated set goes through our loader and analyse, and through bench/pandas_baseline.py;
per merchant and month (and quarter) the counts and rates must agree exactly, so the benchmark
compares two implementations of the same work. The baseline applies the loader's row rules and
keeps the first valid row per key, so no tolerance is needed.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from analytics import warehouse
from analytics.ingest import ingest_paths
from analytics.pipeline import STAGES, analyse

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import pandas_baseline  # noqa: E402
from bench_data import bench_files  # noqa: E402

TODAY = date(2026, 11, 29)
COMPARED = (
    "invoices_issued",
    "invoices_due",
    "invoices_recorded",
    "on_time_count",
    "late_count",
    "missing_count",
    "duplicate_count",
    "red_count",
    "merchant_log_missing_count",
    "invoice_requests",
    "not_invoiced_count",
    "under_invoiced_count",
    "entry_rate",
    "on_time_rate",
    "delay_p50",
    "delay_p95",
)


@pytest.fixture(scope="module")
def small_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import analytics.synth.generate  # noqa: F401

    gen = sys.modules["analytics.synth.generate"]
    out = tmp_path_factory.mktemp("bench") / "data"
    old = gen.XLSX_MAX_INVOICES  # type: ignore[attr-defined]
    gen.XLSX_MAX_INVOICES = 0  # type: ignore[attr-defined]
    try:
        gen.generate(out, seed=7, invoices=12_000, months=4, progress=False)  # type: ignore[attr-defined]
    finally:
        gen.XLSX_MAX_INVOICES = old  # type: ignore[attr-defined]
    return out


def _ours(data: Path) -> pd.DataFrame:
    con = warehouse.connect(":memory:")
    ingest_paths(con, bench_files(data), progress=False, today=TODAY)
    wanted = {"reconcile", "complaints", "merchant_metrics"}
    analyse(con, progress=False, stages=[s for s in STAGES if s.name in wanted], publish=False)
    cols = ", ".join(COMPARED)
    frame: pd.DataFrame = con.sql(
        f"select merchant_id, period_type, period, {cols} from merchant_period_metrics"
    ).df()
    con.close()
    return frame


def test_baseline_matches_merchant_period_metrics(small_set: Path) -> None:
    ours = _ours(small_set)
    theirs = pandas_baseline.run(small_set, today=TODAY)
    keys = ["merchant_id", "period_type", "period"]
    merged = ours.merge(theirs, on=keys, how="outer", suffixes=("_ours", "_pandas"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"][keys].head()
    assert len(ours) > 100
    assert set(ours["period_type"]) == {"month", "quarter"}
    assert ours["missing_count"].sum() > 0
    assert ours["late_count"].sum() > 0
    for col in COMPARED:
        a = merged[f"{col}_ours"].astype("float64")
        b = merged[f"{col}_pandas"].astype("float64")
        same = ((a - b).abs() < 1e-9) | (a.isna() & b.isna())
        assert same.all(), f"{col}: {int((~same).sum())} merchant-periods differ"


def test_baseline_drops_the_rows_our_loader_rejects(small_set: Path) -> None:
    """Rows read minus rejected rows = the baseline's invoices (first valid row per key)."""
    con = warehouse.connect(":memory:")
    issued_files, _, _ = pandas_baseline.files(small_set)
    ingest_paths(con, issued_files, progress=False, today=TODAY)
    loaded = con.execute("select count(*) from issued_invoices").fetchall()[0][0]
    baseline = pandas_baseline.read_invoices(issued_files, "issued_invoices", today=TODAY)
    assert isinstance(con, duckdb.DuckDBPyConnection)
    assert len(baseline) == loaded
