-- Consumer complaints for analysis (view stg_complaint_log); period is the month received.
-- Linked to merchants by merchant_id only for now (a later stage also links by name).
-- (stg_complaints.sql is the loader's typing step for complaint files, not this.)
with source as (
    select * from complaints
),

renamed as (
    select
        complaint_id,
        received_at,
        strftime(received_at, '%Y-%m') as period,
        year(received_at) || '-Q' || quarter(received_at) as quarter,
        nullif(trim(merchant_id), '') as merchant_id,
        merchant_name,
        nullif(trim(invoice_no), '') as invoice_no,
        category,                     -- null = not yet labelled
        channel,
        district,
        status,
        resolved_at,
        batch_id
    from source
),

final as (
    select * from renamed
)

select * from final
