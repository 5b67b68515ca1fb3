-- One merchant's simulated compliance scores (every period, breakdown included), with how
-- many merchants each period rates overall and in the merchant's district ("rank 12 of 1,300").
with rated as (
    select
        period,
        count(*) filter (where grade <> 'M') as rated,
        count(*) filter (where grade <> 'M' and district = (
            select any_value(district) from credit_scores where merchant_id = $merchant_id
        )) as rated_in_district
    from credit_scores
    group by period
),

final as (
    select c.*, r.rated, r.rated_in_district
    from credit_scores as c
    inner join rated as r using (period)
    where c.merchant_id = $merchant_id
)

select * from final
