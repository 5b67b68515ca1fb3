-- The tax system's records (电子税务局 全量发票查询 发票基础信息, or a platform feed). Input:
-- _ing_typed (generic parsing and checks). Without an entry-time column (入库时间) a record's
-- recorded_at is the batch's import time, recorded_at_source = 'first_seen': a daily export's
-- first sighting of a record is the earliest moment we know it had reached the system. Red
-- invoices as in stg_issued_invoices.sql; the invoice rules run on this output.
with typed as (
    select * from _ing_typed
),

flags as (
    select
        *,
        fw_invoice_key(invoice_no, digital_invoice_no, invoice_code, invoice_number) as key_no,
        coalesce(not is_positive, red_flag, total_amount < 0, false) as red,
        is_positive is not null or red_flag is not null as has_sign_flag
    from typed
),

final as (
    select
        __row,
        key_no as invoice_no,
        seller_tax_id,
        seller_name,
        buyer_tax_id,
        buyer_name,
        issued_at,
        coalesce(recorded_at, $imported_at::timestamp) as recorded_at,
        case when recorded_at is null then 'first_seen' else 'file' end as recorded_at_source,
        amount,
        tax_amount,
        total_amount,
        tax_rate,
        coalesce(tax_rate_category, 'taxable') as tax_category,
        invoice_type,
        status,
        red as is_red,
        coalesce(
            case
                when original_invoice_code is not null and original_invoice_no is not null
                    then original_invoice_code || '-' || original_invoice_no
                else original_invoice_no
            end,
            case when red then fw_original_from_remark(remark, $orig_digital_re, $orig_legacy_re) end
        ) as original_invoice_no,
        source,
        risk_level,
        issuer,
        remark,
        has_sign_flag,
        generic_problems
    from flags
)

select * from final
