-- Merchant-months in scope at or above $threshold, highest score first, with their
-- explanation in words (null for a month below the model's own threshold that is not the
-- merchant's worst). At most $limit rows.
with scoped as (
    select *
    from anomaly_scores
    where period between $period_from and $period_to
        and anomaly_score >= $threshold
        and fw_attr_match(
            merchant_id, district, industry, size_band, software_vendor, is_individual,
            $merchant_ids, $districts, $industries, $size_bands, $vendors, $individual
        )
),

final as (
    select
        s.merchant_id,
        m.name as merchant_name,
        s.period,
        s.district,
        s.industry,
        s.anomaly_score,
        s.is_anomaly,
        s.rank_in_period,
        s.top_features,
        s.explanation_en,
        s.explanation_zh
    from scoped as s
    left join merchants as m using (merchant_id)
    order by s.anomaly_score desc, s.period desc, s.merchant_id
    limit $limit
)

select * from final
