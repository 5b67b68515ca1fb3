-- delay_quantile.sql from the aggregate marts (analytics/cubes.py), for filters without
-- merchants and groups of $by among period and the attributes: on-time and late counts from
-- cube_metrics, the late delays themselves from cube_delays. Same rows, same interpolation:
-- position h = $q * (n - 1) among the sorted delays, on-time invoices standing in at the
-- deadline (exact when both neighbours are late).
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
    select gkey, sum(on_time_count)::bigint as on_time, sum(late_count)::bigint as late
    from scoped
    group by gkey
    having sum(on_time_count) + sum(late_count) > 0
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
),

final as (
    select gkey, on_time + late as recorded,
        coalesce(d_lo, $deadline) + (h - k) * (coalesce(d_hi, $deadline) - coalesce(d_lo, $deadline))
            as delay_quantile,
        k >= on_time as exact
    from neighbours
)

select * from final
