-- Invoices pending entry (deadline ahead) of the merchants of a self-check report ($merchant_ids,
-- or every merchant of $districts) in its months: the rows of its 待入库发票 sheet.
with scoped as (
    select merchant_id
    from fw_merchants($merchant_ids, $districts, [], [], [], null)
),

final as (
    select count(*) as rows
    from pending_entries
    where list_contains($months, period)
        and merchant_id in (select merchant_id from scoped)
)

select * from final
