-- Months that hold complaints, for the complaint views' open end (analytics.scope.complaint_scope).
with final as (
    select distinct period
    from complaint_links
    where period is not null
)

select * from final
