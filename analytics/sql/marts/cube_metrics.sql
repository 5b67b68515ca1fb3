-- Metric sums per month and attribute combination (district × industry × size band × vendor ×
-- individual): every summed column of the month rows of merchant_period_metrics ($count_columns
-- includes `merchants`, 1 per merchant row), so the sums of any filter on those attributes
-- over any month range add up from here (about 50,000 rows at 10 million invoices, against
-- 730,000 merchant-months). A merchant has one row per month, so `merchants` summed over the
-- cells of one month counts distinct merchants; over several months see cube_merchants.sql.
with mp as (
    select * from merchant_period_metrics
    where period_type = 'month' and list_contains($months, period)
),

final as (
    select
        period,
        min(period_start) as period_start,
        district, industry, size_band, software_vendor, is_individual,
        sum(columns(lambda c: list_contains($count_columns, c)))::bigint,
        sum(columns(lambda c: list_contains($amount_columns, c)))::decimal(18, 2)
    from mp
    group by period, district, industry, size_band, software_vendor, is_individual
)

select * from final
