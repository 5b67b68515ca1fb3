-- Self-check report summaries (analytics/reports.py): the merchants' metrics row for one
-- period ($period_type month | quarter, $period). Reads only tables of the dashboard's
-- serving snapshot, so the dashboard can build the same report.
with rows as (
    select * from merchant_period_metrics
    where period_type = $period_type and period = $period
        and list_contains($merchant_ids, merchant_id)
),

final as (
    select * from rows
)

select * from final
