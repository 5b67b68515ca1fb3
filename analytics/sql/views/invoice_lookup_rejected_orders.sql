-- 发票查询 (analytics.invoice_lookup): rows that named one of $order_ids but were rejected at
-- import: the payment itself (a payments export) or an invoice issued for it (订单号 in a
-- merchant's log), with the file they came from. As for invoice numbers
-- (invoice_lookup_rejected.sql), one regular expression of the ids ($ids_re: joined by |; an
-- order id is letters, digits, '_' and '-', none of them special outside a class) picks the rows
-- that may name one in a single pass, and their id-like runs are then matched exactly.
with wanted as (
    select unnest($order_ids::varchar[]) as order_id
),

tokens as (
    select batch_id, row_number, unnest(runs) as run
    from (
        select
            batch_id,
            row_number,
            list_distinct(regexp_extract_all(raw::varchar, '[A-Za-z0-9_\-]+')) as runs
        from rejected_rows
        where regexp_matches(raw::varchar, $ids_re)
    )
),

hits as (
    select distinct w.order_id, t.batch_id, t.row_number
    from tokens as t
    inner join wanted as w on t.run = w.order_id
),

final as (
    select
        h.order_id as asked, b.file_name, b.kind, r.row_number, r.reasons, r.detail,
        b.finished_at as imported_at
    from hits as h
    inner join rejected_rows as r using (batch_id, row_number)
    inner join import_batches as b using (batch_id)
)

select * from final order by asked, imported_at, file_name, row_number
