-- Everything in $months that needs a person's attention: not on time, not invoiced, not pending.
-- Tax records with a twin are left out (their twin's row says the same). Voided invoices are
-- left out unless they are missing from the tax system. Only the columns lists and self-check
-- reports show: this table is copied into the dashboard's snapshot.
with rows as (
    select * from reconciliation
    where list_contains($months, period)
        and status not in ('entered_on_time', 'invoiced', 'pending_entry')
        and not (subject = 'tax_record' and status <> 'missing_in_merchant_log')
),

final as (
    select
        subject, subject_id, merchant_id, period, quarter, status, matched_on,
        issued_at, recorded_at, deadline_at, paid_at, delay_workdays,
        total_issued, total_recorded, amount_paid, difference,
        is_red, is_void, buyer_name, payment_id, tax_status, duplicate_of,
        reason_en, reason_zh
    from rows
    where not coalesce(is_void, false) or status = 'missing_in_system'
)

select * from final
