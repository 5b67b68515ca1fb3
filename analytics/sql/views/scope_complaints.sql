-- Complaints linked to merchants (complaint_links) in scope. District and industry filter the
-- complaint's own columns; size band, vendor and individual need the linked merchant, so with
-- any of them set, complaints without a merchant drop out.
with by_merchant as (
    select merchant_id
    from fw_merchants($merchant_ids, [], [], $size_bands, $vendors, $individual)
),

final as (
    select *
    from complaint_links as c
    where c.period between $period_from and $period_to
        and (len($districts) = 0 or list_contains($districts, c.district))
        and (len($industries) = 0 or list_contains($industries, c.industry))
        and (
            (len($merchant_ids) = 0 and len($size_bands) = 0 and len($vendors) = 0
                and $individual is null)
            or c.merchant_id in (select merchant_id from by_merchant)
        )
)

select * from final
