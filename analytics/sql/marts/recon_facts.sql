-- The `recon_facts` view: the three per-subject fact tables (pipeline/tables.sql) as one. Each
-- table brings its own columns (the DDL is their one list); `union all by name` gives the other
-- subjects' columns as NULL. Flags a subject's rows always carried as false are stated here:
-- unmatched tax records are not recorded, on time, late ... ; payments are never red, void or
-- duplicates. Stages read this view; filters on `subject` prune the other tables.
select 'issued' as subject, * from recon_issued_facts

union all by name

select
    'tax_record' as subject, *,
    false as is_recorded, false as is_on_time, false as is_late, false as is_missing,
    false as is_pending, false as is_mismatch, false as is_duplicate
from recon_tax_facts

union all by name

select 'payment' as subject, *, false as is_red, false as is_void, false as is_duplicate
from recon_payment_facts
