-- Invoice rules shared by issued_invoices and tax_records, over the output of their staging
-- model (_ing_stage). Mirrors analytics.validation.invoice_no_problems and amount_problems:
-- 价税合计 = 金额 + 税额 within $total_tol; 税额 = 金额 × 税率 within $tax_tol (zero for
-- 免税 / 不征税); red invoices negative and naming their original; blue ones not negative.
with staged as (
    select * from _ing_stage
),

checked as (
    select
        *,
        list_filter(
            [
                case when invoice_no is null
                    then {'code': 'missing_required',
                          'detail': '数电发票号码 / 发票代码 + 发票号码 is empty'}
                end,
                case when abs(amount + tax_amount - total_amount) > $total_tol
                    then {'code': 'total_mismatch',
                          'detail': '价税合计 ' || total_amount || ' != 金额 ' || amount
                              || ' + 税额 ' || tax_amount}
                end,
                case
                    when tax_category <> 'taxable' and tax_amount <> 0
                        then {'code': 'tax_mismatch',
                              'detail': '税额 ' || tax_amount || ' should be 0 for a '
                                  || tax_category || ' invoice'}
                    when tax_category = 'taxable' and abs(amount * tax_rate - tax_amount) > $tax_tol
                        then {'code': 'tax_mismatch',
                              'detail': '税额 ' || tax_amount || ' != 金额 ' || amount || ' × 税率 '
                                  || tax_rate || ' (= ' || round(amount * tax_rate, 2) || ')'}
                end,
                case when is_red and (total_amount >= 0 or amount > 0)
                    then {'code': 'red_not_negative',
                          'detail': 'red invoice with 价税合计 ' || total_amount || ', 金额 ' || amount}
                end,
                case when is_red and original_invoice_no is null
                    then {'code': 'red_without_original',
                          'detail': 'red invoice names no original (原发票号码 column or 备注)'}
                end,
                case when not is_red and (total_amount < 0 or amount < 0)
                    then {'code': 'blue_negative',
                          'detail': 'blue invoice with 价税合计 ' || total_amount || ', 金额 ' || amount}
                end,
                case when recorded_at_source = 'file' and recorded_at < issued_at
                    then {'code': 'recorded_before_issued',
                          'detail': '入库时间 ' || recorded_at || ' is before 开票日期 ' || issued_at}
                end
            ],
            lambda p: p is not null
        ) as invoice_problems
    from staged
),

final as (
    select
        * exclude (generic_problems, invoice_problems),
        generic_problems
        || fw_invoice_no_problems(invoice_no, issued_at, $beijing)
        || invoice_problems as problems
    from checked
)

select * from final
