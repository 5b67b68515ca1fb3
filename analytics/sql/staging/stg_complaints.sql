-- Consumer complaints (12366 / 12345 / online ...). Input: _ing_typed (generic parsing and
-- checks). Category, district and status must be known values (codes or Chinese names from
-- data/reference); channel codes are resolved and other channels kept as given.
with typed as (
    select * from _ing_typed
),

resolved as (
    select
        t.*,
        c.value as category_value,
        ch.value as channel_value,
        d.value as district_value,
        s.value as status_value
    from typed as t
    left join _ref_alias as c on c.domain = 'category' and c.alias = lower(t.category)
    left join _ref_alias as ch on ch.domain = 'channel' and ch.alias = lower(t.channel)
    left join _ref_alias as d on d.domain = 'district' and d.alias = lower(t.district)
    left join _ref_alias as s on s.domain = 'complaint_status' and s.alias = lower(t.status)
),

final as (
    select
        __row,
        complaint_id,
        received_at,
        merchant_id,
        merchant_name,
        invoice_no,
        category_value as category,
        coalesce(channel_value, channel) as channel,
        district_value as district,
        text,
        status_value as status,
        resolved_at,
        generic_problems || list_filter(
            [
                case when resolved_at < received_at
                    then {'code': 'resolved_before_received',
                          'detail': '办结时间 ' || resolved_at || ' is before 受理时间 ' || received_at}
                end,
                case when invoice_no is not null
                    and not regexp_full_match(invoice_no, '[0-9]{20}|([0-9]{10}|[0-9]{12})-[0-9]{8}')
                    then {'code': 'invalid_invoice_no',
                          'detail': '涉及发票号码 ' || invoice_no || ' is neither 20 digits nor 代码-号码'}
                end,
                case when category is not null and category_value is null
                    then {'code': 'invalid_value',
                          'detail': '投诉类别 ' || category || ' is not a known category'}
                end,
                case when district is not null and district_value is null
                    then {'code': 'invalid_value',
                          'detail': '所属区 ' || district || ' is not one of the 16 Beijing districts'}
                end,
                case when status is not null and status_value is null
                    then {'code': 'invalid_value',
                          'detail': '办理状态 ' || status || ' is not open / in_progress / resolved / closed'}
                end
            ],
            lambda p: p is not null
        ) as problems
    from resolved
)

select * from final
