-- Merchant-side issued invoices (开票软件导出). Input: _ing_typed (generic parsing and checks).
-- Red (红字) invoices: 是否正数发票 = 否 or 红字标志 = 是, else (no such column) a negative
-- total; the original they reverse comes from a column or from 备注. The invoice rules
-- (ingest_invoice_rules.sql) run on this output.
with typed as (
    select * from _ing_typed
),

flags as (
    select
        t.*,
        fw_invoice_key(t.invoice_no, t.digital_invoice_no, t.invoice_code, t.invoice_number)
            as key_no,
        coalesce(not t.is_positive, t.red_flag, t.total_amount < 0, false) as red,
        t.is_positive is not null or t.red_flag is not null as has_sign_flag,
        v.value as vendor_value
    from typed as t
    left join _ref_alias as v on v.domain = 'vendor' and v.alias = lower(t.software_vendor)
),

final as (
    select
        __row,
        key_no as invoice_no,
        merchant_id,
        payment_id,
        issued_at,
        amount,
        tax_amount,
        total_amount,
        tax_rate,
        coalesce(tax_rate_category, 'taxable') as tax_category,
        invoice_type,
        red as is_red,
        coalesce(void_flag, false) as is_void,
        coalesce(
            case
                when original_invoice_code is not null and original_invoice_no is not null
                    then original_invoice_code || '-' || original_invoice_no
                else original_invoice_no
            end,
            case when red then fw_original_from_remark(remark, $orig_digital_re, $orig_legacy_re) end
        ) as original_invoice_no,
        coalesce(vendor_value, software_vendor) as software_vendor,
        buyer_name,
        buyer_tax_id,
        remark,
        null::timestamp as recorded_at,
        null::varchar as recorded_at_source,
        has_sign_flag,
        generic_problems
    from flags
)

select * from final
