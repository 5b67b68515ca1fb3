-- An invoice number whose seller differs between the merchant's log and the tax system:
-- either the number was mistyped or another seller's invoice was attributed to this merchant.
-- Reads the pairs matched by the reconciliation of the same run (tax_seller_id is set only
-- where the sellers differ).
with pairs as (
    select * from recon_facts
    where subject = 'issued' and tax_seller_id is not null and list_contains($months, period)
),

final as (
    select merchant_id, subject_id,
        format('invoice {}: seller {} in the merchant log, {} in the tax system',
            subject_id, merchant_id, tax_seller_id) as detail,
        period
    from pairs
)

select * from final
