"""Writing files in each source's format, and keeping the record the manifest is built from."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import polars as pl

from analytics.synth.badrows import BadRow
from analytics.synth.xlsx import Sheet, write_xlsx


@dataclass(frozen=True)
class GeneratedFile:
    """One written file (or one sheet of a workbook): ``rows`` are data records, header and
    totals rows excluded."""

    path: Path
    kind: str
    format: str
    rows: int
    encoding: str | None = None
    sheet: str | None = None

    def manifest_entry(self, root: Path) -> dict[str, object]:
        entry: dict[str, object] = {
            "path": self.path.relative_to(root).as_posix(),
            "kind": self.kind,
            "format": self.format,
            "rows": self.rows,
        }
        if self.encoding:
            entry["encoding"] = self.encoding
        if self.sheet:
            entry["sheet"] = self.sheet
        return entry


@dataclass
class Writer:
    out_dir: Path
    created: datetime  # stamped into workbooks so that runs are byte-identical
    files: list[GeneratedFile] = field(default_factory=list)
    bad_rows: list[BadRow] = field(default_factory=list)

    def _path(self, rel: str) -> Path:
        path = self.out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def note_bad(
        self, rel: str, report: list[tuple[int, str, str | None, str]], sheet: str | None = None
    ) -> None:
        self.bad_rows.extend(
            BadRow(rel, row, flaw, column, cause, sheet) for row, flaw, column, cause in report
        )

    def csv(
        self,
        rel: str,
        frame: pl.DataFrame,
        kind: str,
        *,
        encoding: str = "utf-8",
        bom: bool = False,
        crlf: bool = False,
        data_rows: int | None = None,
    ) -> None:
        terminator = "\r\n" if crlf else "\n"
        if encoding == "utf-8":  # straight from Polars to disk: no copy of the text in Python
            frame.write_csv(self._path(rel), include_bom=bom, line_terminator=terminator)
        else:
            text = frame.write_csv(line_terminator=terminator)
            self._path(rel).write_bytes((("\ufeff" if bom else "") + text).encode(encoding))
        label = f"{encoding}-sig" if bom else encoding
        rows = frame.height if data_rows is None else data_rows
        self.files.append(GeneratedFile(self.out_dir / rel, kind, "csv", rows, label))

    def xlsx(self, rel: str, sheets: list[tuple[Sheet, str, int]]) -> None:
        """``sheets``: (sheet, kind, data rows) per sheet."""
        write_xlsx(self._path(rel), [s for s, _, _ in sheets], self.created)
        for sheet, kind, rows in sheets:
            self.files.append(
                GeneratedFile(self.out_dir / rel, kind, "xlsx", rows, sheet=sheet.name)
            )

    def jsonl(self, rel: str, frame: pl.DataFrame, kind: str) -> None:
        self._path(rel).write_text(frame.write_ndjson(), encoding="utf-8")
        self.files.append(GeneratedFile(self.out_dir / rel, kind, "jsonl", frame.height, "utf-8"))

    def json_array(self, rel: str, frame: pl.DataFrame, kind: str) -> None:
        records = frame.to_dicts()
        text = json.dumps(records, ensure_ascii=False, indent=1)
        self._path(rel).write_text(text + "\n", encoding="utf-8")
        self.files.append(GeneratedFile(self.out_dir / rel, kind, "json", frame.height, "utf-8"))

    def parquet(self, rel: str, frame: pl.DataFrame, kind: str) -> None:
        frame.write_parquet(self._path(rel), compression="zstd", statistics=True)
        self.files.append(GeneratedFile(self.out_dir / rel, kind, "parquet", frame.height))

    def manifest(self, meta: dict[str, object]) -> Path:
        path = self.out_dir / "manifest.json"
        bad = [
            {k: v for k, v in vars(b).items() if v is not None}
            for b in sorted(self.bad_rows, key=lambda b: (b.file, b.sheet or "", b.row))
        ]
        body = {
            **meta,
            "files": [f.manifest_entry(self.out_dir) for f in self.files],
            "bad_rows_note": "row = 1-based data record in its file or sheet; header and "
            "totals rows are not counted",
            "bad_rows": bad,
        }
        path.write_text(json.dumps(body, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return path


def clear_previous(out_dir: Path) -> None:
    """Remove the files a previous run listed in its manifest (and nothing else)."""
    manifest = out_dir / "manifest.json"
    if not manifest.exists():
        return
    try:
        listed = json.loads(manifest.read_text(encoding="utf-8")).get("files", [])
    except (json.JSONDecodeError, AttributeError):
        return
    root = out_dir.resolve()
    for entry in listed:
        path = (out_dir / str(entry.get("path", ""))).resolve()
        if path.is_file() and root in path.parents:
            path.unlink()
    manifest.unlink()
