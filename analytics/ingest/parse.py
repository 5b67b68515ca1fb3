"""Set-based parsing and validation: from ``_ing_src`` (all text) to ``_ing_final`` (typed rows with
their problems).

One statement builds ``_ing_final``: a generated prefix maps the file's columns to canonical
names and applies the generic checks of each field's type (see :mod:`analytics.ingest.spec`),
then the kind's staging SQL files (``analytics/sql/staging/stg_<kind>.sql`` and, for invoices,
``ingest_invoice_rules.sql``) derive columns and apply the domain rules. Every rule yields a
``{code, detail}`` struct, so a row carries all its reasons at once. Values that need Python
(taxpayer-id checks, tax-rate parsing, name normalisation) are computed once per distinct value
and joined back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any

import duckdb

from analytics import sqlrun
from analytics import validation as v
from analytics.ingest import layouts, lookups
from analytics.ingest.headers import HeaderMatch
from analytics.ingest.native import native_cast
from analytics.ingest.spec import Field, KindSpec
from analytics.warehouse import sql_text

SUMMARY_RE = r"(合\s*计|总\s*计|小\s*计)行?[:：]?|total|sum|subtotal"
# What a cell matching SUMMARY_RE (once trimmed and lower-cased) can begin with: the first
# character of each alternative, in either case, or whitespace (trimmed off first).
SUMMARY_LEAD = "合总小tsTS" + v.WHITESPACE


def constants(today: date, imported_at: datetime) -> dict[str, Any]:
    """The rule constants of :mod:`analytics.validation`, as bound parameters."""
    return {
        "ws": v.WHITESPACE,
        "wsc": [ord(c) for c in v.WHITESPACE],
        "empty": sorted(v.EMPTY_MARKERS),
        "empty_len": max(len(m.encode()) for m in v.EMPTY_MARKERS),
        "formats": list(v.DATETIME_FORMATS),
        "yes": sorted(v.BOOL_TRUE),
        "no": sorted(v.BOOL_FALSE),
        "today": today,
        "earliest": v.EARLIEST_DATE,
        "total_tol": v.TOTAL_TOLERANCE,
        "tax_tol": v.TAX_TOLERANCE,
        "beijing": v.BEIJING_PROVINCE_CODE,
        "orig_digital_re": v.ORIGINAL_DIGITAL_RE,
        "orig_legacy_re": v.ORIGINAL_LEGACY_RE,
        "imported_at": imported_at,
        "summary_re": SUMMARY_RE,
        "summary_lead": [ord(c) for c in SUMMARY_LEAD],
        **layouts.run_params(),
    }


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The cell parsers of ``staging/ingest_macros.sql``, once per connection."""
    sqlrun.install_once(con, "staging/ingest_macros.sql")


def field_text(field: Field, trimmed: str) -> str:
    """SQL: a field's text (``validation.clean_text``; ids upper-cased) from its cell already
    trimmed by ``fw_trim``. Trimming happens one query step earlier, once per cell: written as
    one expression (``fw_txt``), the trim is computed for each of its three uses."""
    expr = f"fw_unmark({trimmed}, $empty, $empty_len)"
    return f"upper({expr})" if field.type in ("id", "buyer_id") else expr


def cell(match: HeaderMatch, i: int) -> str:
    """SQL: cell ``i`` (0-based) of ``_ing_src s`` as text (typed Parquet columns cast)."""
    return f"s.c{i + 1}::varchar" if i in match.native_of else f"s.c{i + 1}"


def passthrough(match: HeaderMatch, f: Field) -> str | None:
    """The SQL type a field takes its typed source column in, or None (parsed from text)."""
    col = match.source_of.get(f.name)
    column_type = None if col is None else match.native_of.get(col)
    return native_cast(f.type, column_type) if column_type else None


def summary_expr(match: HeaderMatch) -> str:
    """A totals row (序号 = 合计 / 合计行) in the serial-number column or the first column.

    The regular expression runs only on cells whose first character can begin a match
    (:data:`SUMMARY_LEAD`), as a CASE branch (an AND still evaluated it on every cell): a
    serial number or a Parquet payment id is settled without it. A 2M-row payments file,
    whose 22-character ids all reached the expression, ``_ing_final`` and :func:`counts`
    together: 1.53 -> 1.23 s (medians of six alternating runs on one thread)."""
    cells = {0, match.source_of.get("serial_no", 0)}
    tests = [
        f"(case when strlen({cell(match, i)}) <= 32 "
        f"and list_contains($summary_lead, ord({cell(match, i)})) "
        f"then regexp_full_match(lower(fw_trim({cell(match, i)}, $ws, $wsc)), $summary_re) end)"
        for i in sorted(cells)
    ]
    return "coalesce(" + " or ".join(tests) + ", false)"


