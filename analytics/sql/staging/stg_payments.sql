-- Payments (支付流水) from POS / platform feeds. Input: _ing_typed (generic parsing and checks);
-- buyer_type words (个人 / 企业 ...) resolved through _ref_alias, other values kept as given. A
-- negative amount (a refund, which we do not model) is rejected rather than judged as a payment
-- nobody invoiced.
with typed as (
    select * from _ing_typed
),

resolved as (
    select
        t.*,
        b.value as buyer_value
    from typed as t
    left join _ref_alias as b on b.domain = 'buyer_type' and b.alias = lower(t.buyer_type)
),

final as (
    select
        __row,
        payment_id,
        merchant_id,
        paid_at,
        amount_paid,
        invoice_requested,
        coalesce(buyer_value, buyer_type) as buyer_type,
        pay_channel,
        case when amount_paid < 0
            then generic_problems || [{'code': 'payment_negative',
                'detail': '支付金额 ' || amount_paid || ' is negative'}]
            else generic_problems
        end as problems
    from resolved
)

select * from final
