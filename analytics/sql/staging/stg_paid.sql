-- Customer payments for analysis (view stg_paid); period is the month the customer paid.
-- (stg_payments.sql is the loader's typing step for payment files, not this.)
with source as (
    select * from payments
),

renamed as (
    select
        payment_id,
        merchant_id,
        paid_at,
        paid_at::date as paid_on,
        strftime(paid_at, '%Y-%m') as period,
        year(paid_at) || '-Q' || quarter(paid_at) as quarter,
        amount_paid,
        invoice_requested,
        buyer_type,
        pay_channel,
        batch_id,
        source_row
    from source
),

final as (
    select * from renamed
)

select * from final
