-- The merchant log and the tax system disagree on whether an invoice is voided (作废).
-- Reads the pairs matched by the reconciliation of the same run.
with pairs as (
    select * from recon_facts
    where subject = 'issued' and is_recorded and list_contains($months, period)
),

final as (
    select merchant_id, subject_id,
        case when is_void
            then format('invoice {} is voided in the merchant log but {} in the tax system',
                subject_id, coalesce(tax_status, 'has no status'))
            else format('invoice {} is 已作废 in the tax system but valid in the merchant log',
                subject_id)
        end as detail,
        period
    from pairs
    where is_void <> coalesce(tax_status = '已作废', false)
)

select * from final
