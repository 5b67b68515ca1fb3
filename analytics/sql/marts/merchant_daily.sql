-- Per merchant and issue day (months in $months), for the merchant profile chart. Entry
-- outcomes belong to the day the invoice was issued (period-aware, like every metric);
-- voided invoices are left out, as in the rates.
with issued as (
    select merchant_id, issued_at::date as day, period,
        count(*) as issued,
        count(*) filter (where is_on_time) as recorded_on_time,
        count(*) filter (where is_late) as late,
        count(*) filter (where is_missing) as missing,
        count(*) filter (where is_pending) as pending,
        sum(total_issued)::decimal(18, 2) as amount_issued,
        coalesce(sum(total_recorded) filter (where is_recorded), 0)::decimal(18, 2)
            as amount_recorded
    from recon_facts
    where subject = 'issued' and not is_void and list_contains($months, period)
    group by all
),

final as (
    select * from issued
)

select * from final
