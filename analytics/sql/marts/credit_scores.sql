-- credit_scores rows from a scored chunk (fw_credit_scored, registered by analytics/credit.py),
-- ranks left empty: analytics/credit.py fills them from credit_ranks.sql by an update. Sorting the
-- whole rows for the two window functions cost 3-4 s at 385k rows; ranking the sort keys alone
-- and updating two integer columns costs ~0.3 s. The breakdown is a list of structs, numbers
-- only (analytics.credit_scoring.breakdown_words words it on read).
with scored as (
    select * from fw_credit_scored
),

final as (
    select
        *,
        null::integer as rank,
        null::integer as rank_in_district,
        true as is_simulation,
        $scheme_id::varchar as scheme_id
    from scored
)

select * from final
