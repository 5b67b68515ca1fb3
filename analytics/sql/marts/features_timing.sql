-- Per merchant and month ($months): what vendor outage days contributed to its entry timing,
-- from merchant_daily (per merchant and issue day, voided invoices left out), so that
-- features_inputs.sql can take it out of the month's counts.
-- An outage day is an issue day on which the invoices of many of a software vendor's merchants
-- entered late at once: at least $outage_min_merchants merchants of the vendor had invoices
-- due that day and at least $outage_late_share of them had one entered late. Lateness shared
-- like that is the vendor's upload pipeline, not each merchant's conduct (the vendor rollups
-- still show it). Only outage days' rows are summed: a few per cent of merchant_daily.
with days as (
    select d.merchant_id, d.period, d.day, a.software_vendor,
        d.issued - d.pending as due, d.recorded_on_time, d.late
    from merchant_daily d
    join stg_merchant_attrs a on a.merchant_id = d.merchant_id
    where list_contains($months, d.period) and a.software_vendor is not null
),

outage_days as (
    select software_vendor, day
    from days
    where due > 0
    group by software_vendor, day
    having count(*) >= $outage_min_merchants
        and count(*) filter (where late > 0) >= $outage_late_share * count(*)
),

final as (
    select d.merchant_id, d.period,
        sum(d.due)::bigint as outage_due,
        sum(d.recorded_on_time)::bigint as outage_on_time,
        sum(d.late)::bigint as outage_late,
        count(*)::bigint as outage_days
    from days d
    semi join outage_days o on o.software_vendor = d.software_vendor and o.day = d.day
    group by d.merchant_id, d.period
)

select * from final
