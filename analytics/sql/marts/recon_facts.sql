-- The `recon_facts` view: the three per-subject fact tables (pipeline/tables.sql) as one,
-- every subject with every column; a subject's empty columns are NULL, or the constant its rows
-- always carried (payments are never red, void or duplicates; unmatched tax records carry false
-- flags). Stages read this view; filters on `subject` prune the other tables.
select
    'issued' as subject, subject_id, merchant_id, period, status,
    issued_at, recorded_at, deadline_at, null::timestamp as paid_at, delay_workdays,
    deadline_workdays, total_issued, total_recorded, null::decimal(18, 2) as amount_paid,
    is_red, is_void, tax_status,
    is_recorded, is_on_time, is_late, is_missing, is_pending, is_mismatch, is_duplicate,
    duplicate_of, duplicate_basis, duplicate_of_at, tax_seller_id, tax_issued_at,
    null::integer as invoices_linked, null::integer as red_linked
from recon_issued_facts

union all

select
    'tax_record' as subject, subject_id, merchant_id, period, status,
    issued_at, recorded_at, null::timestamp as deadline_at, null::timestamp as paid_at,
    null::double as delay_workdays, null::integer as deadline_workdays,
    null::decimal(18, 2) as total_issued, total_recorded, null::decimal(18, 2) as amount_paid,
    is_red, is_void, tax_status,
    false as is_recorded, false as is_on_time, false as is_late, false as is_missing,
    false as is_pending, false as is_mismatch, false as is_duplicate,
    null::varchar as duplicate_of, null::varchar as duplicate_basis,
    null::timestamp as duplicate_of_at,
    null::varchar as tax_seller_id, null::timestamp as tax_issued_at,
    null::integer as invoices_linked, null::integer as red_linked
from recon_tax_facts

union all

select
    'payment' as subject, subject_id, merchant_id, period, status,
    null::timestamp as issued_at, null::timestamp as recorded_at,
    null::timestamp as deadline_at, paid_at, null::double as delay_workdays,
    null::integer as deadline_workdays,
    total_issued, null::decimal(18, 2) as total_recorded, amount_paid,
    false as is_red, false as is_void, null::varchar as tax_status,
    null::boolean as is_recorded, null::boolean as is_on_time, null::boolean as is_late,
    null::boolean as is_missing, null::boolean as is_pending, null::boolean as is_mismatch,
    false as is_duplicate, null::varchar as duplicate_of, null::varchar as duplicate_basis,
    null::timestamp as duplicate_of_at,
    null::varchar as tax_seller_id, null::timestamp as tax_issued_at,
    invoices_linked, red_linked
from recon_payment_facts
