-- Names of the given registered merchants ($merchant_ids); unknown USCCs give no row.
with final as (
    select merchant_id, name
    from merchants
    where list_contains($merchant_ids, merchant_id)
)

select * from final
