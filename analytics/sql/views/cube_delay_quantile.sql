-- delay_quantile.sql from the aggregate marts (analytics/cubes.py), for filters without
-- merchants and groups of $by among period and the attributes: on-time and late counts from
-- cube_metrics, the late delays themselves from cube_delays. Same rows, same interpolation
-- (fw_tail_quantile: position h = $q * (n - 1) among the sorted delays, on-time invoices
-- standing in at the deadline; exact when both neighbours are late).
with groups as (
    select gkey, sum(on_time_count)::bigint as on_time, sum(late_count)::bigint as late
    from fw_cube_scope(
        $by, $period_from, $period_to, $districts, $industries, $size_bands, $vendors, $individual
    )
    group by gkey
    having sum(on_time_count) + sum(late_count) > 0
),

tails as (
    select * from fw_cube_tails(
        $by, $deadline, $period_from, $period_to,
        $districts, $industries, $size_bands, $vendors, $individual
    )
),

final as (
    select g.gkey, on_time + late as recorded,
        fw_tail_quantile(on_time, late, t.tail, $q, $deadline) as delay_quantile,
        fw_tail_exact(on_time, late, $q) as exact
    from groups as g
    left join tails as t on t.gkey = g.gkey
)

select * from final
