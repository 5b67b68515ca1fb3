-- Self-check report: the simulated compliance scores of the merchants for the report's period:
-- the quarter's ($quarter, the month's quarter for a month, which may be still in progress),
-- and for a month also the trailing 12-month window ending in it ($window) where one was
-- scored, the window the ranking page shows. Quarter first.
with rows as (
    select * from credit_scores
    where ((period_type = 'quarter' and period = $quarter)
            or (period_type = 'trailing_12m' and period = $window))
        and list_contains($merchant_ids, merchant_id)
),

final as (
    select merchant_id, period_type, period, score, grade, m_reason_zh, summary_zh from rows
    order by merchant_id, period_type = 'trailing_12m'
)

select * from final
