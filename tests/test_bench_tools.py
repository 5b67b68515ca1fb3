"""The benchmark's own measuring tools: the RSS sampler of ``bench_ours.py`` and the summary
line that says where a run peaked (``bench_pipeline.py``)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import bench_ours  # noqa: E402
import bench_pipeline  # noqa: E402


def test_sampler_sees_an_allocation_and_places_it_in_time() -> None:
    with bench_ours.RssSampler(every_s=0.01) as rss:
        time.sleep(0.1)
        t0 = time.perf_counter()
        block = bytearray(256 * 1024 * 1024)  # calloc'd lazily: write a byte per page
        block[::4096] = b"\x01" * len(block[::4096])
        time.sleep(0.1)
        t1 = time.perf_counter()
        del block
        time.sleep(0.05)
    assert rss.samples, "no sample taken"
    before = rss.peak(0.0, t0)
    during = rss.peak(t0, t1)
    assert before is not None
    assert during is not None
    assert during - before >= 200  # MiB: the 256 MiB block, less what was resident before
    assert rss.peak(t1 + 10, t1 + 20) is None  # no sample in that window


def test_peak_words_name_the_stage_with_the_highest_sample() -> None:
    peaks = {"ingest": 2369, "analyse": 2634, "  reconcile": 2518, "  anomaly": 2634, "  x": None}
    assert bench_pipeline._peak_words(peaks) == "ingest 2,369, analyse 2,634 (highest in anomaly)"


def test_markdown_reports_where_each_run_peaked() -> None:
    run = {
        "wall_s": 1.0,
        "cpu_s": 1.5,
        "peak_rss_mib": 100.0,
        "detail": {
            "seconds": {"ingest": 0.4, "analyse": 0.6, "  reconcile": 0.6},
            "peak_rss_mib": {"ingest": 90, "analyse": 100, "  reconcile": 100},
        },
    }
    summary = bench_pipeline.summarise(1000, [run], [], None)
    text = bench_pipeline.markdown(summary, "cmd")
    assert "Where each run of ours peaks (sampled RSS, MiB): ingest 90, analyse 100 " in text
    assert "(highest in reconcile)." in text
