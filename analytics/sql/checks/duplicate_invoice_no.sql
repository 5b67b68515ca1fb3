-- The same invoice number more than once in issued_invoices or in tax_records within one
-- month. The loader keeps keys unique, so a hit means rows arrived another way. Grouping
-- within the month keeps this a scan of the months in scope (a number reused in another month
-- is not caught here). Pass 1 counts per 64-bit hash of (number, month), far cheaper than
-- grouping on the text with row details; pass 2 looks at the few candidate groups only.
with issued_rows as (
    select invoice_no, merchant_id, date_trunc('month', issued_at) as month
    from issued_invoices
    where issued_at >= $lo and issued_at < $hi
),

tax_rows as (
    select invoice_no, seller_tax_id as merchant_id, date_trunc('month', issued_at) as month
    from tax_records
    where issued_at >= $lo and issued_at < $hi
),

candidates as (
    select 'issued_invoices' as source_table, hash(invoice_no, month) as h
    from issued_rows group by h having count(*) > 1
    union all
    select 'tax_records', hash(invoice_no, month) as h
    from tax_rows group by h having count(*) > 1
),

repeated as (
    select source_table, invoice_no, month, count(*) as times, min(merchant_id) as merchant_id
    from (
        select 'issued_invoices' as source_table, * from issued_rows
        union all
        select 'tax_records', * from tax_rows
    ) r
    semi join candidates c
        on c.source_table = r.source_table and c.h = hash(r.invoice_no, r.month)
    group by all
    having count(*) > 1
),

final as (
    select merchant_id, invoice_no as subject_id,
        format('invoice {} appears {} times in {}', invoice_no, times, source_table) as detail,
        strftime(month, '%Y-%m') as period
    from repeated
    where list_contains($months, strftime(month, '%Y-%m'))
)

select * from final
