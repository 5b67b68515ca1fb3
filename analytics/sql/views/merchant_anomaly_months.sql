-- One merchant's monthly anomaly scores in the period range, with the stored explanations.
with final as (
    select *
    from anomaly_scores
    where merchant_id = $merchant_id
        and period between $period_from and $period_to
)

select * from final
