-- Metric sums over the merchant-period rows in scope, one row per group of $by (columns of
-- merchant_period_metrics such as period, district, merchant_id). Summed columns come from the
-- metric registry ($count_columns, $amount_columns); analytics.views appends the derived rates,
-- so a group's rate is recorded / due over the group, never a mean of merchant rates.
-- `total` is one group of everything, for a grand total ($by = ['total']).
with scoped as (
    select *, 'all' as total from fw_periods(
        $period_type, $period_from, $period_to,
        $merchant_ids, $districts, $industries, $size_bands, $vendors, $individual
    )
),

final as (
    select
        columns(lambda c: list_contains($by, c)),
        count(distinct merchant_id) as merchants,
        min(period_start) as first_period_start,
        sum(columns(lambda c: list_contains($count_columns, c)))::bigint,
        sum(columns(lambda c: list_contains($amount_columns, c)))::decimal(18, 2)
    from scoped
    group by all
)

select * from final
