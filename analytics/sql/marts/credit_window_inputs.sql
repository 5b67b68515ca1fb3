-- Inputs of the simulated compliance score for the trailing twelve months $months (key
-- $period): the month rows of merchant_period_metrics summed per merchant (columns from the
-- metric registry: $count_columns, $amount_columns), delay percentiles from
-- credit_window_delays (recomputed from the invoices: a percentile cannot be summed),
-- attributes from the latest month. The caller re-derives the registry's rates from the sums.
with months as (
    select * from merchant_period_metrics
    where period_type = 'month' and list_contains($months, period)
),

sums as (
    select
        merchant_id,
        arg_max(merchant_name, period) as merchant_name,
        arg_max(district, period) as district,
        arg_max(industry, period) as industry,
        arg_max(size_band, period) as size_band,
        arg_max(software_vendor, period) as software_vendor,
        arg_max(is_individual, period) as is_individual,
        sum(columns(lambda c: list_contains($count_columns, c)))::bigint,
        sum(columns(lambda c: list_contains($amount_columns, c)))::decimal(18, 2)
    from months
    group by merchant_id
),

delays as (
    select merchant_id, delay_p50, delay_p95 from credit_window_delays where period = $period
),

final as (
    select
        s.* replace (1::bigint as merchants),
        'trailing_12m' as period_type,
        $period::varchar as period,
        $period_start::date as period_start,
        $period_end::date as period_end,
        d.delay_p50,
        d.delay_p95,
        r.registered_on
    from sums s
    left join delays d on d.merchant_id = s.merchant_id
    left join stg_merchant_attrs r on r.merchant_id = s.merchant_id
)

select * from final
