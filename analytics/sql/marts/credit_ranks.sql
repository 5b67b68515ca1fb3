-- Ranks of the scored merchant-periods (work_credit_scored: the sort keys of the rows
-- analytics.credit.rank_scores ranks) among the rated merchants (grade not M) of each period
-- and of each district: a higher score first, then fewer rules deducting. Merchants equal on
-- both share a rank (competition ranking: 1, 1, 3), since nothing in the scheme tells them
-- apart: ranked by merchant_id they read as a league table of USCC prefixes (the demo's 538
-- merchants at 100 put every enterprise, 91..., above every 个体工商户, 92...). Pages list
-- tied merchants by merchant_id, so the order never moves between runs. M merchants get none.
-- Every row of a scored period is in work_credit_scored, so ranks are exact.
with scored as (
    select period, merchant_id, district, grade, score, deductions
    from work_credit_scored
    where grade <> 'M'
),

final as (
    select
        period,
        merchant_id,
        rank() over (partition by period order by score desc, deductions)::integer as rank,
        rank() over (
            partition by period, district order by score desc, deductions
        )::integer as rank_in_district
    from scored
)

select * from final