def blank_expr(match: HeaderMatch) -> str:
    """Every cell empty: not a data row (trailing formatted rows of a sheet, ',,,' lines).

    Written for speed (it runs on every row): a first cell that starts with a non-blank
    character settles almost every row before any cell is trimmed, and ``fw_trim`` trims only
    cells with whitespace at an end (``trim`` with a character set costs ~0.25 us per cell).
    """
    width = len(match.headers)
    if width == 0:
        return "true"
    cells = [f"coalesce(fw_trim({cell(match, i)}, $ws, $wsc), '') = ''" for i in range(width)]
    first = cell(match, 0)
    return (
        f"(case when strlen({first}) > 0 and not list_contains($wsc, ord({first})) then false "
        f"else {' and '.join(cells)} end)"
    )


def _text_ctes(spec: KindSpec, match: HeaderMatch) -> str:
    """``_ing_cells`` (each used cell trimmed once, the row flags) and ``_ing_text`` (the
    fields' text, see :func:`field_text`)."""
    typed = {match.source_of[f.name] for f in spec.fields if passthrough(match, f)}
    used = sorted({match.source_of[f.name] for f in spec.fields if f.name in match.source_of})
    trimmed = "".join(
        f", s.c{i + 1} as x{i + 1}"
        if i in typed
        else f", fw_trim({cell(match, i)}, $ws, $wsc) as x{i + 1}"
        for i in used
    )
    fields = []
    for f in spec.fields:
        col = match.source_of.get(f.name)
        if col is None:
            expr = "null::varchar"
        elif col in typed:
            expr = f"x{col + 1}"
        else:
            expr = field_text(f, f"x{col + 1}")
        fields.append(f"{expr} as {f.name}")
    return (
        f"_ing_cells as (select s.__row, {summary_expr(match)} as __summary, "
        f"{blank_expr(match)} as __blank{trimmed} from _ing_src s), "
        f"_ing_text as (select __row, __summary, __blank, {', '.join(fields)} from _ing_cells)"
    )


_TYPED = {
    "ts": layouts.ts_expr("t.{f}"),
    "date": layouts.ts_expr("t.{f}") + "::date",
    "amount": "fw_amount(t.{f})",
    "qty": "fw_qty(t.{f})",
    "bool": "fw_bool(t.{f}, $yes, $no)",
    "int": "try_cast(t.{f} as integer)",
    "rate": "r_{f}.rate",
}


def _typed_cte(spec: KindSpec, match: HeaderMatch) -> str:
    cols, joins = [], []
    for f in spec.fields:
        cols.append(f"t.{f.name} as t_{f.name}")
        if sql_type := passthrough(match, f):
            cols.append(f"try_cast(t.{f.name} as {sql_type}) as {f.name}")
        else:
            cols.append(_TYPED.get(f.type, "t.{f}").format(f=f.name) + f" as {f.name}")
        if f.type in ("id", "buyer_id"):
            cols.append(f"i_{f.name}.fmt as {f.name}_format")
            joins.append(f"left join _ing_ids i_{f.name} on i_{f.name}.id = t.{f.name}")
        if f.type == "rate":
            cols.append(f"r_{f.name}.category as {f.name}_category")
            joins.append(f"left join _ing_rates r_{f.name} on r_{f.name}.text = t.{f.name}")
    return (
        f"select t.__row, {', '.join(cols)} from _ing_text t {' '.join(joins)} "
        "where not t.__blank and not t.__summary"
    )


def _problem(cond: str, code: str, detail: str) -> tuple[str, str]:
    """A check: its condition, and the ``{code, detail}`` struct it yields when true."""
    return cond, f"case when {cond} then {{'code': '{code}', 'detail': {detail}}} end"


def field_problems(f: Field) -> list[tuple[str, str]]:
    """The generic checks of one field, by type (see the table in :mod:`spec`)."""
    n, lbl, raw = f.name, f"$lbl_{f.name}", f"t_{f.name}"
    given = f"{raw} is not null"
    shown = f"{lbl} || ' ''' || {raw}::varchar || ''''"  # the raw value may be typed (Parquet)
    out = []
    if f.required:
        out.append(_problem(f"{raw} is null", "missing_required", f"{lbl} || ' is empty'"))
    if f.type in ("id", "buyer_id"):
        code = "invalid_uscc" if f.type == "id" else "invalid_buyer_tax_id"
        why = "' is not a valid USCC (check character) nor a legacy 15/20-character id'"
        out.append(_problem(f"{given} and {n}_format is null", code, f"{shown} || {why}"))
    if f.type in ("ts", "date"):
        out.append(
            _problem(f"{given} and {n} is null", "unparseable_date", f"{shown} || ' is not a date'")
        )
        future = f"{lbl} || ' ' || {n}::varchar || ' is after today ' || $today::varchar"
        out.append(_problem(f"{n}::date > $today", "date_in_future", future))
    if f.type == "ts":
        early = f"{lbl} || ' ' || {n}::varchar || ' is before 2000'"
        out.append(_problem(f"{n}::date < $earliest", "date_before_2000", early))
    if f.type in ("amount", "qty", "int"):
        out.append(
            _problem(
                f"{given} and {n} is null", "unparseable_number", f"{shown} || ' is not a number'"
            )
        )
    if f.type == "rate":
        why = "' is not a legal rate (0, 1%, 3%, 5%, 6%, 9%, 13%, 免税, 不征税)'"
        out.append(_problem(f"{given} and {n} is null", "invalid_tax_rate", f"{shown} || {why}"))
    if f.type == "bool":
        out.append(
            _problem(f"{given} and {n} is null", "invalid_value", f"{shown} || ' is not 是/否'")
        )
    return out


