-- One row per merchant from anomaly_scores: its ranking score (the mean of its two highest
-- monthly scores: a sustained anomaly outranks a one-month blip, and a merchant with one month
-- scored is ranked by that month), its worst month with that month's explanation, its latest
-- month, and how many months were flagged. Ties between months go to the later month.
-- Aggregates (max_by) rather than window functions: ~50x faster at half a million rows.
with per_merchant as (
    select
        merchant_id,
        any_value(district) as district,
        any_value(industry) as industry,
        any_value(size_band) as size_band,
        any_value(software_vendor) as software_vendor,
        any_value(is_individual) as is_individual,
        list_avg(max(anomaly_score, 2)) as merchant_score,
        max_by({'period': period, 'score': anomaly_score, 'top': top_features,
            'en': explanation_en, 'zh': explanation_zh}, (anomaly_score, period)) as worst,
        max_by({'period': period, 'score': anomaly_score, 'flag': is_anomaly}, period) as latest,
        count(*) as months_scored,
        count(*) filter (where is_anomaly) as months_flagged
    from anomaly_scores
    group by merchant_id
),

final as (
    select
        merchant_id, district, industry, size_band, software_vendor, is_individual,
        merchant_score,
        row_number() over (order by merchant_score desc, merchant_id) as merchant_rank,
        worst.score as max_score,
        worst.period as max_period,
        latest.period as latest_period,
        latest.score as latest_score,
        latest.flag as latest_is_anomaly,
        months_scored,
        months_flagged,
        worst.top as top_features,
        worst.en as explanation_en,
        worst.zh as explanation_zh
    from per_merchant
)

select * from final
