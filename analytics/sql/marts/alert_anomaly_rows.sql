-- Anomaly flags per merchant and month for the "new anomaly" rule: anomaly_scores (written by
-- the anomaly stage) in $months, with the attributes alerts carry from the month's metrics and
-- the counts a rule's floor may use (alert_rules.ANOMALY_FLOOR_METRICS: a month of 1 invoice
-- can be flagged for a 100% mismatch rate; the floor keeps such months off the alert list).
with flags as (
    select columns(lambda c: c not in ('merchant_name', 'district', 'industry'))
    from anomaly_scores
    where list_contains($months, period)
),

attrs as (
    select merchant_id, period, merchant_name, district, industry, invoices_issued, complaints
    from merchant_period_metrics
    where period_type = 'month' and list_contains($months, period)
),

final as (
    select f.*, a.merchant_name, a.district, a.industry,
        coalesce(a.invoices_issued, 0) as invoices_issued,
        coalesce(a.complaints, 0) as complaints
    from flags f
    left join attrs a on a.merchant_id = f.merchant_id and a.period = f.period
)

select * from final