def _checked_cte(spec: KindSpec) -> str:
    checks = [c for f in spec.fields for c in field_problems(f)]
    # Most rows pass: test the conditions first and build the list only for rows that fail.
    any_fails = " or ".join(f"coalesce({cond}, false)" for cond, _ in checks)
    structs = ", ".join(struct for _, struct in checks)
    return (
        f"select *, case when {any_fails} then list_filter([{structs}], lambda p: p is not null) "
        "else [] end as generic_problems from _ing_typed0"
    )


def final_sql(spec: KindSpec, match: HeaderMatch) -> str:
    """The one statement that fills ``_ing_final`` for this file."""
    files = [sql_text(name).strip().rstrip(";") for name in spec.sql]
    if not 1 <= len(files) <= 2:
        raise ValueError(f"{spec.kind}: one staging file, or one plus a rules file")
    head = (
        f"create or replace temp table _ing_final as with {_text_ctes(spec, match)}, "
        f"_ing_typed0 as ({_typed_cte(spec, match)}), _ing_typed as ({_checked_cte(spec)}), "
        f"_ing_stage as ({files[0]}) "
    )
    return head + ("select * from _ing_stage" if len(files) == 1 else f"select * from ({files[1]})")


def _distinct(
    con: duckdb.DuckDBPyConnection,
    match: HeaderMatch,
    fields: Iterable[Field],
    params: Mapping[str, Any],
) -> list[str]:
    """The distinct non-empty texts of these (mapped) fields, all together.

    Cells are made distinct before they are cleaned (the same cell cleans to the same text): a
    column of a few thousand merchant ids over 180k rows is cleaned a few thousand times."""
    parts = [
        f"select {field_text(f, 'x')} as v from (select fw_trim(c, $ws, $wsc) as x from "
        f"(select distinct {cell(match, match.source_of[f.name])} as c from _ing_src s))"
        for f in fields
    ]
    if not parts:
        return []
    sql = f"select distinct v from ({' union all '.join(parts)}) where v is not null"
    return [str(r[0]) for r in con.execute(sql, sqlrun.bind(sql, params)).fetchall()]


def prepare_lookups(
    con: duckdb.DuckDBPyConnection, spec: KindSpec, match: HeaderMatch, params: Mapping[str, Any]
) -> None:
    """Per-distinct-value Python checks, joined back by the SQL: ids, rates, names."""

    def values(kinds: tuple[str, ...]) -> list[str]:
        fields = [f for f in spec.fields if f.type in kinds and f.name in match.source_of]
        return _distinct(con, match, fields, params)

    lookups.register_ids(con, values(("id", "buyer_id")))
    lookups.register_rates(con, values(("rate",)))
    names: list[str] = []
    if spec.kind == "merchants" and "name" in match.source_of:
        name_field = spec.field("name")
        assert name_field is not None
        names = _distinct(con, match, [name_field], params)
    lookups.register_names(con, names)
    lookups.ensure_reference(con)


def build_final(
    con: duckdb.DuckDBPyConnection,
    spec: KindSpec,
    match: HeaderMatch,
    params: Mapping[str, Any],
    progress: Callable[[str], None] | None = None,
) -> None:
    """Create ``_ing_final``: typed rows, table columns, and ``problems`` per row."""
    install_macros(con)
    if progress:
        progress("checking ids")
    prepare_lookups(con, spec, match, params)
    labels = {f"lbl_{f.name}": f.label for f in spec.fields}
    sql = final_sql(spec, match)
    if progress:
        progress("validating")
    con.execute(sql, sqlrun.bind(sql, {**params, **labels}))


def counts(
    con: duckdb.DuckDBPyConnection, match: HeaderMatch, params: Mapping[str, Any]
) -> tuple[int, int]:
    """(data rows, summary rows) of ``_ing_src``; all-empty rows are neither."""
    # The blank test as a WHERE, evaluated once per row: as two aggregate FILTERs it ran twice,
    # for 2-3x the time.
    sql = (
        "select count(*), count(*) filter (where summary) from "
        f"(select {summary_expr(match)} as summary from _ing_src s "
        f"where not {blank_expr(match)})"
    )
    rows = con.execute(sql, sqlrun.bind(sql, params)).fetchall()
    return (int(rows[0][0]), int(rows[0][1])) if rows else (0, 0)
