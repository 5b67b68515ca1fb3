-- Merchant-months and merchants in scope, those at or above $threshold, and those the model
-- flagged (its own threshold, anomaly_model.threshold).
with scoped as (
    select merchant_id, anomaly_score, is_anomaly
    from anomaly_scores
    where period between $period_from and $period_to
        and fw_attr_match(
            merchant_id, district, industry, size_band, software_vendor, is_individual,
            $merchant_ids, $districts, $industries, $size_bands, $vendors, $individual
        )
),

final as (
    select
        count(*) as merchant_months,
        count(distinct merchant_id) as merchants,
        count(*) filter (where anomaly_score >= $threshold) as months_above,
        count(distinct merchant_id) filter (where anomaly_score >= $threshold) as merchants_above,
        count(*) filter (where is_anomaly) as months_flagged,
        count(distinct merchant_id) filter (where is_anomaly) as merchants_flagged
    from scoped
)

select * from final
