-- Line items (电子税务局 信息汇总表): several rows per invoice. Input: _ing_typed (generic
-- parsing and checks). Without a line-number column, lines are numbered in file order within
-- their invoice, which an overlapping export repeats identically.
with typed as (
    select
        *,
        fw_invoice_key(invoice_no, digital_invoice_no, invoice_code, invoice_number) as key_no
    from _ing_typed
),

numbered as (
    select
        *,
        coalesce(line_no, row_number() over (partition by key_no order by __row)) as line
    from typed
),

final as (
    select
        __row,
        key_no as invoice_no,
        line::integer as line_no,
        tax_code,
        business_type,
        item_name,
        spec,
        unit,
        quantity,
        unit_price,
        amount,
        tax_rate,
        tax_amount,
        generic_problems
        || fw_invoice_no_problems(key_no, issued_at, $beijing)
        || list_filter(
            [
                case when key_no is null
                    then {'code': 'missing_required',
                          'detail': '数电发票号码 / 发票代码 + 发票号码 is empty'}
                end,
                case when item_name is null and tax_code is null
                    then {'code': 'missing_required',
                          'detail': '货物或应税劳务名称 and 税收分类编码 are both empty'}
                end
            ],
            lambda p: p is not null
        ) as problems
    from numbered
)

select * from final
