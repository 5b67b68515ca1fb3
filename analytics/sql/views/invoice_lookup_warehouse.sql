-- 发票查询 (analytics.invoice_lookup), second step, on the warehouse, for what the snapshot does
-- not settle: every reconciliation row of the invoice numbers in $invoice_nos (in practice
-- entered on time, or a voided invoice) and of the payments in $order_ids (an order invoiced in
-- full is no exception), with its reason in words; `asked` is the number each row answers.
-- (An order's invoices are found by analytics.invoice_lookup through
-- invoice_lookup_order_invoices.sql and asked about here as invoice numbers.) The
-- reconciliation view words every row on read; filtered with list_contains it reads the fact
-- tables once (a semi join against the numbers made DuckDB word the whole view first: 3-5 s
-- instead of 0.4-1 s at 10M invoices). A tax record with a twin in the merchant's log says what
-- its twin says, so only the twin's row is kept, as in recon_exceptions.
with invoices as (
    select
        subject_id as asked, subject, subject_id, status, reason_zh, reason_en, merchant_id,
        period, issued_at, recorded_at, deadline_at, delay_workdays, total_issued,
        total_recorded, is_red, is_void, tax_status, duplicate_of
    from reconciliation
    where subject in ('issued', 'tax_record') and list_contains($invoice_nos, subject_id)
),

payments as (  -- apart from the invoices: one OR of both filters took 2.9 s, these 0.4 s
    select
        subject_id as asked, subject, subject_id, status, reason_zh, reason_en, merchant_id,
        period, issued_at, recorded_at, deadline_at, delay_workdays, total_issued,
        total_recorded, is_red, is_void, tax_status, duplicate_of
    from reconciliation
    where subject = 'payment' and list_contains($order_ids, subject_id)
),

rows as (
    select * from invoices
    union all
    select * from payments
),

final as (
    select r.*, m.name as merchant_name, m.district
    from rows as r
    left join merchants as m using (merchant_id)
    where not (r.subject = 'tax_record' and r.status <> 'missing_in_merchant_log')
)

select * from final order by asked, subject, subject_id
