-- Tax-system records (税务系统发票), keyed by invoice_no; the seller is the merchant.
-- is_reversed: the tax system marks the invoice as (partly) reversed by a red invoice.
-- (stg_tax_records.sql is the loader's typing step for tax-system exports, not this.)
with source as (
    select * from tax_records
),

renamed as (
    select
        invoice_no,
        seller_tax_id as merchant_id,
        seller_name,
        buyer_tax_id,
        buyer_name,
        issued_at,
        issued_at::date as issued_on,
        strftime(issued_at, '%Y-%m') as period,
        year(issued_at) || '-Q' || quarter(issued_at) as quarter,
        recorded_at,                  -- 入库时间; null = present but time unknown
        recorded_at_source,
        amount,
        tax_amount,
        total_amount,                 -- 价税合计
        tax_rate,
        invoice_type,
        status,                       -- 正常 / 已红冲-全额 / 已红冲-部分 / 已作废
        coalesce(status like '已红冲%', false) as is_reversed,
        coalesce(status = '已作废', false) as is_void_status,
        is_red,
        original_invoice_no,
        source,
        batch_id,
        source_row
    from source
),

final as (
    select * from renamed
)

select * from final
