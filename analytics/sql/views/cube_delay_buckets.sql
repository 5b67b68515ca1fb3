-- delay_buckets.sql from the aggregate marts (analytics/cubes.py), for filters without
-- merchants and groups of $by among period and the attributes: bucket 0 = on time and -1 =
-- missing from cube_metrics, the late buckets (upper edges $edges) from cube_delays.
with scoped as (
    select * from fw_cube_scope(
        $by, $period_from, $period_to, $districts, $industries, $size_bands, $vendors, $individual
    )
),

counted as (
    select gkey, 0 as bucket, sum(on_time_count)::bigint as invoices from scoped group by gkey
    union all
    select gkey, -1 as bucket, sum(missing_count)::bigint as invoices from scoped group by gkey
),

late as (
    select
        fw_group_key(
            $by, period, null, district, industry, size_band, software_vendor, is_individual
        ) as gkey,
        1 + len(list_filter($edges, lambda e: e < delay_workdays)) as bucket,
        count(*)::bigint as invoices
    from cube_delays
    where delay_workdays > $deadline and period between $period_from and $period_to
        and fw_attrs_in(
            district, industry, size_band, software_vendor, is_individual,
            $districts, $industries, $size_bands, $vendors, $individual
        )
    group by all
),

final as (
    select * from counted
    union all
    select * from late
)

select * from final
