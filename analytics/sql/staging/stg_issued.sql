-- Merchant-side issued invoices (开票记录), typed and keyed for reconciliation.
-- (stg_issued_invoices.sql is the loader's typing step for invoice files, not this.)
-- period / quarter are those of the issue instant: a March invoice is judged in March.
-- Text columns come clean from the loader (schema/raw.sql): not trimmed again here.
with source as (
    select * from issued_invoices
),

renamed as (
    select
        invoice_no,
        merchant_id,
        payment_id,
        issued_at,
        issued_at::date as issued_on,
        strftime(issued_at, '%Y-%m') as period,
        year(issued_at) || '-Q' || quarter(issued_at) as quarter,
        amount,                       -- 金额
        tax_amount,                   -- 税额
        total_amount,                 -- 价税合计 (negative on red invoices)
        tax_rate,
        invoice_type,
        is_red,
        is_void,
        original_invoice_no,
        software_vendor,
        buyer_name,
        buyer_tax_id,
        -- who the invoice is for: tax id when given, else the printed name; null = anonymous
        coalesce(buyer_tax_id, buyer_name) as buyer_key,
        batch_id,
        source_row
    from source
),

final as (
    select * from renamed
)

select * from final
