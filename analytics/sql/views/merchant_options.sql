-- Every registered merchant, for the profile's search box (name and USCC).
with final as (
    select merchant_id, name, district
    from merchants
)

select * from final
