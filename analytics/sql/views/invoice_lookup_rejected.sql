-- 发票查询 (analytics.invoice_lookup): rows that named one of $invoice_nos or $order_ids but
-- were rejected at import (rejected_rows keeps each such row as read, with its reasons), with
-- the file they came from; an order is named by its payment's row, or by an invoice issued for
-- it (订单号 in a merchant's log). One regular expression per kind picks the rows that may name
-- one in a single pass ($digits_re: the invoice numbers' first parts, only digits; $ids_re: the
-- order ids, whose letters, digits, '_' and '-' mean nothing special to RE2 outside a class;
-- both joined by |), and their runs of digits or id characters are then matched exactly
-- (testing every row for every number with contains() took 2.4 s for 200 numbers over 96k
-- rejected rows). A 发票代码-发票号码 key is two cells in a file, so both runs must be there.
with wanted as (
    select
        invoice_no,
        split_part(invoice_no, '-', 1) as first_part,
        nullif(split_part(invoice_no, '-', 2), '') as second_part
    from (select unnest($invoice_nos::varchar[]) as invoice_no)
),

digits as (
    select batch_id, row_number, list_distinct(regexp_extract_all(raw::varchar, '[0-9]+')) as runs
    from rejected_rows
    where len($invoice_nos::varchar[]) > 0 and regexp_matches(raw::varchar, $digits_re)
),

invoice_hits as (
    select distinct w.invoice_no as asked, d.batch_id, d.row_number
    from (select batch_id, row_number, runs, unnest(runs) as run from digits) as d
    inner join wanted as w on d.run = w.first_part
    where w.second_part is null or list_contains(d.runs, w.second_part)
),

tokens as (
    select batch_id, row_number, unnest(runs) as run
    from (
        select
            batch_id,
            row_number,
            list_distinct(regexp_extract_all(raw::varchar, '[A-Za-z0-9_\-]+')) as runs
        from rejected_rows
        where len($order_ids::varchar[]) > 0 and regexp_matches(raw::varchar, $ids_re)
    )
),

order_hits as (
    select distinct t.run as asked, t.batch_id, t.row_number
    from tokens as t
    where list_contains($order_ids::varchar[], t.run)
),

final as (
    select
        h.asked, b.file_name, b.kind, r.row_number, r.reasons, r.detail,
        b.finished_at as imported_at
    from (select * from invoice_hits union all select * from order_hits) as h
    inner join rejected_rows as r using (batch_id, row_number)
    inner join import_batches as b using (batch_id)
)

select * from final order by asked, imported_at, file_name, row_number
