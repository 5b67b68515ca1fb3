-- Reconciliation exceptions per status for the merchants of a self-check report ($merchant_ids,
-- or every merchant of $districts) in its months: the rows its detail sheets will hold.
with scoped as (
    select merchant_id
    from fw_merchants($merchant_ids, $districts, [], [], [], null)
),

final as (
    select status, count(*) as rows
    from recon_exceptions
    where list_contains($months, period)
        and merchant_id in (select merchant_id from scoped)
    group by status
)

select * from final
