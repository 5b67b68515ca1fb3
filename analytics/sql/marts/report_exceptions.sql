-- Self-check report details: the reconciliation exceptions (recon_exceptions: one row per
-- invoice or payment needing attention, with its reason in Chinese) of the merchants in the
-- months $months, in the order a person reads them.
with rows as (
    select * from recon_exceptions
    where list_contains($merchant_ids, merchant_id) and list_contains($months, period)
),

final as (
    select *
    from rows
    order by merchant_id, coalesce(issued_at, paid_at), subject_id
)

select * from final
