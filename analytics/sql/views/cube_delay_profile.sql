-- cube_delay_buckets.sql and cube_delay_quantile.sql in one statement, for a page that shows
-- both for one selection and grouping (the Entry monitoring page, by vendor): rows with a
-- `bucket` are bucket counts (`invoices`), rows without one carry the group's quantile $q
-- (`recorded`, `delay_quantile`, `exact`). The same expressions as those two files.
with scoped as (
    select *, fw_group_key(
        $by, period, null, district, industry, size_band, software_vendor, is_individual
    ) as gkey
    from cube_metrics
    where period between $period_from and $period_to
        and fw_attrs_in(
            district, industry, size_band, software_vendor, is_individual,
            $districts, $industries, $size_bands, $vendors, $individual
        )
),

groups as (
    select gkey,
        sum(on_time_count)::bigint as on_time,
        sum(late_count)::bigint as late,
        sum(missing_count)::bigint as missing
    from scoped
    group by gkey
),

tails as (
    select
        fw_group_key(
            $by, period, null, district, industry, size_band, software_vendor, is_individual
        ) as gkey,
        list_sort(list(delay_workdays)) as tail
    from cube_delays
    where delay_workdays > $deadline and period between $period_from and $period_to
        and fw_attrs_in(
            district, industry, size_band, software_vendor, is_individual,
            $districts, $industries, $size_bands, $vendors, $individual
        )
    group by all
),

pos as (
    select g.*, t.tail,
        $q * (on_time + late - 1) as h,
        floor($q * (on_time + late - 1))::bigint as k
    from groups as g
    left join tails as t on t.gkey = g.gkey
),

neighbours as (  -- tail[i + 1] is the i-th late delay (0-based); none below the late ones
    select *,
        case when k >= on_time then tail[k - on_time + 1] end as d_lo,
        case when least(k + 1, on_time + late - 1) >= on_time
            then tail[least(k + 1, on_time + late - 1) - on_time + 1] end as d_hi
    from pos
    where on_time + late > 0
),

late_buckets as (
    select gkey, 1 + len(list_filter($edges, lambda e: e < d)) as bucket, count(*)::bigint as n
    from (select gkey, unnest(tail) as d from tails)
    group by all
),

final as (
    select gkey, 0 as bucket, on_time as invoices, null::bigint as recorded,
        null::double as delay_quantile, null::boolean as exact
    from groups
    union all
    select gkey, -1, missing, null, null, null from groups
    union all
    select gkey, bucket, n, null, null, null from late_buckets
    union all
    select gkey, null, null, on_time + late,
        coalesce(d_lo, $deadline) + (h - k) * (coalesce(d_hi, $deadline) - coalesce(d_lo, $deadline)),
        k >= on_time
    from neighbours
)

select * from final
