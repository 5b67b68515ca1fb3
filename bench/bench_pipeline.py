"""Benchmark: ingest + analyse at N invoices against a plain pandas baseline (issue 3, section 9).

    python bench/bench_pipeline.py                       # 10,000,000 invoices, 3 runs each
    python bench/bench_pipeline.py --invoices 1000000    # quick run
    python bench/bench_pipeline.py --runs 2 --skip-pandas

1. Files: N issued invoices with their tax records and payments, written by the generator into
   ``$FAPIAO_BENCH_DATA/<N>/`` (default /work/bench_data, else bench/out/data) once, not timed.
2. Alternating runs, each in its own subprocess (ours, pandas, ours, pandas, ...): ours =
   ``ingest_paths`` of the files into a fresh warehouse file + ``analyse`` (every stage of
   ``pipeline.STAGES``, and the serving snapshot); pandas = ``bench/pandas_baseline.py`` on the
   same files. Wall time, CPU time (user + sys) and peak RSS of each child come from
   ``os.wait4``.
3. Re-analyse after one new day: the files minus their last issue day are loaded and analysed
   (not timed), then the day's files are ingested and ``analyse`` runs incrementally (timed).

Medians, ratios and peak memory are printed and written to ``bench/results/bench_<N>.json`` and
``.md`` (the table for the README).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from bench_data import bench_files, ensure_data, ensure_day_cut  # noqa: E402

RESULTS = HERE / "results"
GOALS = {"seconds": 40.0, "peak_gib": 3.0, "speedup": 3.0, "memory_ratio": 3.0, "reanalyse": 5.0}


def data_root() -> Path:
    env = os.environ.get("FAPIAO_BENCH_DATA")
    if env:
        return Path(env)
    shared = Path("/work/bench_data")
    return shared if shared.parent.exists() else HERE / "out" / "data"


def child(cmd: list[str], *, label: str) -> dict[str, Any]:
    """Run ``cmd``; wall, CPU and peak RSS of that process (and its JSON line, if any)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(
            f"{label} failed (exit {os.waitstatus_to_exitcode(status)}):\n{out[-2000:]}"
        )
    result: dict[str, Any] = {
        "wall_s": round(wall, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),  # Linux reports KiB
    }
    for line in out.splitlines():
        if line.startswith("{"):
            result["detail"] = json.loads(line)
    print(
        f"  {label:<8} wall {result['wall_s']:8.1f} s  cpu {result['cpu_s']:8.1f} s  "
        f"peak {result['peak_rss_mib']:8.0f} MiB",
        flush=True,
    )
    return result


def ours_cmd(files: list[Path], db: Path) -> list[str]:
    return [sys.executable, str(HERE / "bench_ours.py"), "full", str(db), *map(str, files)]


def median(runs: list[dict[str, Any]], key: str) -> float:
    return round(statistics.median(r[key] for r in runs), 2)


# What the pandas baseline also does: read the files, reconcile, merchant metrics. Our stages
# beyond these (rollups, exceptions, checks, anomaly scores, credit, alerts, cubes, the serving
# snapshot) have no counterpart in it.
SAME_WORK = ("ingest", "  (plan)", "  reconcile", "  merchant_metrics")


def same_work_seconds(run: dict[str, Any]) -> float | None:
    """Wall seconds of our run's stages that the pandas baseline also does (timed inside
    the run, so no memory figure of its own); None without stage times."""
    seconds = run.get("detail", {}).get("seconds", {})
    if not all(k in seconds for k in SAME_WORK):
        return None
    return round(sum(float(seconds[k]) for k in SAME_WORK), 2)


def summarise(
    n: int, ours: list[dict[str, Any]], pandas: list[dict[str, Any]], day: dict[str, Any] | None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "invoices": n,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "ours": {k: median(ours, k) for k in ("wall_s", "cpu_s", "peak_rss_mib")},
        "ours_runs": ours,
    }
    if pandas:
        out["pandas"] = {k: median(pandas, k) for k in ("wall_s", "cpu_s", "peak_rss_mib")}
        out["pandas_runs"] = pandas
        out["speedup_wall"] = round(out["pandas"]["wall_s"] / out["ours"]["wall_s"], 2)
        out["speedup_cpu"] = round(out["pandas"]["cpu_s"] / out["ours"]["cpu_s"], 2)
        out["memory_ratio"] = round(out["pandas"]["peak_rss_mib"] / out["ours"]["peak_rss_mib"], 2)
    shares = [share for r in ours if (share := same_work_seconds(r)) is not None]
    if pandas and shares:
        wall = statistics.median(shares)
        out["same_work"] = {
            "stages": list(SAME_WORK),
            "wall_s": round(wall, 2),
            "runs_s": shares,
            "speedup_wall": round(out["pandas"]["wall_s"] / wall, 2),
        }
    if day:
        out["reanalyse"] = day
    return out


def _peak_words(peaks: dict[str, int | None]) -> str:
    """'ingest 2,369, analyse 2,634 (highest in anomaly)' from one run's sampled peaks."""
    stages = {k.strip(): v for k, v in peaks.items() if k.startswith(" ") and v is not None}
    top = max(stages, key=lambda k: stages[k]) if stages else None
    words = f"ingest {peaks.get('ingest') or 0:,}, analyse {peaks.get('analyse') or 0:,}"
    return words + (f" (highest in {top})" if top else "")


