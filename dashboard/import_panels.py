"""The panels of the Data import page: upload with preview and load, history, quarantine, tables.

Kept out of the page file so that the page reads as four tabs; each panel is widgets, one or two
``dashboard.cached`` calls and tables.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl
import streamlit as st

from analytics import formatting, reference, uploads
from analytics.ingest.model import IngestError
from analytics.ingest.preview import FilePreview
from analytics.ingest.spec import KINDS
from analytics.uploads import UploadResult
from analytics.warehouse import WarehouseBusyError
from dashboard import cached, components
from dashboard.components import Col
from dashboard.i18n import catalogue_labels, label_codes, lang, ref_labels, t

MAX_UPLOAD_MB = 200
SUFFIXES = ["csv", "tsv", "txt", "xlsx", "xlsm", "json", "jsonl", "ndjson", "parquet", "pq"]
COUNTS = (
    "rows_read",
    "rows_loaded",
    "rows_unchanged",
    "rows_updated",
    "rows_rejected",
    "rows_summary",
)
RESULT_KEY = "di_result"


def kind_labels() -> dict[str, str]:
    return catalogue_labels("kind", list(KINDS))


def _already(when: datetime | None, batch: int | None) -> str:
    return t("data_import.already", when=formatting.minute(when), batch=batch)


def failure_text(code: str | None, detail: str) -> str:
    """Why a file cannot be read, in the UI language, with what to do; then the loader's own
    line (English, naming the file and the particulars)."""
    if code is None:
        return detail
    name = ref_labels("failure_codes").get(code, code)
    action = failure_actions().get(code, "")
    return f"{name}（{action}）：{detail}" if lang() == "zh" else f"{name} ({action}): {detail}"


def failure_actions() -> dict[str, str]:
    """failure code -> what to do about it, in the UI language."""
    return reference.labels("failure_codes", lang(), "action")


def _check(p: FilePreview) -> list[dict[str, object]]:
    if p.error:
        return [
            {
                "file": p.name,
                "sheet": None,
                "format": None,
                "encoding": None,
                "kind": "—",
                "check": failure_text(p.error_code, p.error),
            }
        ]
    rows: list[dict[str, object]] = []
    for tbl in p.tables:
        if tbl.error:
            check = failure_text(tbl.error_code, tbl.error)
        elif tbl.previous_batch_id is not None:
            check = _already(tbl.previous_imported_at, tbl.previous_batch_id)
        else:
            check = t("data_import.ok")
        rows.append(
            {
                "file": p.name,
                "sheet": tbl.sheet,
                "format": tbl.format,
                "encoding": tbl.encoding,
                "kind": kind_labels().get(tbl.kind or "", "—"),
                "check": check,
            }
        )
    return rows


def _preview(previews: list[FilePreview]) -> None:
    st.subheader(t("data_import.preview"))
    frame = pl.DataFrame([row for p in previews for row in _check(p)])
    keys = {
        "file": "file",
        "sheet": "sheet",
        "format": "format",
        "encoding": "encoding",
        "kind": "detected",
        "check": "check",
    }
    cols = [Col(k, t(f"data_import.{v}")) for k, v in keys.items()]
    components.table(frame, cols, key="di_preview", stem="preview")
    for p in previews:
        for tbl in p.tables:
            name = f"{p.name} [{tbl.sheet}]" if tbl.sheet else p.name
            with st.expander(t("data_import.mapping", name=name)):
                mapping = pl.DataFrame(
                    {
                        t("data_import.source_header"): [h for h, _ in tbl.header_map],
                        t("data_import.canonical"): [
                            c or t("data_import.unmapped") for _, c in tbl.header_map
                        ],
                    }
                )
                st.dataframe(mapping, hide_index=True, width="stretch")


def _load(paths: list[Path], kind: str | None) -> None:
    bar = st.progress(0.0)
    try:
        result = uploads.load_uploads(
            paths,
            db=cached.warehouse_path(),
            kind=kind,
            on_progress=lambda stage, x: bar.progress(x, text=t(f"data_import.stage.{stage}")),
        )
    except WarehouseBusyError:
        st.error(t("data_import.busy"))
    except IngestError as exc:
        st.error(t("data_import.failed", error=failure_text(exc.code, str(exc))))
    else:
        st.session_state[RESULT_KEY] = result
        st.rerun()  # every panel (and the preview's "already imported") reads the new snapshot


def _summary(result: UploadResult) -> None:
    st.subheader(t("data_import.summary"))
    frame = pl.DataFrame(
        [
            {
                "file": b.file.name,
                "sheet": b.sheet,
                "kind": kind_labels().get(b.kind, b.kind),
                **{c: getattr(b, c) for c in COUNTS},
                "check": _already(b.previous_imported_at, b.previous_batch_id)
                if b.already_imported
                else t("data_import.loaded"),
            }
            for b in result.batches
        ]
    )
    cols = [
        Col("file", t("data_import.file")),
        Col("sheet", t("data_import.sheet")),
        Col("kind", t("data_import.detected")),
        *(Col(c, t(f"data_import.{c}"), "count") for c in COUNTS),
        Col("check", t("data_import.check")),
    ]
    components.table(frame, cols, key="di_summary", stem="load_summary")
    st.caption(t("data_import.summary.caption"))
    if result.analysis is not None:
        months = ", ".join(result.analysis.months) or "—"
        mode = t(f"data_import.mode.{result.analysis.mode}")
        st.success(t("data_import.analysis", mode=mode, months=months))
    elif result.missing_holiday_year is not None:
        why = t("notice.holiday_calendar", year=result.missing_holiday_year)
        st.error(t("data_import.not_analysed", why=why))


def upload_panel() -> None:
    """Upload, see what each file holds, load it (ingest + incremental analyse + publish)."""
    st.caption(t("data_import.limit", mb=MAX_UPLOAD_MB))
    files = st.file_uploader(
        t("data_import.uploader"),
        type=SUFFIXES,
        accept_multiple_files=True,
        max_upload_size=MAX_UPLOAD_MB,
        key="di_files",
    )
    kinds = kind_labels()
    kind = st.selectbox(
        t("data_import.kind"),
        [None, *KINDS],
        format_func=lambda k: t("data_import.kind.auto") if k is None else kinds[k],
        key="di_kind",
    )
    folder = uploads.upload_dir(cached.warehouse_path())
    staged = [uploads.stage_upload(f.name, f.getvalue(), folder) for f in files or []]
    previews = [cached.preview(str(path), kind) for path in staged]
    if previews:
        _preview(previews)
        loadable = [path for path, p in zip(staged, previews, strict=True) if p.loadable]
        if st.button(t("data_import.load"), type="primary", disabled=not loadable):
            _load(loadable, kind)
    result = st.session_state.get(RESULT_KEY)
    if isinstance(result, UploadResult):
        _summary(result)


def history_panel() -> None:
    history = cached.import_history()
    cards = [
        (t("data_import.kpi.files"), history.height),
        (t("data_import.kpi.rows_read"), history["rows_read"].sum()),
        (t("data_import.kpi.rows_loaded"), history["rows_loaded"].sum()),
        (t("data_import.kpi.rows_rejected"), history["rows_rejected"].sum()),
    ]
    components.kpi_row(
        [(label, formatting.Kpi("n", formatting.count(v), None, "off")) for label, v in cards]
    )
    _failures_table()
    history = label_codes(history, "kind", kind_labels())
    cols = [
        Col("batch_id", t("data_import.batch")),
        Col("file_name", t("data_import.file")),
        Col("sheet", t("data_import.sheet")),
        Col("kind", t("data_import.detected")),
        Col("format", t("data_import.format")),
        Col("encoding", t("data_import.encoding")),
        *(Col(c, t(f"data_import.{c}"), "count") for c in COUNTS),
        Col("started_at", t("data_import.started"), "datetime"),
        Col("seconds", t("data_import.seconds"), "days"),
    ]
    components.table(history, cols, key="di_history", stem="import_history")
    _analysis_table()


def _analysis_table() -> None:
    """Every run of ``analyse``: when, full or incremental (or failed, and why), what it
    recomputed. Failed runs were rolled back: the figures are those of the last good run.
    Repeated no-op or failed runs (a schedule's) are one row with their count and first time."""
    runs = cached.analysis_history()
    if runs.is_empty():
        return
    st.markdown(f"**{t('data_import.runs.title')}**")
    holiday = {
        year: t("notice.holiday_calendar", year=year)
        for year in runs["missing_year"].drop_nulls().unique().to_list()
    }
    # why a run ran as it did (analytics.pipeline._Plan.code), labelled data_import.plan.<code>
    plans = {
        code: label
        for code, label in catalogue_labels(
            "data_import.plan", runs["reason_code"].drop_nulls().unique().to_list()
        ).items()
        if label != code
    }
    runs = runs.with_columns(
        reason=pl.when(pl.col("missing_year").is_not_null())
        .then(pl.col("missing_year").replace_strict(holiday, default=None))
        .otherwise(pl.col("reason_code").replace_strict(plans, default=pl.col("reason"))),
        outcome=pl.col("outcome").replace(
            catalogue_labels("data_import.mode", runs["outcome"].unique().to_list())
        ),
    )
    cols = [
        Col("run_at", t("data_import.runs.at"), "datetime"),
        Col("outcome", t("data_import.runs.outcome")),
        Col("runs", t("data_import.runs.count"), "count"),
        Col("first_run_at", t("data_import.runs.first"), "datetime"),
        Col("reason", t("data_import.detail")),
        Col("new_batches", t("data_import.runs.batches"), "count"),
        Col("months", t("data_import.runs.months")),
        Col("as_of", t("data_import.runs.as_of"), "datetime"),
        Col("seconds", t("data_import.seconds"), "days"),
    ]
    components.table(runs, cols, key="di_runs", stem="analysis_runs")


def _failures_table() -> None:
    """Files no pass could read (the CLI skips them and loads the rest): what needs a person."""
    failures = cached.import_failures()
    if failures.is_empty():
        return
    st.markdown(f"**{t('data_import.failures.title')}**")
    st.warning(t("data_import.failures.note", n=failures.height))
    failures = failures.with_columns(
        action=pl.col("reason_code").replace_strict(failure_actions(), default=None),
        reason_code=pl.col("reason_code").replace(ref_labels("failure_codes")),
    )
    cols = [
        Col("file_name", t("data_import.file")),
        Col("sheet", t("data_import.sheet")),
        Col("reason_code", t("data_import.reason")),
        Col("action", t("data_import.failures.action")),
        Col("reason", t("data_import.detail")),
        Col("last_failed_at", t("data_import.failures.last"), "datetime"),
        Col("first_failed_at", t("data_import.failures.first"), "datetime"),
        Col("attempts", t("data_import.failures.attempts"), "count"),
        Col("file_path", t("data_import.failures.path")),
    ]
    components.table(failures, cols, key="di_failures", stem="import_failures")


def rejected_panel() -> None:
    reasons = ref_labels("reason_codes")
    st.markdown(f"**{t('data_import.by_reason')}**")
    by_reason = label_codes(cached.rejected_by_reason(), "reason", reasons)
    by_reason = label_codes(by_reason, "kind", kind_labels())
    cols = [
        Col("kind", t("data_import.detected")),
        Col("reason", t("data_import.reason")),
        Col("rows", t("data_import.rows"), "count"),
    ]
    components.table(by_reason, cols, key="di_reasons", stem="rejected_by_reason")
    st.markdown(f"**{t('data_import.sample')}**")
    sample = cached.rejected_sample().with_columns(
        pl.col("reasons").str.split(", ").list.eval(pl.element().replace(reasons)).list.join(" / ")
    )
    cols = [
        Col("batch_id", t("data_import.batch")),
        Col("file_name", t("data_import.file")),
        Col("row_number", t("data_import.row_number"), "count"),
        Col("reasons", t("data_import.reason")),
        Col("detail", t("data_import.detail")),
        Col("raw", t("data_import.raw")),
    ]
    components.table(sample, cols, key="di_sample", stem="rejected_rows", height=400)


def tables_panel() -> None:
    cols = [
        Col("table_name", t("data_import.table")),
        Col("row_count", t("data_import.rows"), "count"),
    ]
    components.table(cached.warehouse_tables(), cols, key="di_tables", stem="warehouse_tables")
