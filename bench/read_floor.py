"""The time any ingest must spend just to read the benchmark's files: no typing, no checks.

The pipeline goal of issue 3 (ingest + analyse of 10M invoices in 40 s on 2 cores) is set on
a run that reads ~44M rows from ~6 GB of files. This script times, on the same files and the
same DuckDB with two threads, what every loader has to do before it can check a single value:

* ``fingerprint``: each file's SHA-256 and encoding (the loader's own ``scan_file``, two
  threads as in planning), which is what makes a re-import a no-op;
* ``tokenise``: DuckDB's readers over every file, counting rows (projection pushdown lets the
  CSV reader skip building the values);
* ``touch``: every value read and hashed once, streamed, nothing kept;
* ``materialise``: every file read into a temporary table as text, what the loader's
  ``_ing_src`` holds before typing (GBK files transcoded to UTF-8 first, as the loader does).

    python bench/read_floor.py                 # the 10M files (generated if absent)
    python bench/read_floor.py --invoices 1000000

Writes ``bench/results/read_floor_<N>.json``.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_data import bench_files, ensure_data  # noqa: E402
from bench_pipeline import RESULTS, data_root  # noqa: E402

from analytics.ingest.csvfile import transcode  # noqa: E402
from analytics.ingest.readers import FileScan, scan_file  # noqa: E402


def reader(path: Path, scan: FileScan) -> tuple[str, Path | None]:
    """DuckDB's reader for one file (the file bound as ``$p``), every column as text where
    the format allows; the transcoded copy to read and delete afterwards, if any."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return "read_parquet($p)", None
    if suffix in (".jsonl", ".json"):
        return "read_json($p, format = 'newline_delimited')", None
    copy = None
    if scan.encoding not in ("utf-8", "utf-8-sig"):
        copy = transcode(path, scan.encoding or "gb18030")
    return "read_csv($p, all_varchar = true, header = true)", copy


def timed(fn: Callable[[], int]) -> dict[str, float | int]:
    r0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    rows = fn()
    wall, r1 = time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF)
    cpu = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=10_000_000)
    args = parser.parse_args()
    files = bench_files(ensure_data(data_root(), args.invoices))
    con = duckdb.connect()
    con.execute("set threads = 2")
    scans: dict[Path, FileScan] = {}

    def fingerprint() -> int:
        with ThreadPoolExecutor(max_workers=2) as pool:
            scans.update(zip(files, pool.map(scan_file, files), strict=True))
        return 0

    def over_files(select: str, count: str) -> Callable[[], int]:
        def run() -> int:
            rows = 0
            for path in files:
                source, copy = reader(path, scans[path])
                try:
                    con.execute(
                        "create or replace temp table _floor as " + select.format(source),
                        {"p": str(copy or path)},
                    )
                    rows += int(con.execute(f"select {count} from _floor").fetchall()[0][0])
                finally:
                    if copy is not None:
                        copy.unlink()
            con.execute("drop table if exists _floor")
            return rows

        return run

    passes = {
        "fingerprint": fingerprint,
        "tokenise": over_files("select count(*) as n from {}", "n"),
        "touch": over_files("select count(*) as n, bit_xor(hash(columns(*))) from {}", "n"),
        "materialise": over_files("select * from {}", "count(*)"),
    }
    results: dict[str, dict[str, float | int]] = {}
    for name, fn in passes.items():
        results[name] = timed(fn)
        print(f"{name:<12} {results[name]}", flush=True)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"read_floor_{args.invoices}.json"
    out.write_text(json.dumps({"files": len(files), "passes": results}, indent=1) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
