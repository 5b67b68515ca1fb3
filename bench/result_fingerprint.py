"""Fingerprints of every analysis result table, to hold a faster ``analyse`` to identical results.

    python bench/result_fingerprint.py fingerprint DB [--out FILE.json]
    python bench/result_fingerprint.py compare A.json B.json [--ignore TABLE ...]
    python bench/result_fingerprint.py cut-day SRC DST            # DST = SRC minus its last day
    python bench/result_fingerprint.py add-day DST                # the day back, as new batches

A fingerprint is, per table, the row count and the sum and XOR of a 64-bit hash of every row
(order-free, so two runs that write rows in another order compare equal). Columns that record
when something ran (``fitted_at``, ``run_at``, alert times) are left out; doubles are hashed as
written (the comparison is exact). ``cut-day`` / ``add-day`` build the one-new-day case of the
benchmark straight in SQL: the last issue day's invoices, tax records, payments and complaints
are moved into holding tables, and put back later under new import batches, so an incremental
``analyse`` after ``add-day`` can be compared with a full one.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Raw inputs and bookkeeping are not results; everything else in main is.
NOT_RESULTS = {
    "merchants",
    "payments",
    "issued_invoices",
    "tax_records",
    "tax_record_lines",
    "complaints",
    "planted_labels",
    "import_batches",
    "rejected_rows",
    "tax_status_history",
    "analysis_runs",
    "analysis_batches",
}
# Columns that say when a step ran, not what it computed.
VOLATILE = {
    ("anomaly_model", "fitted_at"),
    ("classifier_reports", "run_at"),
    ("model_evaluation", "evaluated_at"),
    ("alerts", "created_at"),
    ("alerts", "updated_at"),
    ("alerts", "first_seen_at"),
    ("alerts", "last_seen_at"),
    ("alert_events", "at"),
    ("alert_events", "event_at"),
}
# Columns hashed through an expression: the evaluation's JSON repeats its own time.
CLEANED = {
    ("model_evaluation", "details"): """regexp_replace(details, '"evaluated_at": "[^"]*"', '')""",
}
DAY_TABLES = {
    "issued_invoices": ("issued_at", "issued_invoices"),
    "tax_records": ("issued_at", "tax_records"),
    "payments": ("paid_at", "payments"),
    "complaints": ("received_at", "complaints"),
}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def result_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_name from duckdb_tables() where database_name = current_database() "
        "and schema_name = 'main' and not temporary order by table_name"
    ).fetchall()
    return [str(r[0]) for r in rows if str(r[0]) not in NOT_RESULTS]


def fingerprint(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for table in result_tables(con):
        cols = [
            str(r[0])
            for r in con.execute(
                "select column_name from duckdb_columns() where database_name = "
                "current_database() and table_name = $t order by column_index",
                {"t": table},
            ).fetchall()
            if (table, str(r[0])) not in VOLATILE
        ]
        exprs = [CLEANED.get((table, c), _q(c)) for c in cols]
        row_hash = f"hash({', '.join(exprs)})" if cols else "0::ubigint"
        n, x, s = con.execute(
            f"select count(*), coalesce(bit_xor(h), 0), coalesce(sum(h), 0)::varchar "
            f"from (select {row_hash} as h from {_q(table)})"
        ).fetchall()[0]
        out[table] = {"rows": int(n), "xor": int(x), "sum": str(s), "columns": cols}
    return out


def compare(a: dict[str, Any], b: dict[str, Any], ignore: set[str]) -> list[str]:
    problems = []
    for table in sorted((a.keys() | b.keys()) - ignore):
        if table not in a or table not in b:
            problems.append(f"{table}: only in {'first' if table in a else 'second'}")
        elif a[table]["columns"] != b[table]["columns"]:
            problems.append(f"{table}: columns differ")
        elif a[table] != b[table]:
            problems.append(
                f"{table}: rows {a[table]['rows']} vs {b[table]['rows']}, content differs"
            )
    return problems


def cut_day(src: Path, dst: Path) -> str:
    shutil.copyfile(src, dst)
    con = duckdb.connect(str(dst))
    day = con.execute("select max(issued_at)::date from issued_invoices").fetchall()[0][0]
    for table, (col, _) in DAY_TABLES.items():
        con.execute(
            f"create or replace table fw_hold_{table} as select * from {table} "
            f"where {col}::date = $d",
            {"d": day},
        ).fetchall()
        con.execute(f"delete from {table} where {col}::date = $d", {"d": day}).fetchall()
    con.close()
    return str(day)


def add_day(dst: Path) -> int:
    con = duckdb.connect(str(dst))
    rows = 0
    for table, (_, kind) in DAY_TABLES.items():
        batch = int(
            con.execute("select coalesce(max(batch_id), 0) + 1 from import_batches").fetchall()[0][
                0
            ]
        )
        con.execute(
            "insert into import_batches values ($b, $f, $f, $sha, null, $kind, 'csv', 'utf-8', "
            "'{}', 0, 0, 0, 0, 0, now()::timestamp, now()::timestamp, 0)",
            {"b": batch, "f": f"day-{kind}.csv", "sha": f"{batch:064x}", "kind": kind},
        ).fetchall()
        con.execute(
            f"insert into {table} select * replace ($b::integer as batch_id) from fw_hold_{table}",
            {"b": batch},
        ).fetchall()
        rows += int(con.execute(f"select count(*) from fw_hold_{table}").fetchall()[0][0])
        con.execute(f"drop table fw_hold_{table}").fetchall()
    con.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    fp = sub.add_parser("fingerprint")
    fp.add_argument("db", type=Path)
    fp.add_argument("--out", type=Path)
    cmp = sub.add_parser("compare")
    cmp.add_argument("a", type=Path)
    cmp.add_argument("b", type=Path)
    cmp.add_argument("--ignore", nargs="*", default=[])
    cut = sub.add_parser("cut-day")
    cut.add_argument("src", type=Path)
    cut.add_argument("dst", type=Path)
    add = sub.add_parser("add-day")
    add.add_argument("db", type=Path)
    args = parser.parse_args()
    if args.cmd == "fingerprint":
        con = duckdb.connect(str(args.db), read_only=True)
        result = fingerprint(con)
        text = json.dumps(result, indent=1)
        if args.out:
            args.out.write_text(text)
        for table, fpr in result.items():
            print(f"{table:<28}{fpr['rows']:>12,}  {fpr['xor']:>20}")
    elif args.cmd == "compare":
        problems = compare(
            json.loads(args.a.read_text()), json.loads(args.b.read_text()), set(args.ignore)
        )
        print("\n".join(problems) or "identical")
        sys.exit(1 if problems else 0)
    elif args.cmd == "cut-day":
        print(f"cut {cut_day(args.src, args.dst)}")
    else:
        print(f"added {add_day(args.db):,} rows")


if __name__ == "__main__":
    main()
