-- Periods the simulated compliance scores exist for (quarters and the trailing-12-month
-- window), with how many merchants each rates, for the ranking's period choice.
with final as (
    select
        period_type,
        period,
        count(*) as merchants,
        count(*) filter (where grade <> 'M') as rated
    from credit_scores
    group by period_type, period
)

select * from final
