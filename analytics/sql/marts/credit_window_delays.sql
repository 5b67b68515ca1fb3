-- Entry-delay percentiles per merchant over the trailing window $months (key $period), from
-- the invoices (a percentile cannot be summed from months). Every merchant when $all_merchants,
-- else only those in work_credit_merchants (the ones with new data): an incremental run then
-- sorts a fraction of a year of invoices instead of all of it.
with facts as (
    select merchant_id, delay_workdays
    from recon_facts
    where subject = 'issued' and not is_void and is_recorded
        and list_contains($months, period)
        and ($all_merchants or merchant_id in (select merchant_id from work_credit_merchants))
),

final as (
    select
        $period::varchar as period,
        merchant_id,
        quantile_cont(delay_workdays, [0.5, 0.95]) as q
    from facts
    group by merchant_id
)

select period, merchant_id, q[1]::double as delay_p50, q[2]::double as delay_p95 from final
