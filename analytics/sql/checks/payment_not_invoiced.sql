-- Payments whose customer asked for an invoice, still without one $grace_days days after
-- payment (as of $as_of). Reads the reconciliation of the same run. The detail names the grace
-- period, not the age: an incremental run leaves old months' rows as they are, and an age
-- counted to an earlier as-of time would go stale there (the age is as-of minus paid_at).
with payments as (
    select * from recon_facts
    where subject = 'payment' and status = 'not_invoiced' and list_contains($months, period)
        and paid_at < $as_of - to_days($grace_days::integer)
),

final as (
    select merchant_id, subject_id,
        format('payment {} of {} on {}: invoice requested, none issued within {} days',
            subject_id, printf('%.2f', amount_paid), strftime(paid_at, '%Y-%m-%d'),
            $grace_days::integer) as detail,
        period
    from payments
)

select * from final
