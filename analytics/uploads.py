"""Loading uploaded files from the dashboard: keep the bytes, ingest, analyse, publish.

The dashboard holds no writable connection of its own. :func:`load_uploads` opens the warehouse
for the duration of one load (waiting a short while if ``ingest``/``analyse`` hold it, then
raising :class:`~analytics.warehouse.WarehouseBusyError`), runs the same loader as the CLI and
an incremental analysis, and publishes a new serving snapshot, which the pages pick up on their
next rerun.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from analytics import config

if TYPE_CHECKING:  # the loader and the pipeline import heavy libraries: load them on use
    from analytics.ingest import BatchResult
    from analytics.pipeline import AnalyseResult

Progress = Callable[[str, float], None]
_UNSAFE = re.compile(r"[^\w.\-()\[\] \u4e00-\u9fff]+")


TEXT_ENCODINGS = ("utf-8-sig", "gb18030")  # Excel on a Chinese Windows saves GBK as often


def decode_text(data: bytes, name: str) -> str:
    """A small text file a person hands us (a holiday table, a list of merchants): UTF-8, with
    or without a BOM, else GBK (GB18030). ValueError names the file otherwise."""
    for encoding in TEXT_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError(f"{name}: neither UTF-8 nor GBK text")


def upload_dir(db: str | os.PathLike[str] | None = None) -> Path:
    """Where uploaded files are kept: ``uploads/`` beside the warehouse file."""
    return config.settings(db).db_path.parent / "uploads"


def stage_upload(name: str, data: bytes, folder: Path) -> Path:
    """Write an uploaded file under ``folder/<sha256 prefix>/<name>`` and return its path.

    The name keeps its suffix (the loader detects the format from it) but loses any directory
    part or unusual character; the hash folder keeps two uploads of the same name apart.
    """
    base = _UNSAFE.sub("_", Path(name).name).strip(" .") or "upload"
    target = folder / hashlib.sha256(data).hexdigest()[:16] / base
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


@dataclass
class UploadResult:
    batches: list[BatchResult] = field(default_factory=list)
    analysis: AnalyseResult | None = None
    # the files loaded but the analysis stopped for want of this year's holiday table (kept in
    # analysis_failures and published; the pages say so until a run succeeds)
    missing_holiday_year: int | None = None

    @property
    def rows_read(self) -> int:
        return sum(b.rows_read for b in self.batches)


def load_uploads(
    paths: Sequence[Path],
    *,
    db: str | os.PathLike[str] | None = None,
    kind: str | None = None,
    timeout_s: float = 10.0,
    on_progress: Progress | None = None,
) -> UploadResult:
    """Ingest ``paths`` into the warehouse, analyse incrementally and publish the snapshot.

    ``on_progress(stage, fraction)`` reports 'ingest', 'analyse' and 'done'. Raises
    ``WarehouseBusyError`` when the warehouse stays locked for ``timeout_s`` seconds, and
    ``IngestError`` for a file the loader cannot read at all (nothing is loaded then). Data in
    a year with no holiday table loads, but is not analysed (``missing_holiday_year``).
    """
    from analytics.ingest import ingest_paths
    from analytics.pipeline import analyse
    from analytics.warehouse import connect
    from analytics.workdays import UnknownHolidayYearError

    notify = on_progress or (lambda _stage, _fraction: None)
    result = UploadResult()
    notify("ingest", 0.0)
    con = connect(db, timeout_s=timeout_s)
    try:
        result.batches = ingest_paths(con, list(paths), kind=kind, progress=False)
        notify("analyse", 0.5)
        try:
            result.analysis = analyse(con, progress=False, publish=True)
        except UnknownHolidayYearError as exc:
            result.missing_holiday_year = exc.year
    finally:
        con.close()
    notify("done", 1.0)
    return result
