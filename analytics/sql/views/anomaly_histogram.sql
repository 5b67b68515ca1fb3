-- Merchant-months in scope per anomaly-score bin of width $width (bin_start = its lower edge),
-- and how many of them the model flagged.
with scoped as (
    select anomaly_score, is_anomaly
    from anomaly_scores
    where period between $period_from and $period_to
        and fw_attr_match(
            merchant_id, district, industry, size_band, software_vendor, is_individual,
            $merchant_ids, $districts, $industries, $size_bands, $vendors, $individual
        )
),

final as (
    select
        round(floor(anomaly_score / $width) * $width, 6) as bin_start,
        count(*) as merchant_months,
        count(*) filter (where is_anomaly) as flagged
    from scoped
    group by all
)

select * from final
