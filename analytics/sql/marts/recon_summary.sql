-- Subjects per status for each $period_type period (months in $months): the overall picture.
-- Voided invoices are not counted (as in the rates).
with period_keys as (
    select * from fw_period_keys($months, $period_type)
),

rows as (
    select f.*, k.p
    from recon_facts f join period_keys k on k.period = f.period
    where list_contains($months, f.period) and not coalesce(f.is_void, false)
),

final as (
    select
        $period_type::varchar as period_type, p as period, subject, status,
        count(*) as subjects,
        sum(coalesce(total_issued, 0))::decimal(18, 2) as total_issued,
        sum(coalesce(total_recorded, 0))::decimal(18, 2) as total_recorded,
        sum(coalesce(amount_paid, 0))::decimal(18, 2) as amount_paid,
        sum(case when subject = 'payment' then amount_paid - total_issued
            else coalesce(total_issued - total_recorded, 0) end)::decimal(18, 2) as difference
    from rows
    group by all
)

select * from final
