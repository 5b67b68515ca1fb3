-- Merchants registry (商户名录). Input: _ing_typed (generic parsing and checks, see
-- analytics/ingest/parse.py), _ing_names (normalize_name per distinct name) and _ref_alias
-- (codes and names of data/reference). Legacy 15/20-character ids are accepted and flagged in
-- id_format; 个体工商户 comes from the file when it says, else from the id.
with typed as (
    select * from _ing_typed
),

resolved as (
    select
        t.*,
        d.value as district_value,
        i.value as industry_value,
        s.value as size_value,
        v.value as vendor_value,
        n.name_norm
    from typed as t
    left join _ref_alias as d on d.domain = 'district' and d.alias = lower(t.district)
    left join _ref_alias as i on i.domain = 'industry' and i.alias = lower(t.industry)
    left join _ref_alias as s on s.domain = 'size_band' and s.alias = lower(t.size_band)
    left join _ref_alias as v on v.domain = 'vendor' and v.alias = lower(t.software_vendor)
    left join _ing_names as n on n.name = t.name
),

final as (
    select
        __row,
        merchant_id,
        name,
        coalesce(name_norm, '') as name_norm,
        district_value as district,
        industry_value as industry,
        size_value as size_band,
        coalesce(
            is_individual,
            merchant_id_format = 'legacy20'
            or (merchant_id_format = 'uscc' and substr(merchant_id, 2, 1) = '2'),
            false
        ) as is_individual,
        coalesce(merchant_id_format, 'invalid') as id_format,
        coalesce(vendor_value, software_vendor) as software_vendor,
        registered_on,
        generic_problems || list_filter(
            [
                case when district is not null and district_value is null
                    then {'code': 'invalid_value',
                          'detail': '所属区 ' || district || ' is not one of the 16 Beijing districts'}
                end,
                case when industry is not null and industry_value is null
                    then {'code': 'invalid_value',
                          'detail': '行业 ' || industry || ' is not in data/reference/industries.csv'}
                end,
                case when size_band is not null and size_value is null
                    then {'code': 'invalid_value',
                          'detail': '规模 ' || size_band || ' is not micro / small / medium / large'}
                end
            ],
            lambda p: p is not null
        ) as problems
    from resolved
)

select * from final
