"""Planning a load: which files a path names, what each holds, in which order they load.

Planning reads only headers (and hashes the bytes), so a folder with one unreadable file fails
before anything is loaded, unless the caller collects such files (``failures``) to skip them.
Merchants load first, so later files meet a complete registry.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb

from analytics.ingest.excel import SheetCache
from analytics.ingest.headers import HeaderMatch, detect_kind
from analytics.ingest.model import FileFailure, IngestError
from analytics.ingest.readers import (
    FORMAT_BY_SUFFIX,
    FileScan,
    NotTabularError,
    Source,
    open_sources,
    scan_file,
)
from analytics.ingest.spec import LOAD_ORDER

log = logging.getLogger(__name__)

# Files a generated or exported folder carries beside its data.
SKIP_PREFIXES = ("manifest", "readme", "bad_rows", "license", "changelog")


@dataclass
class Planned:
    source: Source
    match: HeaderMatch

    @property
    def label(self) -> str:
        return (
            f"{self.source.name} [{self.source.sheet}]" if self.source.sheet else self.source.name
        )


def discover(paths: Sequence[Path]) -> list[tuple[Path, bool]]:
    """Files to read, with whether each came from a folder walk (folders skip non-data files)."""
    found: list[tuple[Path, bool]] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                rel = child.relative_to(path)
                name = child.name.lower()
                hidden = any(part.startswith((".", "~$")) for part in rel.parts)  # ~$: Excel locks
                if hidden or name.startswith(SKIP_PREFIXES):
                    continue
                if child.suffix.lower() in FORMAT_BY_SUFFIX and child.suffix.lower() != ".txt":
                    found.append((child, True))
        elif path.exists():
            found.append((path, False))
        else:
            raise IngestError(f"{path}: no such file or folder", "not_found")
    return found


def forget(source: Source, cache: SheetCache) -> None:
    if source.frame is not None:
        cache.release(source.frame)
        source.frame = None


def _plan_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    from_folder: bool,
    kind: str | None,
    cache: SheetCache,
    *,
    scan: FileScan | None = None,
    tolerant: bool = False,
) -> list[Planned]:
    try:
        sources = open_sources(con, path, cache, scan)
    except NotTabularError as exc:
        # A strict pass over a folder passes over a JSON document that holds no records (a
        # stray settings file, say) as it passes over a README. A tolerant pass keeps it in
        # import_failures instead: it may be an export wrapped in an object, and a person
        # should see that it did not load.
        if from_folder and not tolerant:
            log.warning("skipped %s", exc)
            return []
        raise
    planned: list[Planned] = []
    errors: list[IngestError] = []
    for source in sources:
        label = f"{source.name} [{source.sheet}]" if source.sheet else source.name
        try:
            if source.sheet and kind is not None:
                # A forced kind applies to the sheets that are not clearly another kind.
                try:
                    if detect_kind(source.headers, label).kind != kind:
                        continue
                except IngestError:
                    pass
            planned.append(Planned(source, detect_kind(source.headers, label, kind)))
        except IngestError as exc:
            errors.append(exc)
    chosen = {id(p.source) for p in planned}
    for source in sources:
        if id(source) not in chosen:
            forget(source, cache)
    if errors and not planned:
        raise errors[0]
    for skipped in errors:
        log.warning("skipped sheet: %s", skipped)
    if not planned:
        raise IngestError(f"{path.name}: no sheet holds {kind} data", "columns")
    return planned


# Files scanned at once while planning. Reading and hashing the bytes is most of planning, and
# hashlib releases the GIL: planning the 10M-invoice benchmark's 6.2 GB took 7.9 s on two
# threads against 9.7 s on one (the GBK files' full decoding check holds the GIL).
SCAN_THREADS = 2


def _scan(path: Path) -> FileScan | IngestError:
    try:
        return scan_file(path)
    except IngestError as exc:
        return exc


def _scans(files: Sequence[Path]) -> Iterator[FileScan | IngestError]:
    """``scan_file`` of each file, in order, computed ahead on worker threads; a file that
    cannot be read yields its error, so the files after it are still scanned."""
    if len(files) < 2:
        yield from (_scan(f) for f in files)
        return
    pool = ThreadPoolExecutor(max_workers=SCAN_THREADS, thread_name_prefix="fapiao-scan")
    try:
        yield from pool.map(_scan, files)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def plan(
    con: duckdb.DuckDBPyConnection,
    paths: Sequence[Path],
    kind: str | None = None,
    cache: SheetCache | None = None,
    failures: list[FileFailure] | None = None,
) -> list[Planned]:
    """Every table to load, merchants first, in a stable order. A file that cannot be read at
    all raises before anything is loaded, or, when ``failures`` is a list, is added to it and
    left out. A path that does not exist always raises. In a folder, a JSON file that holds one
    object rather than records is skipped with a warning, or added to ``failures``."""
    keep = cache or SheetCache(0)
    found = discover(paths)
    planned: list[Planned] = []
    for (path, folder), scan in zip(found, _scans([f for f, _ in found]), strict=True):
        try:
            if isinstance(scan, IngestError):
                raise scan
            planned.extend(
                _plan_file(con, path, folder, kind, keep, scan=scan, tolerant=failures is not None)
            )
        except IngestError as exc:
            if failures is None:
                raise
            sha = None if isinstance(scan, IngestError) else scan.sha256
            failures.append(FileFailure.of(path, exc, sha256=sha))
    order = {k: i for i, k in enumerate(LOAD_ORDER)}
    return sorted(planned, key=lambda p: order[p.match.kind])
