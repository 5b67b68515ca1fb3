-- The invoicing software of the merchants $merchant_ids (the alert queue's, when a feed gap
-- may concern them: analytics.feeds.for_alerts).
with final as (
    select merchant_id, software_vendor
    from merchants
    where list_contains($merchant_ids::varchar[], merchant_id)
)

select * from final
