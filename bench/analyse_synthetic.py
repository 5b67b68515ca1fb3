"""Scale check for ``analyse`` without the generator or the loader.

    python bench/analyse_synthetic.py build  DB --invoices 1000000   # raw rows straight in SQL
    python bench/analyse_synthetic.py analyse DB [--full]            # timed; run under time -v
    python bench/analyse_synthetic.py add-day DB                     # one more day of files

Rows are made with DuckDB ``range()`` and ``hash()`` (no Python per row): merchants, invoices
spread over January-November 2026 in time order (as daily loads append them), ~97% with a tax
record (most within a day, some late, a few mismatched), payments for most invoices, ~1% red
reversals, ~0.2% voids, complaints. One import batch per kind and month.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from analytics import warehouse
from analytics.pipeline import analyse

START = "timestamp '2026-01-01 08:00:00'"
SPAN_S = 330 * 86400  # January to late November


def build(db: Path, invoices: int) -> None:
    con = warehouse.connect(db)
    merchants = max(invoices // 200, 10)
    params = {"n": invoices, "m": merchants}
    t0 = time.perf_counter()
    con.execute(
        """
        insert into merchants
        select '9111010' || lpad(range::varchar, 10, '0') || 'X', '商户' || range, '商户' || range,
            ['朝阳区', '海淀区', '东城区', '西城区'][1 + range % 4],
            ['retail', 'restaurant', 'hotel'][1 + range % 3],
            ['micro', 'small', 'medium', 'large'][1 + range % 4],
            range % 3 = 0, 'uscc', ['etax_web', 'piaolian', 'jinpiaobao'][1 + range % 3],
            null, 1, range
        from range($m)
        """,
        {"m": merchants},
    ).fetchall()
    con.execute(
        f"""
        create temp table inv as
        select range as i,
            '9111010' || lpad((hash(range) % $m)::varchar, 10, '0') || 'X' as merchant_id,
            {START} + to_seconds((range * {SPAN_S} // $n)::bigint) as issued_at,
            ((hash(range * 7) % 100000) / 100.0 + 1)::decimal(18, 2) as total,
            (hash(range * 13) % 1000)::bigint as r
        from range($n)
        """,
        params,
    ).fetchall()
    con.execute(
        """
        insert into issued_invoices
        select '2611' || lpad(i::varchar, 16, '0'),
            merchant_id,
            case when r < 700 then 'P' || i end,
            issued_at,
            case when r >= 990 then -1 else 1 end * (total - round(total * 0.13 / 1.13, 2)),
            case when r >= 990 then -1 else 1 end * round(total * 0.13 / 1.13, 2),
            case when r >= 990 then -total else total end,
            0.13, 'taxable', '数电票（普通发票）',
            r >= 990, r between 985 and 986,
            case when r >= 990 then '2611' || lpad(greatest(i - 500, 0)::varchar, 16, '0') end,
            'etax_web', case when r % 5 = 0 then '买方' || (r % 50) end, null, null,
            1 + month(issued_at), i, hash('2611' || lpad(i::varchar, 16, '0'))
        from inv
        """
    ).fetchall()
    con.execute(
        """
        insert into tax_records
        select '2611' || lpad(i::varchar, 16, '0'), merchant_id, null, null, null, issued_at,
            issued_at + case
                when r < 900 then to_seconds((hash(i * 3) % 28800)::bigint)
                when r < 950 then to_seconds((86400 * 3 + hash(i * 3) % 86400 * 4)::bigint)
                else to_seconds((hash(i * 3) % 172800)::bigint) end,
            'file',
            case when r >= 990 then -1 else 1 end * (total - round(total * 0.13 / 1.13, 2)),
            case when r >= 990 then -1 else 1 end * round(total * 0.13 / 1.13, 2),
            case when r >= 990 then -total else total end + case when r = 42 then 1 else 0 end,
            0.13, null, '正常', r >= 990, null, 'test', null, null, null,
            100 + month(issued_at), i, hash('2611' || lpad(i::varchar, 16, '0'))
        from inv where r not between 960 and 984
        """
    ).fetchall()
    con.execute(
        """
        insert into payments
        select 'P' || i, merchant_id, issued_at - interval 3 minute,
            total + case when r = 7 then 5 else 0 end, r % 2 = 0, 'individual', 'wechat',
            200 + month(issued_at), i
        from inv where r < 700 or r between 700 and 720
        """
    ).fetchall()
    con.execute(
        """
        insert into complaints
        select 'C' || i, issued_at + interval 2 day, merchant_id, null, null,
            ['not_found', 'not_timely', 'amount_short', null][1 + r % 4], '12366', null,
            '查不到发票', 'open', null, 300 + month(issued_at), i
        from inv where r % 500 = 3
        """
    ).fetchall()
    con.execute(
        """
        insert into import_batches
        select b, 'bench-' || b, '/bench/' || b, lpad(b::varchar, 64, '0'), null,
            ['merchants', 'issued_invoices', 'tax_records', 'payments', 'complaints'][1 + b // 100],
            'csv', 'utf-8', '{}', 0, 0, 0, 0, 0, now()::timestamp, now()::timestamp, 0
        from (select distinct batch_id as b from (
            select batch_id from merchants union all select batch_id from issued_invoices
            union all select batch_id from tax_records union all select batch_id from payments
            union all select batch_id from complaints))
        """
    ).fetchall()
    con.close()
    took = time.perf_counter() - t0
    print(f"built {invoices:,} invoices for {merchants:,} merchants in {took:.1f} s")


def add_day(db: Path) -> None:
    """One more day of files: invoices, tax records and payments of 30 November (new batches)."""
    con = warehouse.connect(db)
    row = con.execute("select count(*), max(batch_id) from issued_invoices").fetchall()[0]
    n, batch = int(row[0]), int(row[1]) + 1000
    per_day = max(n // 330, 1)
    params = {"k": per_day, "base": n + 1, "b": batch}
    for sql in (
        """insert into issued_invoices
           select '2611' || lpad(($base + range)::varchar, 16, '0'), any_value(merchant_id), null,
               timestamp '2026-11-30 09:00' + to_seconds(range * 28800 // $k), 100, 13, 113, 0.13,
               'taxable', null, false, false, null, null, null, null, null, $b, range
           from range($k), (select merchant_id from merchants limit 1) group by range""",
        """insert into tax_records
           select invoice_no, merchant_id, null, null, null, issued_at,
               issued_at + interval 2 hour, 'file', 100, 13, 113, 0.13, null, '正常', false, null,
               null, null, null, null, $b + 1, source_row
           from issued_invoices where batch_id = $b""",
        """insert into import_batches values
           ($b, 'day-i', '/day', 'x', null, 'issued_invoices', 'csv', null, '{}', 0, 0, 0, 0, 0,
            now()::timestamp, now()::timestamp, 0),
           ($b + 1, 'day-t', '/day', 'y', null, 'tax_records', 'csv', null, '{}', 0, 0, 0, 0, 0,
            now()::timestamp, now()::timestamp, 0)""",
    ):
        con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql}).fetchall()
    con.close()
    print(f"added {per_day:,} invoices on 2026-11-30")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["build", "analyse", "add-day"])
    parser.add_argument("db", type=Path)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--full", action="store_true")
    args = parser.parse_args()
    if args.action == "build":
        build(args.db, args.invoices)
    elif args.action == "add-day":
        add_day(args.db)
    else:
        con = warehouse.connect(args.db)
        result = analyse(con, full=args.full, progress=False)
        con.close()
        print(result.summary())


if __name__ == "__main__":
    main()
