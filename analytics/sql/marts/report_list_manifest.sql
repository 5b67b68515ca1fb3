-- What a list's self-check zip holds (analytics/reports.py list_reports): one row per listed
-- merchant ($merchant_ids, in the list's order) with its fate: 'report' (metrics for the
-- period $period_type, $period), 'no_data' (known to the registry or the metrics, but not in
-- the period) or 'unknown' (not in the warehouse).
with listed as (
    select
        unnest($merchant_ids::varchar[]) as merchant_id,
        generate_subscripts($merchant_ids::varchar[], 1) as n
),

metrics as (
    select
        merchant_id,
        -- the period's name, which the report's file name uses; else any
        coalesce(
            any_value(merchant_name) filter (where period_type = $period_type and period = $period),
            any_value(merchant_name)
        ) as merchant_name,
        bool_or(period_type = $period_type and period = $period) as has_data
    from merchant_period_metrics
    where list_contains($merchant_ids, merchant_id)
    group by merchant_id
),

registry as (
    select merchant_id, name
    from merchants
    where list_contains($merchant_ids, merchant_id)
),

final as (
    select
        l.merchant_id,
        coalesce(m.merchant_name, r.name) as merchant_name,
        case
            when m.has_data then 'report'
            when m.merchant_id is not null or r.merchant_id is not null then 'no_data'
            else 'unknown'
        end as fate
    from listed as l
    left join metrics as m using (merchant_id)
    left join registry as r using (merchant_id)
    order by l.n
)

select * from final
