-- Attribute values present in the merchant registry, for the sidebar filters.
with attrs as (
    select
        district, industry, size_band, software_vendor,
        is_individual::varchar as is_individual
    from merchants
),

final as (
    select distinct dimension, value
    from (
        unpivot attrs
        on district, industry, size_band, software_vendor, is_individual
        into name dimension value value
    )
    where value is not null
)

select * from final
