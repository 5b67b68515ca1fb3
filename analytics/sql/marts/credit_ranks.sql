-- Ranks of the scored merchant-periods (work_credit_scored: the sort keys of the rows
-- analytics.credit.rank_scores ranks) among the rated merchants (grade not M) of each period
-- and of each district, ties broken by fewer rules deducting, then merchant_id, so a ranking
-- never reorders between runs. M merchants get none. Every row of a scored period is in
-- work_credit_scored, so ranks are exact.
with scored as (
    select period, merchant_id, district, grade, score, deductions
    from work_credit_scored
    where grade <> 'M'
),

final as (
    select
        period,
        merchant_id,
        row_number() over (
            partition by period
            order by score desc, deductions, merchant_id
        )::integer as rank,
        row_number() over (
            partition by period, district
            order by score desc, deductions, merchant_id
        )::integer as rank_in_district
    from scored
)

select * from final
