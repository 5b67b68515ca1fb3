"""Complaints (投诉): link each to its merchant and named invoice, classify the unlabelled ones.

Linking (:func:`link_complaints`, table ``complaint_links``), per complaint:

1. ``uscc``: its ``merchant_id`` is a registered merchant;
2. else by name (``sql/marts/complaint_name_matches.sql``, keys from :func:`name_keys`), the
   first level with a candidate deciding: ``name_exact`` (the same name up to width, brackets
   and spaces; else the same :func:`analytics.validation.normalize_name` key, which also drops
   company suffixes), then ``name_variant`` (also without a leading 北京市/北京, the district
   prefix such as 朝阳区, （北京） and suffixes anywhere; then a unique containment of one such
   key in the other). Several candidates at that level: the district the name starts with,
   else the complaint's own district, picks the one candidate registered there if exactly one
   is (``link_candidates`` > 1 on a linked row says so); otherwise ``ambiguous``, never a
   guess. No candidate: ``unlinked``.

On the generator's demo (2,421 complaints), re-linking by name the 830 complaints that carry both
a registered USCC and a name gave 827 right, 0 wrong, 3 ambiguous.

Name keys are computed in Python once per *distinct* name; the matching itself is set-based SQL.
Where a complaint names an invoice, its reconciliation status is attached (the ``issued`` row,
else the ``tax_record`` row of the ``reconciliation`` table or view).

The stage (:func:`complaints_stage`) recomputes everything on each run: complaints are a few
thousand rows a year, so a full rebuild costs less than tracking which ones changed, and the
classifier must see every label anyway. Trends and resolution times over ``complaint_links``
are in :mod:`analytics.complaint_trends`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Final, NamedTuple

import duckdb
import polars as pl

from analytics import classifier_cache, frames, reference, sqlrun
from analytics.classifier import (
    ClassifierReport,
    InsufficientLabelsError,
    evaluate_classifier,
    train_classifier,
)
from analytics.clock import beijing_now
from analytics.validation import normalize_name
from analytics.warehouse import query, table_exists

LINKS_TABLE: Final = "complaint_links"
REPORTS_TABLE: Final = "classifier_reports"
LINK_METHODS: Final = ("uscc", "name_exact", "name_variant", "ambiguous", "unlinked")
# Containment matches only between keys this long: a two-character key such as 超市 is contained
# in hundreds of names and would link by luck whenever it happened to be unique.
MIN_CONTAIN_CHARS: Final = 4
_CITY_PREFIXES: Final = ("北京市", "北京")
_COMPANY_SUFFIXES: Final = ("股份有限公司", "有限责任公司", "有限公司")
_BRACKETS: Final = str.maketrans({"【": "(", "】": ")", "[": "(", "]": ")"})


@cache
def _district_prefixes() -> tuple[str, ...]:
    names = reference.table("districts")["name_zh"].to_list()
    return tuple(sorted((normalize_name(str(n)) for n in names), key=len, reverse=True))


class NameKeys(NamedTuple):
    """Matching keys of a merchant name, from strictest to loosest, and its district prefix."""

    full: str  # width, brackets, spaces and case folded; suffixes kept
    exact: str  # analytics.validation.normalize_name: company suffixes dropped too
    variant: str  # also without 北京市/北京, the district prefix, （北京） and suffixes anywhere
    district: str | None  # the district the name starts with (after 北京市), e.g. 朝阳区


def name_keys(name: str) -> NameKeys:
    """The keys :func:`link_complaints` matches names on (see the module docstring)."""
    full = unicodedata.normalize("NFKC", name).lower()
    full = re.sub(r"\s+", "", full).translate(_BRACKETS)
    exact = normalize_name(name)
    # normalize_name strips suffixes only before the first bracket; 香满园（北京）商贸有限公司
    # keeps its 有限公司 there, and Beijing registers many names of that shape.
    for suffix in _COMPANY_SUFFIXES:
        if exact.endswith(suffix) and len(exact) > len(suffix):
            exact = exact[: -len(suffix)]
            break
    variant = exact
    for prefix in _CITY_PREFIXES:
        if variant.startswith(prefix) and len(variant) > len(prefix):
            variant = variant[len(prefix) :]
            break
    variant = variant.replace("(北京)", "")
    district = None
    for prefix in _district_prefixes():
        if variant.startswith(prefix) and len(variant) > len(prefix):
            variant, district = variant[len(prefix) :], prefix
            break
    for suffix in _COMPANY_SUFFIXES:
        variant = variant.replace(suffix, "")
    return NameKeys(full, exact, variant or exact, district)


def _key_frame(names: list[str], extra: dict[str, list[str]]) -> pl.DataFrame:
    keys = [name_keys(n) for n in names]
    columns = {f"k_{f}": [getattr(k, f) for k in keys] for f in NameKeys._fields}
    return pl.DataFrame(
        {**extra, **columns},
        schema={**dict.fromkeys(extra, pl.String), **dict.fromkeys(columns, pl.String)},
    )


def _match_names(con: duckdb.DuckDBPyConnection) -> None:
    """Temp table ``complaint_name_matches`` for complaints not linked by a registered USCC."""
    names = [
        str(r[0])
        for r in con.execute(
            "select distinct nullif(trim(c.merchant_name), '') as name from complaints as c "
            "where nullif(trim(c.merchant_name), '') is not null and not exists ("
            "select 1 from merchants as m where m.merchant_id = nullif(trim(c.merchant_id), '')) "
            "order by name"
        ).fetchall()
    ]
    # keys of every registered name cost ~15 us each: none needed when no name is to be matched
    rows = (
        con.execute(
            "select distinct merchant_id, name, district from merchants order by 1, 2, 3"
        ).fetchall()
        if names
        else []
    )
    frames.store(con, "complaint_name_keys", _key_frame(names, {"name": names}), temp=True)
    frames.store(
        con,
        "complaint_merchant_keys",
        _key_frame(
            [str(r[1]) for r in rows],
            {"merchant_id": [str(r[0]) for r in rows], "district": [r[2] for r in rows]},
        ),
        temp=True,
    )
    sqlrun.materialise_temp(
        con,
        "complaint_name_matches",
        sqlrun.body("marts/complaint_name_matches.sql"),
        {"min_contain": MIN_CONTAIN_CHARS},
    )


def _invoice_status(con: duckdb.DuckDBPyConnection) -> bool:
    """Temp tables ``complaint_invoice_status`` (each named invoice's status) and
    ``complaint_payment_status`` (the status of the payment each was issued for); False when
    there is no reconciliation yet."""
    if table_exists(con, "reconciliation"):
        # each step reads the view with a constant list of the ids it needs (see the SQL files)
        steps = (
            ("invoice", "nullif(trim(invoice_no), '')", "complaints", "invoices"),
            ("payment", "payment_id", "complaint_invoice_status", "payments"),
        )
        for name, key, source, param in steps:
            ids = [
                str(r[0])
                for r in con.execute(
                    f"select distinct {key} as k from {source} where k is not null order by k"
                ).fetchall()
            ]
            sqlrun.materialise_temp(
                con,
                f"complaint_{name}_status",
                sqlrun.body(f"marts/complaint_{name}_status.sql"),
                {param: ids},
            )
        return True
    con.execute(
        "create or replace temp table complaint_invoice_status (invoice_no varchar, "
        "status varchar, reason_zh varchar, reason_en varchar, recorded_at timestamp, "
        "payment_id varchar)"
    ).fetchall()
    con.execute(
        "create or replace temp table complaint_payment_status (payment_id varchar, "
        "payment_status varchar)"
    ).fetchall()
    return False


def _no_predictions() -> pl.DataFrame:
    return pl.DataFrame(
        schema={"complaint_id": pl.String, "category": pl.String, "confidence": pl.Float64}
    )


def link_complaints(
    con: duckdb.DuckDBPyConnection, predictions: pl.DataFrame | None = None
) -> None:
    """(Re)write ``complaint_links``; ``predictions`` (complaint_id, category, confidence) fills
    the category of unlabelled complaints (none given: their category stays null)."""
    _match_names(con)
    _invoice_status(con)
    frames.store(
        con,
        "complaint_predictions",
        _no_predictions() if predictions is None else predictions,
        temp=True,
    )
    sqlrun.execute(
        con,
        f"create or replace table {LINKS_TABLE} as "
        f"select * from ({sqlrun.body('marts/complaint_links.sql')}) order by complaint_id",
        {},
    )


@dataclass(frozen=True)
class Classification:
    """What the classifier step did: predictions, the held-out report, or why it was skipped."""

    predictions: pl.DataFrame
    report: ClassifierReport | None
    message: str
    n_labelled: int
    n_unlabelled: int
    labels_fingerprint: str | None = None  # analytics.classifier_cache: skip retraining


def classify_complaints(con: duckdb.DuckDBPyConnection, *, seed: int = 0) -> Classification:
    """Evaluate on a held-out split, train on every label, predict the unlabelled complaints."""
    labelled = query(
        con,
        "select text, category from complaints where category is not null and text is not null "
        "order by complaint_id",
    )
    unlabelled = query(
        con,
        "select complaint_id, coalesce(text, '') as text from complaints "
        "where category is null order by complaint_id",
    )
    texts, labels = labelled["text"].to_list(), labelled["category"].to_list()
    fingerprint = classifier_cache.labels_fingerprint(con, seed)
    report = classifier_cache.previous_report(con, fingerprint)  # same labels: same report
    reused = classifier_cache.previous_predictions(con, unlabelled) if report else None
    if report and reused is not None and reused.height == unlabelled.height:
        message = (
            f"complaint classifier ({report.model}): labels unchanged, last run's model reused; "
            f"held-out macro-F1 {report.macro_f1:.3f}; {reused.height} unlabelled complaints"
        )
        return Classification(
            reused, report, message, labelled.height, unlabelled.height, fingerprint
        )
    try:
        report = report or evaluate_classifier(texts, labels, seed=seed)
        model = train_classifier(texts, labels, seed=seed)
    except InsufficientLabelsError as exc:
        message = f"complaint classifier skipped: {exc}; unlabelled complaints stay unclassified"
        return Classification(_no_predictions(), None, message, labelled.height, unlabelled.height)
    categories, confidence = model.predict_with_confidence(unlabelled["text"].to_list())
    predictions = pl.DataFrame(
        {
            "complaint_id": unlabelled["complaint_id"],
            "category": pl.Series(categories, dtype=pl.String),
            "confidence": pl.Series(confidence, dtype=pl.Float64),
        }
    )
    message = (
        f"complaint classifier ({report.model}): held-out macro-F1 {report.macro_f1:.3f} "
        f"({report.n_train} train / {report.n_test} test); "
        f"{predictions.height} unlabelled complaints classified"
    )
    return Classification(
        predictions, report, message, labelled.height, unlabelled.height, fingerprint
    )


def _write_report(
    con: duckdb.DuckDBPyConnection, result: Classification, run_at: datetime, seed: int
) -> None:
    """Replace ``classifier_reports`` with this run's row (one row: the current model)."""
    report = result.report
    sqlrun.execute(
        con,
        f"create or replace table {REPORTS_TABLE} as select "
        "$run_at::timestamp as run_at, $status as status, $message as message, "
        "$model as model, $seed::integer as seed, $n_labelled::integer as n_labelled, "
        "$n_unlabelled::integer as n_unlabelled, $n_train::integer as n_train, "
        "$n_test::integer as n_test, $macro_f1::double as macro_f1, "
        "$per_class::json as per_class_f1, $report::json as report, "
        "$fingerprint::varchar as labels_fingerprint",
        {
            "run_at": run_at,
            "status": "trained" if report else "skipped",
            "message": result.message,
            "model": report.model if report else None,
            "seed": seed,
            "n_labelled": result.n_labelled,
            "n_unlabelled": result.n_unlabelled,
            "n_train": report.n_train if report else None,
            "n_test": report.n_test if report else None,
            "macro_f1": report.macro_f1 if report else None,
            "per_class": json.dumps(report.per_class_f1 if report else {}, ensure_ascii=False),
            "report": json.dumps(report.to_dict() if report else None, ensure_ascii=False),
            "fingerprint": result.labels_fingerprint if report else None,
        },
    )


def build_complaint_tables(
    con: duckdb.DuckDBPyConnection, *, seed: int = 0, run_at: datetime | None = None
) -> Classification:
    """Classify, link, and (re)write ``complaint_links`` and ``classifier_reports``."""
    result = classify_complaints(con, seed=seed)
    link_complaints(con, result.predictions)
    _write_report(con, result, run_at or beijing_now(), seed)
    return result


def complaints_stage(con: duckdb.DuckDBPyConnection, ctx: object) -> None:
    """Pipeline stage ``complaints``: a full recompute of both tables on every run.

    Reads nothing from ``ctx`` but, when present, appends to ``ctx.notes`` (list of str) and
    records row counts in ``ctx.written`` (dict of table -> rows), as
    :class:`analytics.context.Context` provides.
    """
    result = build_complaint_tables(con)
    notes = getattr(ctx, "notes", None)
    if isinstance(notes, list):
        notes.append(result.message)
        if not table_exists(con, "reconciliation"):
            notes.append("complaints: no reconciliation yet, invoice statuses left empty")
    written = getattr(ctx, "written", None)
    if isinstance(written, dict):
        written[LINKS_TABLE] = sqlrun.count_rows(con, LINKS_TABLE)
        written[REPORTS_TABLE] = 1
