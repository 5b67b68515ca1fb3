-- The simulated compliance ranking (credit_scores) of one period for the merchants the global
-- filters select, beside the anomaly score over the same months: the mean of the merchant's
-- two highest monthly scores, as merchant_anomaly ranks merchants, so a sustained anomaly
-- outranks a one-month blip. The breakdown stays out: the profile reads it per merchant.
-- Beside it, each merchant's grade and score in the previous period ($previous), if scored.
with scores as (
    select * exclude (breakdown)
    from credit_scores
    where period = $period
        and fw_attr_match(
            merchant_id, district, industry, size_band, software_vendor, is_individual,
            $merchant_ids, $districts, $industries, $size_bands, $vendors, $individual
        )
),

anomaly as (
    select
        merchant_id,
        list_avg(max(anomaly_score, 2)) as anomaly_score,
        max(anomaly_score) as max_anomaly_score,
        count(*) filter (where is_anomaly) as months_flagged
    from anomaly_scores
    where list_contains($months, period)
        and merchant_id in (select merchant_id from scores)
    group by merchant_id
),

previous as (
    select merchant_id, grade as previous_grade, score as previous_score
    from credit_scores
    where period = $previous
),

final as (
    select
        s.*,
        a.anomaly_score,
        a.max_anomaly_score,
        coalesce(a.months_flagged, 0) as months_flagged,
        p.previous_grade,
        p.previous_score
    from scores as s
    left join anomaly as a using (merchant_id)
    left join previous as p using (merchant_id)
)

select * from final
