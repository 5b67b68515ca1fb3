-- One merchant's registry facts.
with final as (
    select
        merchant_id, name, district, industry, size_band, software_vendor, is_individual,
        id_format, registered_on
    from merchants
    where merchant_id = $merchant_id
)

select * from final
