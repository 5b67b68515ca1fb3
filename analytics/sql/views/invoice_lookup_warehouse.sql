-- 发票查询 (analytics.invoice_lookup), second step, on the warehouse, for the numbers of
-- $invoice_nos the snapshot does not list as exceptions or pending: every reconciliation row of
-- them (in practice entered on time, or a voided invoice), with its reason in words. The
-- reconciliation view words every row on read; filtered with list_contains it reads the fact
-- tables once (a semi join against the numbers made DuckDB word the whole view first: 3-5 s
-- instead of 0.4-1 s at 10M invoices). A tax record with a twin in the merchant's log says what
-- its twin says, so only the twin's row is kept, as in recon_exceptions.
with rows as (
    select
        subject_id as invoice_no, subject, status, reason_zh, reason_en, merchant_id, period,
        issued_at, recorded_at, deadline_at, delay_workdays, total_issued, total_recorded,
        is_red, is_void, tax_status, duplicate_of
    from reconciliation
    where subject in ('issued', 'tax_record') and list_contains($invoice_nos, subject_id)
),

final as (
    select r.*, m.name as merchant_name, m.district
    from rows as r
    left join merchants as m using (merchant_id)
    where not (r.subject = 'tax_record' and r.status <> 'missing_in_merchant_log')
)

select * from final order by invoice_no, subject
