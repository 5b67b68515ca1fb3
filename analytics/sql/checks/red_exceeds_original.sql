-- Red invoices reversing more than their original: the reversed 价税合计 (sum of the red
-- totals, which are negative) exceeds the original's total by more than 0.01.
-- Period: month of the original invoice.
with reversed as (
    select original_invoice_no as invoice_no, -sum(total_amount) as reversed_total,
        count(*) as reds
    from stg_issued
    where is_red and not is_void and original_invoice_no is not null
    group by original_invoice_no
),

final as (
    select o.merchant_id, o.invoice_no as subject_id,
        format('invoice {} (价税合计 {}) reversed by {} red invoice(s) totalling {}',
            o.invoice_no, printf('%.2f', o.total_amount), x.reds,
            printf('%.2f', x.reversed_total)) as detail,
        o.period
    from reversed x
    join stg_issued o on o.invoice_no = x.invoice_no
    where not o.is_red and x.reversed_total > o.total_amount + 0.01
        and o.issued_at >= $lo and o.issued_at < $hi and list_contains($months, o.period)
)

select * from final
