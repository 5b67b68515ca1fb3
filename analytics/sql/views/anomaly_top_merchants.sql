-- Merchants in scope with at least one month at or above $threshold, ranked by their score
-- over the range (mean of their two highest monthly scores), with their worst month in the
-- range and that month's explanation (stored for flagged months and each merchant's worst
-- month overall; null otherwise). At most $limit rows.
with scoped as (
    select *
    from anomaly_scores
    where period between $period_from and $period_to
        and fw_attr_match(
            merchant_id, district, industry, size_band, software_vendor, is_individual,
            $merchant_ids, $districts, $industries, $size_bands, $vendors, $individual
        )
),

per_merchant as (
    select
        merchant_id,
        any_value(district) as district,
        any_value(industry) as industry,
        list_avg(max(anomaly_score, 2)) as merchant_score,
        max_by({'period': period, 'score': anomaly_score, 'en': explanation_en,
            'zh': explanation_zh}, (anomaly_score, period)) as worst,
        count(*) as months_scored,
        count(*) filter (where anomaly_score >= $threshold) as months_above,
        count(*) filter (where is_anomaly) as months_flagged
    from scoped
    group by merchant_id
    having count(*) filter (where anomaly_score >= $threshold) > 0
),

final as (
    select
        p.merchant_id,
        m.name as merchant_name,
        p.district,
        p.industry,
        p.merchant_score,
        p.worst.period as worst_period,
        p.worst.score as worst_score,
        p.months_scored,
        p.months_above,
        p.months_flagged,
        p.worst.en as explanation_en,
        p.worst.zh as explanation_zh
    from per_merchant as p
    left join merchants as m using (merchant_id)
    order by p.merchant_score desc, p.merchant_id
    limit $limit
)

select * from final
