-- Months that hold complaints and the last receipt in each, for the complaint views' open end
-- (analytics.scope.complaint_scope) and for whether their last month had ended.
with final as (
    select period, max(received_at) as last_received
    from complaint_links
    where period is not null
    group by period
)

select * from final
