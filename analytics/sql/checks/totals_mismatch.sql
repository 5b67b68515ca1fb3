-- 价税合计 (total_amount) differs from 金额 (amount) + 税额 (tax_amount) by more than 0.01.
-- The arithmetic test runs first on the raw columns; only offending rows get a period.
with rows as (
    select 'issued_invoices' as source_table, invoice_no, merchant_id, issued_at,
        amount, tax_amount, total_amount
    from issued_invoices
    where issued_at >= $lo and issued_at < $hi
        and abs(total_amount - (amount + tax_amount)) > 0.01
    union all
    select 'tax_records', invoice_no, seller_tax_id, issued_at, amount, tax_amount, total_amount
    from tax_records
    where issued_at >= $lo and issued_at < $hi
        and abs(total_amount - (amount + tax_amount)) > 0.01
),

final as (
    select merchant_id, invoice_no as subject_id,
        format('{}: 价税合计 {} but 金额 {} + 税额 {} = {}', source_table,
            printf('%.2f', total_amount), printf('%.2f', amount), printf('%.2f', tax_amount),
            printf('%.2f', amount + tax_amount)) as detail,
        strftime(issued_at, '%Y-%m') as period
    from rows
    where list_contains($months, strftime(issued_at, '%Y-%m'))
)

select * from final
