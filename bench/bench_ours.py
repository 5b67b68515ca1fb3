"""One measured run of our pipeline (a child process of bench_pipeline.py).

    python bench/bench_ours.py full DB FILE...        # fresh warehouse: ingest + analyse
    python bench/bench_ours.py day  DB BASE_DIR DAY_DIR  # base + analyse, then one new day

Prints one JSON line with the step timings; the parent measures wall, CPU and peak RSS.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics import warehouse
from analytics.ingest import ingest_paths
from analytics.pipeline import analyse


def full(db: Path, files: list[Path]) -> dict[str, object]:
    db.unlink(missing_ok=True)
    con = warehouse.connect(db)
    t0 = time.perf_counter()
    results = ingest_paths(con, files, progress=False)
    t1 = time.perf_counter()
    result = analyse(con, progress=False)
    t2 = time.perf_counter()
    con.close()
    seconds = {"ingest": round(t1 - t0, 2), "analyse": round(t2 - t1, 2)}
    seconds |= {f"  {k}": v for k, v in result.stage_seconds.items()}
    return {
        "rows_read": sum(r.rows_read for r in results),
        "rows_loaded": sum(r.rows_loaded for r in results),
        "rows_rejected": sum(r.rows_rejected for r in results),
        "seconds": seconds,
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
