"""One measured run of our pipeline (a child process of bench_pipeline.py).

    python bench/bench_ours.py full DB FILE...        # fresh warehouse: ingest + analyse
    python bench/bench_ours.py day  DB BASE_DIR DAY_DIR  # base + analyse, then one new day

Prints one JSON line with the step timings; the parent measures wall, CPU and peak RSS. A
full run also samples its own RSS every 50 ms (Linux ``/proc``) and reports the peak of ingest
and of each analyse stage, so that a peak can be traced to the stage that made it (stages are
placed by their timings, so a sample at a boundary may land in the neighbouring stage).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics import warehouse
from analytics.ingest import ingest_paths
from analytics.pipeline import analyse


class RssSampler:
    """Resident set size of this process, sampled on a daemon thread (MiB, perf_counter)."""

    STATUS = Path("/proc/self/status")

    def __init__(self, every_s: float = 0.05) -> None:
        self.samples: list[tuple[float, int]] = []
        self._every = every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for line in self.STATUS.read_text().splitlines():
                if line.startswith("VmRSS:"):
                    self.samples.append((time.perf_counter(), int(line.split()[1]) // 1024))
            self._stop.wait(self._every)

    def __enter__(self) -> RssSampler:
        if self.STATUS.exists():
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def peak(self, start: float, end: float) -> int | None:
        inside = [mib for t, mib in self.samples if start <= t < end]
        return max(inside) if inside else None


def full(db: Path, files: list[Path]) -> dict[str, object]:
    db.unlink(missing_ok=True)
    with RssSampler() as rss:
        con = warehouse.connect(db)
        t0 = time.perf_counter()
        results = ingest_paths(con, files, progress=False)
        t1 = time.perf_counter()
        result = analyse(con, progress=False)
        t2 = time.perf_counter()
        con.close()
        t3 = time.perf_counter()
    seconds = {"ingest": round(t1 - t0, 2), "analyse": round(t2 - t1, 2)}
    seconds |= {f"  {k}": v for k, v in result.stage_seconds.items()}
    peaks: dict[str, int | None] = {"ingest": rss.peak(t0, t1), "analyse": rss.peak(t1, t3)}
    start = t1
    for stage, spent in result.stage_seconds.items():
        peaks[f"  {stage}"] = rss.peak(start, start + spent)
        start += spent
    return {
        "rows_read": sum(r.rows_read for r in results),
        "rows_loaded": sum(r.rows_loaded for r in results),
        "rows_rejected": sum(r.rows_rejected for r in results),
        "seconds": seconds,
        "peak_rss_mib": peaks,
    }


def day(db: Path, base: Path, new: Path, label: str) -> dict[str, object]:
    db.unlink(missing_ok=True)
    con = warehouse.connect(db)
    t0 = time.perf_counter()
    ingest_paths(con, [base], progress=False)
    first = analyse(con, progress=False)
    t1 = time.perf_counter()
    results = ingest_paths(con, [new], progress=False)
    t2 = time.perf_counter()
    second = analyse(con, progress=False)
    t3 = time.perf_counter()
    con.close()
    return {
        "day": label,
        "base_s": round(t1 - t0, 2),
        "base_mode": first.mode,
        "day_rows": sum(r.rows_read for r in results),
        "ingest_day_s": round(t2 - t1, 2),
        "analyse_s": round(t3 - t2, 2),
        "mode": second.mode,
        "months": list(second.months),
        "stages": second.stage_seconds,
    }


def main() -> None:
    mode, db = sys.argv[1], Path(sys.argv[2])
    paths = [Path(p) for p in sys.argv[3:]]
    out = full(db, paths) if mode == "full" else day(db, paths[0], paths[1], sys.argv[5])
    print(json.dumps(out, default=str))


if __name__ == "__main__":
    main()