def markdown(s: dict[str, Any], command: str) -> str:
    o = s["ours"]
    rows = [
        f"Benchmark at {s['invoices']:,} invoices ({s['machine']}); `{command}`; medians of "
        f"{len(s['ours_runs'])} alternating runs, each in its own process.",
        "",
        "| | wall (s) | CPU user+sys (s) | peak RSS (MiB) |",
        "|---|---:|---:|---:|",
        f"| Fapiao Watch: ingest + analyse | {o['wall_s']:.1f} | {o['cpu_s']:.1f} | "
        f"{o['peak_rss_mib']:.0f} |",
    ]
    if "pandas" in s:
        p = s["pandas"]
        rows.append(
            f"| pandas baseline | {p['wall_s']:.1f} | {p['cpu_s']:.1f} | {p['peak_rss_mib']:.0f} |"
        )
        rows.append(
            f"| ratio (pandas / ours) | {s['speedup_wall']:.2f}x | {s['speedup_cpu']:.2f}x "
            f"| {s['memory_ratio']:.2f}x |"
        )
    if "same_work" in s:
        w = s["same_work"]
        rows += [
            "",
            f"The same work as the baseline only (our {', '.join(k.strip() for k in w['stages'])}"
            f", timed inside the runs above): {w['wall_s']:.1f} s median wall "
            f"({', '.join(f'{x:.1f}' for x in w['runs_s'])}), {w['speedup_wall']:.2f}x faster "
            "than the baseline. The goal is set on the whole run (the table above).",
        ]
    runs = [r.get("detail", {}).get("seconds", {}) for r in s["ours_runs"]]
    if runs and all(runs):
        splits = "; ".join(f"ingest {r['ingest']:.1f} + analyse {r['analyse']:.1f}" for r in runs)
        fastest = min(runs, key=lambda r: float(r["ingest"]) + float(r["analyse"]))
        steps = ", ".join(f"{k.strip()} {v:.1f}" for k, v in fastest.items() if k.startswith(" "))
        rows += ["", f"Ours per run (s): {splits}. Analyse stages, fastest run (s): {steps}."]
    peaks = [r.get("detail", {}).get("peak_rss_mib") for r in s["ours_runs"]]
    if peaks and all(peaks):
        rows += [
            "",
            "Where each run of ours peaks (sampled RSS, MiB): "
            + "; ".join(_peak_words(p) for p in peaks)
            + ".",
        ]
    if "reanalyse" in s:
        d = s["reanalyse"]["detail"]
        rows += [
            "",
            f"One new day ({d['day']}, {d['day_rows']:,} rows): ingest "
            f"{d['ingest_day_s']:.1f} s, incremental analyse {d['analyse_s']:.1f} s "
            f"({d['mode']}, months {', '.join(d['months'])}); "
            f"stages: " + ", ".join(f"{k} {v:.1f}" for k, v in d["stages"].items()),
        ]
    return "\n".join(rows) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--skip-day", action="store_true", help="no re-analyse measurement")
    args = parser.parse_args()
    data = ensure_data(data_root(), args.invoices)
    files = bench_files(data)
    size = sum(p.stat().st_size for p in files) / 1e9
    print(f"{len(files)} files, {size:.2f} GB under {data}", flush=True)
    ours: list[dict[str, Any]] = []
    pandas: list[dict[str, Any]] = []
    day = None
    command = ("python bench/bench_pipeline.py " + " ".join(sys.argv[1:])).strip()
    with tempfile.TemporaryDirectory(prefix="fapiao-bench-", dir=data.parent) as tmp:
        for i in range(args.runs):
            db = Path(tmp) / f"run{i}.duckdb"
            ours.append(child(ours_cmd(files, db), label=f"ours {i + 1}"))
            for stale in Path(tmp).glob(f"run{i}*"):
                stale.unlink()
            save(args.invoices, ours, pandas, day, command)  # partial results survive a stop
            if not args.skip_pandas:
                cmd = [sys.executable, str(HERE / "pandas_baseline.py"), str(data), "--json"]
                pandas.append(child(cmd, label=f"pandas {i + 1}"))
                save(args.invoices, ours, pandas, day, command)
        if not args.skip_day:
            base, new, day_label = ensure_day_cut(data)
            cmd = [
                sys.executable,
                str(HERE / "bench_ours.py"),
                "day",
                str(Path(tmp) / "day.duckdb"),
                str(base),
                str(new),
                day_label,
            ]
            day = child(cmd, label="new day")
    print(save(args.invoices, ours, pandas, day, command))


def save(
    n: int,
    ours: list[dict[str, Any]],
    pandas: list[dict[str, Any]],
    day: dict[str, Any] | None,
    command: str,
) -> str:
    """Write bench/results/bench_<n>.json and .md; the Markdown table."""
    summary = summarise(n, ours, pandas, day)
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / f"bench_{n}"
    stem.with_suffix(".json").write_text(json.dumps(summary, indent=2, default=str) + "\n")
    table = markdown(summary, command)
    stem.with_suffix(".md").write_text(table)
    return table


if __name__ == "__main__":
    main()
