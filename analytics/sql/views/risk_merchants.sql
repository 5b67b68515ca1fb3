-- The entry-risk forecast for the merchants in scope (the global filters' attributes; the
-- month range does not apply: the forecast is for one month), highest risk first, with
-- names and the number of merchants forecast in all (the rank's "of n"). $merchant_ids narrows
-- to listed merchants (the profile passes one). Those at $min_risk or above, at most $limit
-- (null: all).
with scoped as (
    select *
    from risk_scores
    where fw_attr_match(
        merchant_id, district, industry, size_band, software_vendor, is_individual,
        $merchant_ids, $districts, $industries, $size_bands, $vendors, $individual
    )
),

final as (
    select
        s.merchant_id,
        m.name as merchant_name,
        s.period,
        s.based_on,
        s.risk,
        s.risk_rank,
        (select count(*) from risk_scores) as merchants_forecast,
        s.failed_months,
        s.active_months,
        s.not_on_time_share,
        s.delay_p95,
        round(exp(s.invoices_due_log) - 1) as invoices_due,
        s.drivers,
        s.district,
        s.industry,
        s.size_band,
        s.software_vendor,
        s.is_individual
    from scoped as s
    left join merchants as m using (merchant_id)
    where s.risk >= $min_risk
    order by s.risk_rank
    limit $limit
)

select * from final
