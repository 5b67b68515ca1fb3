-- Inputs of the simulated compliance score (analytics/credit.py) for the quarters $periods:
-- the quarter rows of merchant_period_metrics with the period's last day and the merchant's
-- registration date (M grade for merchants registered too recently).
with quarters as (
    select * from merchant_period_metrics
    where period_type = 'quarter' and list_contains($periods, period)
),

registry as (
    select merchant_id, registered_on from stg_merchant_attrs
),

final as (
    select
        q.*,
        (q.period_start + interval 3 month - interval 1 day)::date as period_end,
        r.registered_on
    from quarters q
    left join registry r on r.merchant_id = q.merchant_id
)

select * from final
