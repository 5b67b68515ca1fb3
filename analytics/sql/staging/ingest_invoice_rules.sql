-- Invoice rules shared by issued_invoices and tax_records, over the output of their staging
-- model (_ing_stage). Mirrors analytics.validation.invoice_no_problems and amount_problems:
-- 价税合计 = 金额 + 税额 within $total_tol; 税额 = 金额 × 税率 within $tax_tol (zero for
-- 免税 / 不征税); red invoices negative and naming their original; blue ones not negative.
-- Most rows pass: one cheap test per row decides whether the lists of reasons are built at all
-- (`passes`: the conditions below, or a 20-digit Beijing number of the issue year).
with staged as (
    select * from _ing_stage
),

guarded as (
    select
        *,
        invoice_no is not null
        and abs(amount + tax_amount - total_amount) <= $total_tol
        and case when tax_category = 'taxable'
            then coalesce(abs(amount * tax_rate - tax_amount) <= $tax_tol, true)
            else tax_amount = 0 end
        and case when is_red then total_amount < 0 and amount <= 0 and original_invoice_no is not null
            else total_amount >= 0 and amount >= 0 end
        and coalesce(not (recorded_at_source = 'file' and recorded_at < issued_at), true)
        and strlen(invoice_no) = 20 and regexp_full_match(invoice_no, '[0-9]{20}')
        and coalesce(substr(invoice_no, 1, 2) = strftime(issued_at, '%y'), true)
        and substr(invoice_no, 3, 2) = $beijing as passes
    from staged
),

checked as (
    select
        *,
        case when coalesce(passes, false) then [] else list_filter(
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
        ) end as invoice_problems
    from guarded
),

final as (
    select
        * exclude (generic_problems, invoice_problems, passes),
        case when coalesce(passes, false) then generic_problems
            else generic_problems
                || fw_invoice_no_problems(invoice_no, issued_at, $beijing)
                || invoice_problems
        end as problems
    from checked
)

select * from final
