-- Invoices in scope by delay bucket, per group of $by: bucket 0 = recorded within $deadline
-- working days (on time), 1.. = late, bucketed by the upper edges $edges (all above the
-- deadline; the last bucket is open), -1 = missing (never recorded, deadline passed). On-time
-- and missing counts come from the merchant-period rows, late delays from recon_exceptions.
with scoped as (
    select *, fw_group_key(
        $by, period, merchant_id, district, industry, size_band, software_vendor, is_individual
    ) as gkey
    from fw_periods(
        'month', $period_from, $period_to,
        $merchant_ids, $districts, $industries, $size_bands, $vendors, $individual
    )
),

counted as (
    select gkey, 0 as bucket, sum(on_time_count)::bigint as invoices from scoped group by gkey
    union all
    select gkey, -1 as bucket, sum(missing_count)::bigint as invoices from scoped group by gkey
),

late as (
    select s.gkey,
        1 + len(list_filter($edges, lambda e: e < x.delay_workdays)) as bucket,
        count(*)::bigint as invoices
    from recon_exceptions as x
    join scoped as s on s.merchant_id = x.merchant_id and s.period = x.period
    where x.subject = 'issued' and x.delay_workdays > $deadline
    group by all
),

final as (
    select * from counted
    union all
    select * from late
)

select * from final
