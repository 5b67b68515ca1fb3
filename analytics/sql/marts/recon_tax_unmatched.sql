-- Tax records issued in $months (visible as of $as_of) with no merchant-side twin:
-- missing_in_merchant_log. Records with a twin take the twin's status (recon_issued.sql) and
-- are derived from it by the `reconciliation` view rather than stored twice.
with tax as not materialized (
    select * from stg_tax
    where fw_in_months(issued_at, period, $months, $lo, $hi, $consecutive)
        and (recorded_at is null or recorded_at <= $as_of)
),

-- the anti join on the numbers alone, then the few orphans' rows: an anti join carrying whole
-- tax rows held them all in its hash table (and spilled at 10M invoices)
orphan_numbers as (
    select invoice_no from tax
    anti join stg_issued i on i.invoice_no = tax.invoice_no
),

unmatched as (
    select t.* from tax t
    semi join orphan_numbers o on o.invoice_no = t.invoice_no
),

final as (
    select
        invoice_no as subject_id, merchant_id, period, 'missing_in_merchant_log' as status,
        issued_at, recorded_at, total_amount as total_recorded,
        is_red, is_void_status as is_void, status as tax_status
    from unmatched
)

select * from final
