-- Which months merchants have rows in, per attribute combination, so that "distinct merchants
-- over a month range" of any attribute filter adds up without merchant rows: merchants with
-- the same combination, first and last month and (only when they skipped a month) the same
-- list of months are one row counted in `merchants`. A merchant seen with several
-- combinations (its registry entry changed between analyses) keeps its own rows, with its
-- `merchant_id`, so that a filter spanning those combinations counts it once.
with per_merchant as (
    select
        merchant_id, district, industry, size_band, software_vendor, is_individual,
        list(period order by period) as periods
    from merchant_period_metrics
    where period_type = 'month'
    group by all
),

several as (
    select merchant_id from per_merchant group by merchant_id having count(*) > 1
),

shaped as (
    select p.*,
        list_min(p.periods) as first_period,
        list_max(p.periods) as last_period,
        s.merchant_id is not null as in_several
    from per_merchant as p
    left join several as s on s.merchant_id = p.merchant_id
),

final as (
    select
        district, industry, size_band, software_vendor, is_individual,
        first_period, last_period,
        -- null when every month from first to last is there
        case when len(periods) <> date_diff('month',
                strptime(first_period || '-01', '%Y-%m-%d'),
                strptime(last_period || '-01', '%Y-%m-%d')) + 1
            then periods end as periods,
        case when in_several then merchant_id end as merchant_id,
        count(*)::bigint as merchants
    from shaped
    group by all
)

select * from final
