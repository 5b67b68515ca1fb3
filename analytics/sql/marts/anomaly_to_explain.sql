-- Scored merchant-months that need an explanation and have none yet: every flagged month and
-- each merchant's worst month (what merchant_anomaly shows; ties go to the later month, as
-- there). Months explained once keep their words until they are rescored (their rows are
-- replaced, explanations included).
with worst as (
    select merchant_id, max_by(period, (anomaly_score, period)) as period
    from anomaly_scores
    group by merchant_id
),

final as (
    select s.merchant_id, s.period
    from anomaly_scores s
    left join worst w on w.merchant_id = s.merchant_id and w.period = s.period
    where s.top_features is null and (s.is_anomaly or w.period is not null)
)

select * from final
