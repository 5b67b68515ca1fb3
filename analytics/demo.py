"""Build the demo warehouse: generate seeded files, load them through ingestion, analyse, publish.

The demo deliberately goes through the same path as real data (files -> loader -> marts), so
every figure on the dashboard has passed the validation and quarantine a real export would.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from analytics import config

Progress = Callable[[str, float], None]


def build_demo(
    db: str | os.PathLike[str] | None = None,
    *,
    seed: int = 20261129,
    out_dir: Path | None = None,
    force: bool = False,
    on_progress: Progress | None = None,
    show_bars: bool = True,
) -> str:
    """Generate, ingest and analyse the demo data into ``db``; returns a printable summary.

    ``on_progress(stage, fraction)`` lets a caller (the dashboard's first-run screen) show
    progress; the CLI shows tqdm bars instead.
    """
    from analytics.ingest import ingest_paths
    from analytics.pipeline import analyse
    from analytics.synth import generate
    from analytics.warehouse import connect, publish, table_counts

    notify = on_progress or (lambda _stage, _fraction: None)
    cfg = config.settings(db)
    out = out_dir or (config.GENERATED_DIR / "demo")
    if cfg.db_path.exists() and not force:
        return f"{cfg.db_path} already exists; use --force to rebuild it"
    started = time.perf_counter()
    lines: list[str] = []

    manifest = out / "manifest.json"
    if force or not manifest.exists():
        notify("generate", 0.0)
        result = generate(out, seed=seed, progress=show_bars)
        lines.append(result.summary())
    notify("ingest", 0.25)

    tmp_db = cfg.db_path.with_name(cfg.db_path.name + ".building")
    tmp_db.unlink(missing_ok=True)
    con = connect(tmp_db)
    try:
        t0 = time.perf_counter()
        batches = ingest_paths(con, [out], progress=show_bars)
        ingest_s = time.perf_counter() - t0
        rows = sum(b.rows_read for b in batches)
        lines.extend(b.summary() for b in batches)
        lines.append(
            f"ingested {rows:,} rows from {len(batches)} files/sheets in {ingest_s:.1f} s "
            f"({rows / max(ingest_s, 1e-9):,.0f} rows/s)"
        )
        notify("analyse", 0.6)
        analysed = analyse(con, progress=show_bars, publish=False)
        lines.append(analysed.summary())
        counts = table_counts(con)
        con.execute("checkpoint")
    finally:
        con.close()
    # The finished warehouse replaces any previous one in one rename, then gets its snapshot.
    tmp_db.replace(cfg.db_path)
    notify("publish", 0.95)
    con = connect(cfg.db_path)
    try:
        publish(con, cfg.serving_path)
    finally:
        con.close()
    notify("done", 1.0)
    lines.append("rows per table:")
    lines.extend(f"  {name:<28}{count:>12,}" for name, count in counts.items())
    lines.append(f"demo warehouse {cfg.db_path} built in {time.perf_counter() - started:.1f} s")
    return "\n".join(lines)
