"""Benchmark: dashboard speed per page (issue 4, "Speed").

    python bench/bench_dashboard.py --db data/warehouse.duckdb
    python bench/bench_dashboard.py --db /path/to/10m/warehouse.duckdb --label 10m --changes 40

What it measures, per page of the router (``dashboard/navigation.py``, read by
``tests/browser_support.page_entries``, so pages added later are measured too):

* **first render** (cold): Streamlit's data and resource caches are emptied (so the snapshot
  connection is opened again and every query runs), a fresh ``AppTest`` session runs the
  router with that page; ``--cold-runs`` times, the median is reported. The Python modules are
  already imported (one warm-up render of the default page first), as they are in a server
  that has served anyone before.
* **rerun after a filter change**: in one session on that page, ``--changes`` reruns, each
  after changing a global filter to a combination not seen before (one district at a time,
  then the same districts over a shorter month range, ...), so every rerun queries the
  snapshot instead of hitting a cached result; p50 and p95.

"Server-side" time is the script run as ``streamlit.testing.v1.AppTest`` executes it
in-process: the router, the sidebar filters, the page, its ``dashboard.cached`` queries on the
serving snapshot, the Plotly figures and tables, serialised to the messages a browser would
receive. Not included: the websocket hop and the browser drawing the page. AppTest adds a
little of its own (it parses the messages back into elements), so these figures are upper
bounds of the server's work.

The merchant profile is measured with the merchant that has the most invoices selected
(``?merchant=``). Pages that grey the filters out (``NO_FILTERS`` of the router) get no rerun
figure. Targets (issue 4): rerun p50 <= 150 ms, p95 <= 300 ms, first render <= 1.5 s.

Prints a Markdown table and writes ``bench/results/dashboard_<label>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

RESULTS = HERE / "results"
TARGETS = {"first_render_s": 1.5, "rerun_p50_ms": 150.0, "rerun_p95_ms": 300.0}
TIMEOUT_S = 600


def _quiet_bare_mode() -> None:
    """AppTest outside ``streamlit run`` logs a warning per widget access (and AppTest resets
    log levels from its config): drop those records so the table stays readable."""
    import logging

    noise = ("missing ScriptRunContext", "No runtime found", "Session state does not function")
    for name in (
        "streamlit.runtime.scriptrunner_utils.script_run_context",
        "streamlit.runtime.state.session_state_proxy",
        "streamlit.runtime.caching.cache_data_api",
        "streamlit.runtime.caching.cache_resource_api",
    ):
        logging.getLogger(name).addFilter(
            lambda record: not any(n in record.getMessage() for n in noise)
        )


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _snapshot_facts(serving: Path) -> dict[str, Any]:
    """Districts, months, the busiest merchant and the invoice count, read once up front."""
    import duckdb

    from analytics import views

    con = duckdb.connect(str(serving), read_only=True)
    try:
        months = views.available_months(con)
        options = views.filter_options(con)
        districts = options.filter(options["dimension"] == "district")["value"].to_list()
        busiest = con.sql(
            "select merchant_id from merchant_period_metrics where period_type = 'month' "
            "group by merchant_id order by sum(invoices_issued) desc, merchant_id limit 1"
        ).fetchall()
        counts = dict(con.sql("select table_name, row_count from warehouse_tables").fetchall())
    finally:
        con.close()
    return {
        "months": months,
        "districts": districts,
        "merchant": busiest[0][0] if busiest else None,
        "issued_invoices": int(counts.get("issued_invoices", 0)),
        "merchants": int(counts.get("merchants", 0)),
    }


def filter_changes(districts: list[str], months: list[str], n: int) -> list[tuple[str, tuple]]:
    """``n`` (district, month range) pairs, each new: all districts over the full range, then
    over ranges that drop the first month, one more each round."""
    ranges = [(months[i], months[-1]) for i in range(len(months))]
    pairs = [(d, r) for r in ranges for d in districts]
    if len(pairs) < n:
        raise SystemExit(f"only {len(pairs)} distinct filter combinations for {n} changes")
    return pairs[:n]


def _page_params(name: str, facts: dict[str, Any]) -> dict[str, str]:
    return {"merchant": facts["merchant"]} if name == "merchant_profile" else {}


def _new_app(script: str, params: dict[str, str]) -> Any:
    """A fresh session switched to ``script``, ready for its first run of that page.

    AppTest can only switch to a page that ``st.navigation`` registered with its own
    ``url_path`` after one run of the router (it registers the pages), so the session runs the
    default page once first; callers empty the caches after this when they time a cold run.
    """
    from browser_support import APP
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(script)
    for key, value in params.items():
        at.query_params[key] = value
    return at


def _errors(at: Any) -> list[str]:
    return [str(e.value)[:200] for e in at.exception]


def _clear_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def first_render(
    script: str, params: dict[str, str], runs: int
) -> tuple[list[float], list[str], str]:
    """Seconds of ``runs`` cold renders, exceptions seen, and the page's title (a check that
    the page, not the default one, was measured)."""
    times, errors, title = [], [], ""
    for _ in range(runs):
        at = _new_app(script, params)
        _clear_caches()
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
        errors += _errors(at)
        title = next((str(t.value) for t in at.title), "")
    return times, errors, title


def reruns(
    script: str, params: dict[str, str], changes: list[tuple[str, tuple]]
) -> tuple[list[float], list[str]]:
    """Seconds of each rerun after a filter change; empty when the page disables filters."""
    at = _new_app(script, params)
    at.run()
    errors = _errors(at)
    district = at.multiselect(key="district")
    if district.disabled:
        return [], errors
    times = []
    current_range = tuple(at.select_slider(key="period").value)
    for name, months in changes:
        at.multiselect(key="district").set_value([name])
        if months != current_range:
            at.select_slider(key="period").set_range(*months)
            current_range = months
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
        errors += _errors(at)
    return times, errors


def _mark(value: float, target: float) -> str:
    return "✓" if value <= target else "✗"


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| page | first render (s) | rerun p50 (ms) | rerun p95 (ms) | reruns |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        first = f"{r['first_render_s']:.2f} {_mark(r['first_render_s'], TARGETS['first_render_s'])}"
        if r["reruns"]:
            p50 = f"{r['rerun_p50_ms']:.0f} {_mark(r['rerun_p50_ms'], TARGETS['rerun_p50_ms'])}"
            p95 = f"{r['rerun_p95_ms']:.0f} {_mark(r['rerun_p95_ms'], TARGETS['rerun_p95_ms'])}"
        else:
            p50 = p95 = "— (no filters)"
        errors = " ⚠ exception" if r["errors"] else ""
        lines.append(f"| {r['page']}{errors} | {first} | {p50} | {p95} | {r['reruns']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=None, help="warehouse (default $FAPIAO_WATCH_DB)")
    parser.add_argument("--label", default=None, help="results name (default: the db's folder)")
    parser.add_argument("--changes", type=int, default=30, help="filter changes per page")
    parser.add_argument("--cold-runs", type=int, default=3, help="first renders per page")
    parser.add_argument("--pages", nargs="*", default=None, help="page names (default: all)")
    args = parser.parse_args(argv)

    from analytics import config

    if args.db:
        os.environ[config.ENV_DB] = str(Path(args.db).resolve())
    cfg = config.settings()
    if not cfg.serving_path.exists():
        raise SystemExit(f"no serving snapshot {cfg.serving_path}: run `fapiao-watch analyse`")
    _quiet_bare_mode()
    from browser_support import page_entries

    facts = _snapshot_facts(cfg.serving_path)
    changes = filter_changes(facts["districts"], facts["months"], args.changes)
    entries = [e for e in page_entries() if args.pages is None or e.name in args.pages]
    print(
        f"{cfg.db_path}: {facts['issued_invoices']:,} issued invoices, "
        f"{facts['merchants']:,} merchants, {len(facts['months'])} months, "
        f"{len(facts['districts'])} districts; {len(entries)} pages",
        file=sys.stderr,
    )
    _new_app(page_entries()[0].script, {}).run()  # warm-up: imports, not measured

    rows = []
    for entry in entries:
        params = _page_params(entry.name, facts)
        cold, errors, title = first_render(entry.script, params, args.cold_runs)
        warm, more = reruns(entry.script, params, changes)
        row = {
            "page": entry.name,
            "title": title,
            "url_path": entry.url_path,
            "params": params,
            "first_render_s": statistics.median(cold),
            "first_render_runs_s": [round(x, 4) for x in cold],
            "reruns": len(warm),
            "rerun_p50_ms": 1000 * _percentile(warm, 0.5) if warm else None,
            "rerun_p95_ms": 1000 * _percentile(warm, 0.95) if warm else None,
            "rerun_max_ms": 1000 * max(warm) if warm else None,
            "rerun_runs_ms": [round(1000 * x, 1) for x in warm],
            "errors": sorted(set(errors + more)),
        }
        rows.append(row)
        print(
            f"  {entry.name} ({title}): first {row['first_render_s']:.2f} s"
            + (f", rerun p50 {row['rerun_p50_ms']:.0f} ms" if warm else ""),
            file=sys.stderr,
        )

    import streamlit

    label = args.label or cfg.db_path.parent.name
    result = {
        "when": datetime.now().isoformat(timespec="seconds"),
        "db": str(cfg.db_path),
        "label": label,
        "snapshot_bytes": cfg.serving_path.stat().st_size,
        **{k: facts[k] for k in ("issued_invoices", "merchants", "months", "merchant")},
        "districts": len(facts["districts"]),
        "changes": args.changes,
        "cold_runs": args.cold_runs,
        "targets": TARGETS,
        "machine": {
            "cpus": os.cpu_count(),
            # the machine is shared: the load during the run says how much to trust the figures
            "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(),
            "streamlit": streamlit.__version__,
            "platform": platform.platform(),
        },
        "method": "streamlit.testing.v1.AppTest, in-process script runs (see module docstring)",
        "pages": rows,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"dashboard_{label}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(
        f"\n{facts['issued_invoices']:,} issued invoices, {facts['merchants']:,} merchants; "
        f"first render = median of {args.cold_runs} cold runs; "
        f"reruns after {args.changes} filter changes; "
        f"load average {os.getloadavg()[1]:.1f} on {os.cpu_count()} CPUs\n"
    )
    print(table(rows))
    print(f"\nwritten {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    failed = [r["page"] for r in rows if r["errors"]]
    if failed:
        print(f"pages with exceptions: {', '.join(failed)}", file=sys.stderr)
        for r in rows:
            for e in r["errors"]:
                print(f"  {r['page']}: {e}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
