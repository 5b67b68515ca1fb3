-- Merchant registry attributes used to filter and roll up metrics (view stg_merchant_attrs).
-- (stg_merchants.sql is the loader's typing step for registry files, not this.)
with source as (
    select * from merchants
),

renamed as (
    select
        merchant_id,
        name,
        district,
        industry,
        size_band,
        software_vendor,
        is_individual,
        id_format,                    -- uscc / legacy15 / legacy20
        registered_on
    from source
),

-- the loader keeps merchant_id unique; guard anyway so a join can never fan out
final as (
    select * from renamed
    qualify row_number() over (partition by merchant_id order by name) = 1
)

select * from final
