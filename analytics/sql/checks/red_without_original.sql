-- A red (红字) invoice in the merchant log that names no original, or whose original is in
-- neither the merchant log nor the tax system. (A null original never matches, so the anti
-- joins keep it.)
with reds as (
    select * from stg_issued
    where is_red and issued_at >= $lo and issued_at < $hi and list_contains($months, period)
),

not_in_log as (
    select r.* from reds r anti join stg_issued i on i.invoice_no = r.original_invoice_no
),

not_anywhere as (
    select r.* from not_in_log r anti join stg_tax t on t.invoice_no = r.original_invoice_no
),

final as (
    select merchant_id, invoice_no as subject_id,
        case when original_invoice_no is null
            then format('red invoice {} names no original invoice', invoice_no)
            else format('red invoice {} reverses {}, which is in neither the merchant log nor '
                || 'the tax system', invoice_no, original_invoice_no)
        end as detail,
        period
    from not_anywhere
)

select * from final
