-- Month rows the alert rules read (analytics/alert_rules.py): the merchants' metrics in
-- $months (the evaluated months and the months before them, for the comparison).
with months as (
    select * from merchant_period_metrics
    where period_type = 'month' and list_contains($months, period)
),

final as (
    select * from months
)

select * from final
