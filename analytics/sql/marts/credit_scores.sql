-- credit_scores rows from the scored frame (work_credit_scored, analytics/credit.py): ranks
-- among the rated merchants (grade not M) of each period and of each district, ties broken
-- by fewer rules deducting, then merchant_id, so a ranking never reorders between runs.
with scored as (
    select * from work_credit_scored
),

ranked as (
    select
        *,
        case when grade <> 'M' then row_number() over (
            partition by period, grade = 'M'
            order by score desc, deductions, merchant_id
        ) end as rank,
        case when grade <> 'M' then row_number() over (
            partition by period, district, grade = 'M'
            order by score desc, deductions, merchant_id
        ) end as rank_in_district
    from scored
),

final as (
    select
        * exclude (breakdown, rank, rank_in_district),
        breakdown::json as breakdown,
        rank::integer as rank,
        rank_in_district::integer as rank_in_district,
        true as is_simulation,
        $scheme_id::varchar as scheme_id
    from ranked
)

select * from final
