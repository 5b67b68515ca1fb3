"""``import_failures``: the files a tolerant pass could not read at all (see
:func:`analytics.ingest.pipeline.ingest_paths`), one row per file path and content with the
number of passes that tried it (and the sheet, for an XLSX sheet that failed while the file's
other sheets loaded). They load nothing, so they have no batch."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import duckdb

from analytics.ingest.model import FileFailure, scalar


def _sha256(path: Path) -> str | None:
    try:
        with path.open("rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None


def record(con: duckdb.DuckDBPyConnection, failures: Sequence[FileFailure], when: datetime) -> None:
    """Keep each unreadable file in ``import_failures``: a new row for a new path, content or
    sheet, else one more attempt (and the latest reason) on its row. One transaction."""
    con.begin()
    try:
        for failure in failures:
            path = failure.path.resolve()
            sha = failure.sha256 or _sha256(path)
            key = {"path": str(path), "sha": sha, "sheet": failure.sheet}
            why = {"reason": failure.reason, "code": failure.code}
            same = (
                "file_path = $path and sha256 is not distinct from $sha "
                "and sheet is not distinct from $sheet"
            )
            updated = scalar(
                con,
                "update import_failures set attempts = attempts + 1, last_failed_at = $when, "
                f"reason = $reason, reason_code = $code where {same}",
                {**key, **why, "when": when},
            )
            if not updated:
                con.execute(
                    "insert into import_failures (file_name, file_path, sha256, sheet, reason, "
                    "reason_code, first_failed_at, last_failed_at, attempts) "
                    "values ($name, $path, $sha, $sheet, $reason, $code, $when, $when, 1)",
                    {**key, **why, "name": path.name, "when": when},
                )
        con.commit()
    except BaseException:
        con.rollback()
        raise
