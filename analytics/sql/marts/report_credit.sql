-- Self-check report: the simulated compliance score of the merchants' quarter ($quarter).
with rows as (
    select * from credit_scores
    where period_type = 'quarter' and period = $quarter
        and list_contains($merchant_ids, merchant_id)
),

final as (
    select merchant_id, score, grade, m_reason_zh, summary_zh from rows
)

select * from final
